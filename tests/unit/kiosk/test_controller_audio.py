"""The controller's audio: the official's and the citizen's volume, and the level reports in a call."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from kiosk import session as sm
from protocol.messages import BoothAudio, BoothVolume, MicrophoneState
from tests.unit.kiosk.test_controller_qr import FakeCamera, make, sent


class NoMedia:
    """A call's media without content: the report needs one to be there, nothing more."""

    async def close(self) -> None: ...


def in_call(controller) -> None:
    controller.machine.state = replace(controller.machine.state, phase=sm.Phase.IN_CALL, session_id="s1")
    controller.media = NoMedia()


async def test_the_officials_volume_and_the_citizens_buttons_stay_within_the_limits():
    controller, ui = make(FakeCamera("face_camera"))
    in_call(controller)
    controller.feed(sm.Received(BoothVolume(session_id="s1", volume=5), controller.clock()))
    assert controller.mixer.volume == controller.config.audio.volume_min == ui.volumes[-1]
    for _ in range(20):
        controller.press_louder()
    assert controller.mixer.volume == controller.config.audio.volume_max
    controller.press_quieter()
    assert controller.mixer.volume == controller.config.audio.volume_max - controller.config.audio.volume_step
    controller._stop_media()
    assert controller.mixer.volume == controller.config.audio.volume  # the next citizen starts afresh


async def test_in_a_call_the_officials_hear_how_the_booth_sounds_once_a_second():
    controller, _ui = make(FakeCamera("face_camera"))
    controller._report_audio()
    assert not [m for m in sent(controller) if isinstance(m, BoothAudio)]  # not in a call: nothing
    in_call(controller)
    controller._report_audio()
    controller._report_audio()  # within the second: not again
    await asyncio.sleep(0)
    reports = [m for m in sent(controller) if isinstance(m, BoothAudio)]
    assert len(reports) == 1
    report = reports[0]
    assert report.session_id == "s1" and report.mic_state is MicrophoneState.OK
    assert -15 < report.mic_level_dbfs < -10  # the simulator's tone: 0.3 of full scale


async def test_the_lobby_self_view_is_read_only_while_the_citizen_waits():
    controller, _ui = make(FakeCamera("face_camera"))
    task = asyncio.ensure_future(controller._preview_loop())
    try:
        controller.machine.state = replace(controller.machine.state, phase=sm.Phase.LOBBY, session_id="s1")
        for _ in range(200):
            if controller.preview is not None:
                break
            await asyncio.sleep(0.01)
        assert controller.preview is not None
        controller.machine.state = replace(controller.machine.state, phase=sm.Phase.IDLE, session_id=None)
        for _ in range(200):
            if controller.preview is None:
                break
            await asyncio.sleep(0.01)
        assert controller.preview is None  # nothing of the citizen kept after the lobby
    finally:
        task.cancel()
