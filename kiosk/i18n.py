"""The booth's texts, keyed by what the screens ask for; the words are in the ``booth`` catalogue.

A booth serves everyone who walks in, so until the citizen picks a language
the attract screen shows all of them at once (the citizen never has to find a
language switch); from the choice on, every screen speaks only that one:
``say(key, language)`` is the one lookup every screen uses, with the language
the session stamped on its ``Show``. The English source text is the msgid
(``texts/locale/*/LC_MESSAGES/booth.po``).

The screens speak the meeting languages (``protocol.messages.Language``) and
the booth's screen-only ones (``texts.SCREEN_ONLY_LANGUAGES``, e.g. Russian):
a citizen who reads Russian gets every screen in Russian and meets an official
in Finnish, Swedish or English, perhaps with an interpreter.
"""

from __future__ import annotations

import texts
from kiosk.session import Notice
from texts import N_, SCREEN_ONLY_LANGUAGES, Language

_BOOTH = texts.Domain("booth")
_all = _BOOTH.in_all

#: The languages a meeting can be held in, Finnish first (what ``say`` shows all of before a choice).
MEETING_LANGUAGES = tuple(lang.value for lang in Language)
#: Every language the screens speak: the meeting languages, then the screen-only ones.
LANGUAGES = MEETING_LANGUAGES + SCREEN_ONLY_LANGUAGES
#: Each language in itself, for the language buttons (never translated).
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English", "ru": "Русский"}

TEXTS: dict[str, str] = {
    "welcome": N_("Welcome"),
    "start": N_("Start"),
    "booking": N_("I have a booking"),
    "start_hint": N_("Press to start your video meeting"),
    "lobby": N_("An official will join you shortly"),
    "lobby_unserved": N_("Please wait for an official"),
    "cancel": N_("Cancel"),
    "back": N_("Back"),
    "choose": N_("Choose your matter"),
    "choose_none": N_("There are no services in this language right now. Please choose another language."),
    "checkin": N_("Type your booking code"),
    "checkin_hint": N_("or show the QR code from your SMS or letter to the camera"),
    "thanks": N_("Thank you!"),
    "take_papers": N_("Remember to take your papers and your ID card"),
    "offline": N_("The service is not available right now"),
    "offline_hint": N_("Connecting… Ask the service advisor for help if needed."),
    "assist_requested": N_("The service advisor has been called"),
    "assist_acknowledged": N_("The service advisor is on the way"),
    "louder": N_("Louder"),
    "quieter": N_("Quieter"),
    "heard": N_("We can hear you"),
    "come_closer": N_("Please come closer to the microphone"),
    "not_heard": N_("The microphone is not working. Please tell the service advisor."),
    "ident_title": N_("Identification"),
    "back_to_meeting": N_("Back to the meeting"),
    "pin_prompt": N_("Type the PIN code of your ID card (PIN 1)"),
    "what_next": N_("What next"),
    "feedback_title": N_("Quick feedback"),
    "feedback_scale": N_("5 = very good · 1 = very poor"),
    "skip": N_("Skip"),
    "print": N_("Print"),
    "screenshot_question": N_("Support asks to see this screen."),
    "screenshot_allow": N_("Allow"),
    "screenshot_deny": N_("Do not allow"),
    "enroll_title": N_("Enroll this booth"),
    "enroll_code": N_("Booth code:"),
    "enroll_hint": N_("Type the enrollment token from the admin app, or insert the USB stick with the token file."),
    "enroll_erase": N_("Erase"),
    "enroll_waiting": N_("Waiting for the token"),
    "enroll_sending": N_("Sending…"),
    "enroll_refused": N_("The backend refused the token:"),
    "enroll_unreachable": N_("The backend cannot be reached. Check the network and try again."),
    Notice.START_FAILED.value: N_("Could not start. Please try again."),
    Notice.OFFICIAL_DISCONNECTED.value: N_("The official was disconnected. Please wait."),
    Notice.BACK_IN_QUEUE.value: N_("You are back in the queue. Please wait for an official."),
    Notice.CONNECTING.value: N_("Connecting…"),
    Notice.RECONNECTING.value: N_("Reconnecting… Please wait, your place is kept."),
    Notice.CALL_ENDED.value: N_("The meeting has ended"),
    Notice.CONNECTION_FAILED.value: N_("The connection failed. Please ask the service advisor for help."),
    Notice.CANCELLED.value: N_("Cancelled"),
    Notice.CHECKING.value: N_("Checking your booking…"),
    Notice.CHECKIN_FAILED.value: N_("Could not check the booking. Please try again."),
    Notice.INSERT_CARD.value: N_("Please put your ID card in the card reader, chip first."),
    Notice.CARD_REMOVED.value: N_("The card was taken out. Please put it back in the reader."),
    Notice.WRONG_PIN.value: N_("The PIN was not right. Please try again slowly."),
    Notice.WRONG_PIN_LAST.value: N_("The PIN was not right. One more wrong try locks the card, so take your time."),
    Notice.PIN_LOCKED.value: N_("The card's PIN is locked. Do not worry: the official will help you another way."),
    Notice.CHECKING_ID.value: N_("Checking your card… Please leave it in the reader."),
    Notice.IDENTIFIED.value: N_("Thank you! You are identified. You can take your card."),
    Notice.ID_FAILED.value: N_("Identification with this card did not succeed. The official will help you."),
    Notice.FEEDBACK_SERVICE.value: N_("How satisfied were you with the customer service you got from the official?"),
    Notice.FEEDBACK_EASE.value: N_("Was the remote service easy to use?"),
    Notice.FEEDBACK_OVERALL.value: N_("How satisfied were you with your visit to the remote service point as a whole?"),
    Notice.FEEDBACK_THANKS.value: N_("Thank you for your feedback!"),
    Notice.PRINTING.value: N_("Printing… The paper comes out of the printer below the screen."),
    Notice.PRINTED.value: N_("Printed. Please take the paper from the printer."),
    Notice.PRINT_FAILED.value: N_("The printer could not print it. The official can send it to you another way."),
    "change_language": N_("Change language"),
    "large_text": N_("Larger text"),
    "high_contrast": N_("High contrast"),
    "call_with": N_("Official: {name}"),
    "call_with_nobody": N_("Your video meeting"),
    "role_official": N_("Official"),
    "duty_spoken_interpreter": N_("Interpreter"),
    "duty_sign_interpreter": N_("Sign language interpreter"),
    "duty_support_person": N_("Support person"),
    "duty_guest": N_("Guest in the meeting"),
    "call_connected": N_("You are connected. Speak normally."),
    "muted_by_official": N_("The official muted your microphone"),
    "unmute": N_("Unmute"),
    "call_advisor": N_("Call the service advisor"),
    "read_aloud": N_("Read aloud"),
    "assist_calling": N_("Calling the service advisor…"),
    "meeting_language": N_("Which language will you speak with the official?"),
    "meeting_fi": N_("Finnish"),
    "meeting_sv": N_("Swedish"),
    "meeting_en": N_("English"),
    "interpreter_note": N_("Do you need an interpreter? Tell the official. They can call one."),
    "choose_none_screen": N_("No services have texts in this language yet. Please choose another language."),
}


def all_languages(key: str, sep: str = "\n") -> str:
    """The text in every language, Finnish first."""
    return sep.join(_all(TEXTS[key]).values()) if key else ""


def say(key: str, language: str | None = None, sep: str = "\n") -> str:
    """``key`` in the citizen's language; before a choice (``None``) in every language, Finnish first."""
    if not key:
        return ""
    return in_language(key, language) if language in LANGUAGES else all_languages(key, sep)


def in_language(key: str, language: str) -> str:
    """The text in one language (Finnish for a language the booth does not speak)."""
    return _BOOTH.gettext(language if language in LANGUAGES else Language.FI.value, TEXTS[key])


def is_screen_only(language: str | None) -> bool:
    """A language the screens speak but no meeting is held in (the citizen picks a meeting language too)."""
    return language in SCREEN_ONLY_LANGUAGES


def lobby_heading(wait_min: int | None, queued: bool = True, language: str | None = None) -> str:
    """The lobby's heading (in ``language``, or every language before a choice).

    It promises an official "shortly" only while the queue line does not say
    that nobody who serves the matter is present (``wait_min`` None);
    before any queue news (``queued`` False: e.g. no matter chosen) it is the plain promise."""
    return say("lobby_unserved" if queued and wait_min is None else "lobby", language)


def queue_text(position: int, wait_min: int | None, sep: str = "  ·  ", language: str | None = None) -> str:
    """The lobby's queue line: the place and an honest estimate, in ``language`` or one line per language.

    ``wait_min`` None means nobody who serves this matter is present: the
    booth says so rather than guess a time.
    """
    if wait_min is None:
        wait, fields = N_("No official for this matter is present right now"), {}
    elif wait_min == 0:
        wait, fields = N_("It is your turn soon"), {}
    else:
        wait, fields = N_("Estimated wait about {min} min"), {"min": wait_min}
    place = N_("You are number {n} in the queue")
    shown = [language] if language in LANGUAGES else MEETING_LANGUAGES
    return "\n".join(
        f"{_BOOTH.gettext(lang, place, n=position)}{sep}{_BOOTH.gettext(lang, wait, **fields)}" for lang in shown
    )
