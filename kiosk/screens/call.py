"""The meeting: the official large, the citizen's own picture small, and the citizen's few controls.

With third parties (an interpreter, a support person; up to two guests, three
remote persons in all) the official in charge stays the large picture and each
guest is a smaller one beside it on the right, each named with their role
under the picture in the citizen's one language.

When the official in charge mutes the booth's microphone, a large line says so
in the citizen's language, with an "Unmute" button (muting is a request, as in
common meeting tools: the citizen may speak again).

At the top, who the citizen is talking to and a status line; on the left,
louder/quieter and "call the service advisor" (the physical call button's
twin: the same event, the same path to the advisor). Nothing here ends the
call or changes the booth: the official ends it.

Textures are allocated once and updated in place with ``blit_buffer``; a new
``Texture`` per frame leaks GPU memory (measured on these machines). A new
texture is made only when the picture's size changes.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.graphics.texture import Texture
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.image import Image
from kivy.uix.widget import Widget

from kiosk.i18n import say
from kiosk.media import CallMedia
from kiosk.screens.common import BoothScreen, big_button, big_label
from kiosk.screens.theme import THEME
from kiosk.screens.wording import WORDING
from kiosk.session import Notice
from protocol.messages import Participant, ParticipantRole

VOLUME_COLOUR = (0.2, 0.3, 0.45, 1)
ADVISOR_COLOUR = (0.62, 0.22, 0.10, 1)  # the call button's red-orange, darkened for white text (AA)
MUTED_COLOUR = (0.08, 0.12, 0.2, 0.92)  # the "you are muted" banner: white text on near-black blue (AA)

FPS = 30

#: Where the pictures go: alone, the official fills the screen; with a guest, the two side by side;
#: with two guests, the official large and the guests one above the other on the right (the
#: citizen's own picture stays at the bottom right, below them).
ALONE = {"size_hint": (1, 0.92), "pos_hint": {"x": 0, "y": 0}}
LEAD_WITH_GUEST = {"size_hint": (0.56, 0.64), "pos_hint": {"x": 0.18, "y": 0.21}}
GUEST_TILE = {"size_hint": (0.24, 0.34), "pos_hint": {"x": 0.75, "y": 0.48}}
GUEST_CAPTION = {"size_hint": (0.24, 0.16), "pos_hint": {"x": 0.75, "y": 0.3}}
LEAD_WITH_TWO = {"size_hint": (0.5, 0.62), "pos_hint": {"x": 0.18, "y": 0.23}}
FIRST_OF_TWO = {"size_hint": (0.3, 0.22), "pos_hint": {"x": 0.69, "y": 0.66}}
FIRST_OF_TWO_CAPTION = {"size_hint": (0.3, 0.11), "pos_hint": {"x": 0.69, "y": 0.55}}
SECOND_OF_TWO = {"size_hint": (0.3, 0.19), "pos_hint": {"x": 0.69, "y": 0.36}}
SECOND_OF_TWO_CAPTION = {"size_hint": (0.3, 0.11), "pos_hint": {"x": 0.69, "y": 0.25}}
#: The most remote persons laid out: the official and two guests.
MOST_REMOTE = 3
#: The official's shared window: large in the middle, the official in the guest's place (the guest hidden).
SHARED = {"size_hint": (0.56, 0.72), "pos_hint": {"x": 0.18, "y": 0.13}}


def role_key(person: Participant) -> str:
    """The text key of what a remote party is to the citizen (a guest by their duty)."""
    if person.role is ParticipantRole.OFFICIAL:
        return "role_official"
    return f"duty_{person.duty}" if person.duty else "duty_guest"


def caption(person: Participant, language: str | None) -> str:
    """Name, then role, under a picture."""
    return f"{person.name}\n{say(role_key(person), language, ' · ')}"


class VideoView(Image):
    """An Image whose texture is reused for every frame of the same size.

    Hidden until its first frame: a Kivy Image without a texture draws a white
    box, which is what a citizen saw on a slow start.
    """

    def __init__(self, colorfmt: str, **kwargs: object) -> None:
        super().__init__(fit_mode="contain", **kwargs)
        self.colorfmt = colorfmt
        self.frames_shown = 0
        self.opacity = 0

    def show_frame(self, size: tuple[int, int], pixels: bytes) -> None:
        tex = self.texture
        if tex is None or tuple(tex.size) != size:
            tex = Texture.create(size=size, colorfmt=self.colorfmt)
            tex.flip_vertical()  # frames are top row first; GL textures bottom row first
            self.texture = tex
        tex.blit_buffer(pixels, colorfmt=self.colorfmt, bufferfmt="ubyte")
        self.canvas.ask_update()
        self.frames_shown += 1
        self.opacity = 1

    def clear(self) -> None:
        self.texture = None
        self.opacity = 0


class CallScreen(BoothScreen):
    def __init__(
        self,
        on_louder: Callable[[], None] = lambda: None,
        on_quieter: Callable[[], None] = lambda: None,
        on_advisor: Callable[[], None] = lambda: None,
        on_unmute: Callable[[], None] = lambda: None,
        **kwargs: object,
    ) -> None:
        super().__init__(name="call", **kwargs)
        root = FloatLayout()
        # Big louder/quieter buttons on the left, for a citizen who cannot hear well (issue 9).
        self.louder = WORDING.bind(
            big_button("", VOLUME_COLOUR, size_hint=(0.16, 0.2), pos_hint={"x": 0.01, "y": 0.5}), "louder", " · ", "+\n"
        )
        self.quieter = WORDING.bind(
            big_button("", VOLUME_COLOUR, size_hint=(0.16, 0.2), pos_hint={"x": 0.01, "y": 0.26}),
            "quieter",
            " · ",
            "−\n",
        )
        for button in (self.louder, self.quieter):
            button.halign, button.valign = "center", "middle"
            button.bind(size=lambda b, s: setattr(b, "text_size", s))
            THEME.size_text(button, lambda b: b.height * 0.14)
        self.advisor = WORDING.bind(
            big_button("", ADVISOR_COLOUR, size_hint=(0.3, 0.17), pos_hint={"x": 0.01, "y": 0.02}), "call_advisor"
        )
        self.advisor.halign, self.advisor.valign = "center", "middle"
        self.advisor.bind(size=lambda b, s: setattr(b, "text_size", s), on_release=lambda *_: on_advisor())
        self.louder.bind(on_release=lambda *_: on_louder())
        self.quieter.bind(on_release=lambda *_: on_quieter())
        # Tall enough for the large-text size: a shorter box cut the figure's top and bottom off.
        self.volume = big_label("", 0.14, size_hint=(0.16, 0.07), pos_hint={"x": 0.01, "y": 0.19})
        self.remote = VideoView("rgb", size_hint=(1, 0.92), pos_hint={"x": 0, "y": 0})
        self.local = VideoView("bgr", size_hint=(0.22, 0.22), pos_hint={"right": 0.98, "y": 0.02})
        self.guest = VideoView("rgb", **GUEST_TILE)
        self.guest2 = VideoView("rgb", **SECOND_OF_TWO)
        self.shared = VideoView("rgb", **SHARED)
        self._people: tuple[Participant, ...] = ()
        self._guest_serial = -1
        self._guest2_serial = -1
        self._sharing = False
        self._shared_serial = -1
        # Names and roles under the pictures; empty (not drawn) while the official is alone.
        self.lead_caption = WORDING.render(
            big_label("", 0.09, size_hint=(0.4, 0.12), pos_hint={"center_x": 0.46, "y": 0.08}),
            lambda lang: self._caption(0, lang),
        )
        self.guest_caption = WORDING.render(big_label("", 0.09, **GUEST_CAPTION), lambda lang: self._caption(1, lang))
        self.guest2_caption = WORDING.render(
            big_label("", 0.09, **SECOND_OF_TWO_CAPTION), lambda lang: self._caption(2, lang)
        )
        # The official muted the booth's microphone: said large, with the citizen's way back.
        self._muted = False
        # A banner over the top of the official's picture (its own background: readable on any picture).
        note = big_button("", MUTED_COLOUR, size_hint=(0.5, 0.1), pos_hint={"x": 0.18, "y": 0.74})
        note.background_disabled_normal, note.disabled_color, note.disabled = "", note.color, True
        THEME.size_text(note, lambda b: b.height * 0.42)
        self.muted_note = WORDING.render(
            note, lambda lang: say("muted_by_official", lang, "  ·  ") if self._muted else ""
        )
        self.unmute = WORDING.bind(
            big_button("", VOLUME_COLOUR, size_hint=(0.26, 0.12), pos_hint={"x": 0.33, "y": 0.6}), "unmute"
        )
        THEME.size_text(self.unmute, lambda b: b.height * 0.36)
        self.unmute.bind(on_release=lambda *_: on_unmute())
        self.unmute.opacity, self.unmute.disabled = 0, True
        self.muted_note.opacity = 0
        self._official = ""
        self._connected = False
        self.title = WORDING.render(
            big_label("", 0.12, size_hint=(1, 0.08), pos_hint={"x": 0, "top": 1}), self._title_text
        )
        self.status = WORDING.render(
            big_label("", 0.1, size_hint=(0.6, 0.06), pos_hint={"center_x": 0.5, "top": 0.92}), self._status_text
        )
        self.notice = big_label("", 0.04, size_hint=(1, 0.2), pos_hint={"x": 0, "center_y": 0.5})
        shown = (self.remote, self.local, self.title, self.status, self.notice, self.louder, self.quieter)
        extra = (self.guest, self.guest2, self.shared, self.lead_caption, self.guest_caption, self.guest2_caption)
        for w in (*shown, *extra, self.volume, self.advisor, self.muted_note, self.unmute):
            root.add_widget(w)
        self.add_widget(root)
        self.media: CallMedia | None = None
        self._serial = -1
        self._local_seen: object = None
        Clock.schedule_interval(self._update, 1 / FPS)

    def set_media(self, media: CallMedia | None) -> None:
        self.media = media
        self._serial = -1
        self._guest_serial = self._guest2_serial = -1
        if media is None:
            # Nothing of this citizen's call stays on screen for the next one.
            self.remote.clear()
            self.local.clear()
            self.guest.clear()
            self.guest2.clear()
            self.set_people(())
            self.set_sharing(False)
            self.set_muted(False)

    def set_people(self, people: tuple[Participant, ...]) -> None:
        """The remote parties, the official in charge first: with a guest, two pictures with captions."""
        self._people = people
        self._lay_out()

    def set_sharing(self, sharing: bool) -> None:
        """The official in charge shows a window (large, the official small beside it), or stopped."""
        self._sharing = sharing
        self._shared_serial = -1
        self.shared.clear()  # nothing of a window stays on screen once its sharing stopped
        self._lay_out()

    def set_muted(self, muted: bool) -> None:
        """The official muted the booth's microphone (a large line and "Unmute"), or it is on again."""
        self._muted = muted
        self.muted_note.text = say("muted_by_official", WORDING.language, "  ·  ") if muted else ""
        self.muted_note.opacity = 1 if muted else 0
        self.unmute.opacity, self.unmute.disabled = (1, False) if muted else (0, True)

    def _lay_out(self) -> None:
        remotes = min(len(self._people), MOST_REMOTE)
        if self._sharing:
            lead, first, first_caption = GUEST_TILE, GUEST_TILE, GUEST_CAPTION
        elif remotes == MOST_REMOTE:
            lead, first, first_caption = LEAD_WITH_TWO, FIRST_OF_TWO, FIRST_OF_TWO_CAPTION
        else:
            lead, first, first_caption = (LEAD_WITH_GUEST if remotes == 2 else ALONE), GUEST_TILE, GUEST_CAPTION
        for widget, place in ((self.remote, lead), (self.guest, first), (self.guest_caption, first_caption)):
            widget.size_hint, widget.pos_hint = place["size_hint"], dict(place["pos_hint"])
        if self._sharing or remotes < 2:
            self.guest.clear()
        if self._sharing or remotes < MOST_REMOTE:
            self.guest2.clear()
        self._guest_serial = self._guest2_serial = -1
        self.lead_caption.text = self._caption(0, WORDING.language)
        self.guest_caption.text = self._caption(1, WORDING.language)
        self.guest2_caption.text = self._caption(2, WORDING.language)

    def _caption(self, index: int, language: str | None) -> str:
        """The caption of the ``index``th remote party; none while the official is alone (the title names them).

        While the official shares a window they sit in the guest's place, with their caption."""
        if self._sharing:
            return caption(self._people[0], language) if index == 1 and self._people else ""
        if len(self._people) < 2 or index >= min(len(self._people), MOST_REMOTE):
            return ""
        return caption(self._people[index], language)

    def set_volume(self, volume: int) -> None:
        self.volume.text = f"{volume} %"

    def targets(self) -> dict[str, Widget]:
        out: dict[str, Widget] = {"louder": self.louder, "quieter": self.quieter, "advisor": self.advisor}
        if self._muted:
            out["unmute"] = self.unmute
        return out

    def _title_text(self, language: str | None) -> str:
        if not self._official:
            return say("call_with_nobody", language, "  ·  ")
        return say("call_with", language, "  ·  ").format(name=self._official)

    def _status_text(self, language: str | None) -> str:
        return say("call_connected" if self._connected else Notice.CONNECTING.value, language, "  ·  ")

    def set_official(self, name: str) -> None:
        """Who the citizen is talking to (the official's display name, as the backend sent it)."""
        self._official = name
        self.title.text = self._title_text(WORDING.language)

    def set_connected(self, connected: bool) -> None:
        """The status line: "connecting…" until the media is up, then "you are connected"."""
        self._connected = connected
        self.status.text = self._status_text(WORDING.language)

    def set_notice(self, text: str) -> None:
        self.notice.text = text

    def _update(self, _dt: float) -> None:
        media = self.media
        if media is None:
            return
        remote = media.remote_video
        if remote.serial != self._serial and remote.rgb is not None and remote.size is not None:
            self._serial = remote.serial
            self.remote.show_frame(remote.size, remote.rgb)
            if self.notice.text:
                self.notice.text = ""  # the picture arrived: "connecting" is over
        if self._sharing:
            self._update_shared(media)
        elif len(self._people) > 1:
            self._update_tile(media, 1, self.guest, "_guest_serial")
            if len(self._people) > 2:
                self._update_tile(media, 2, self.guest2, "_guest2_serial")
        local = media.camera_track.last_bgr
        if local is not None and local is not self._local_seen:
            self._local_seen = local
            h, w = local.shape[:2]
            self.local.show_frame((w, h), local.tobytes())

    def _update_tile(self, media: CallMedia, index: int, view: VideoView, serial: str) -> None:
        """A guest's picture (the ``index``th remote party), blitted when a new frame came."""
        try:
            video = media.link(self._people[index].peer).remote_video
        except KeyError:
            return  # its connection is being made or was closed
        if video.serial != getattr(self, serial) and video.rgb is not None and video.size is not None:
            setattr(self, serial, video.serial)
            view.show_frame(video.size, video.rgb)

    def _update_shared(self, media: CallMedia) -> None:
        """The official in charge's shared window, blitted when a new frame came."""
        if not self._people:
            return
        try:
            video = media.link(self._people[0].peer).shared_video
        except KeyError:
            return
        if video.serial != self._shared_serial and video.rgb is not None and video.size is not None:
            self._shared_serial = video.serial
            self.shared.show_frame(video.size, video.rgb)

    def pictures(self) -> list[dict[str, object]]:
        """The remote pictures on the screen now, for the debug dump: whose, frames shown, and where
        (fractions of the window from the top left), so a test can look at that part of the screenshot."""
        out: list[dict[str, object]] = []
        views = (("official", self.remote), ("guest", self.guest), ("guest2", self.guest2), ("shared", self.shared))
        for who, view in views:
            if view.opacity <= 0 or view.texture is None:
                continue
            width, height = Window.size
            x, y = view.to_window(view.x, view.y)
            # The picture inside the widget ("contain": centred, aspect kept).
            nw, nh = view.norm_image_size
            left, bottom = x + (view.width - nw) / 2, y + (view.height - nh) / 2
            rect = [left / width, 1 - (bottom + nh) / height, nw / width, nh / height]
            out.append({"who": who, "frames": view.frames_shown, "rect": [round(v, 4) for v in rect]})
        return out
