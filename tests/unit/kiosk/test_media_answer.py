"""The booth learns every candidate of the official's answer, however its m-lines share transports.

A browser puts its candidates on the BUNDLE group's first m-line only. aiortc 1.16 keeps, per
ICE transport, the candidates of the last m-line using it, and the booth's video line and its
receive-only share line share one: without ``bundled_candidates`` the answer's candidates were
lost and a call with only TURN over TCP/TLS never connected (tests/e2e/test_network_paths.py).
Real aiortc on loopback.
"""

from __future__ import annotations

from drivers.sim.camera import SimulatedCamera
from drivers.sim.microphone import ToneMicrophone
from kiosk.media import CallMedia, bundled_candidates
from tests.remote_peer import RemotePeer
from tests.unit.kiosk.test_media_peers import until


def as_a_browser_answers(sdp: str) -> str:
    """The answer with its candidates on the first m-line only, as Chromium writes a bundled answer."""
    head, *sections = sdp.split("m=")
    kept = [sections[0]] + [
        "".join(line for line in section.splitlines(keepends=True) if not line.startswith(("a=candidate:", "a=end-of")))
        for section in sections[1:]
    ]
    return head + "".join("m=" + section for section in kept)


def addresses(sdp: str) -> set[tuple[str, int]]:
    out = set()
    for line in sdp.splitlines():
        if line.startswith("a=candidate:"):
            fields = line.split()
            out.add((fields[4], int(fields[5])))
    return out


async def test_the_answers_candidates_on_its_first_line_reach_the_booths_ice():
    camera = SimulatedCamera("face", 160, 120)
    camera.open()
    states: dict[str, str] = {}
    media = CallMedia(camera, ToneMicrophone(), [], lambda peer, state: states.__setitem__(peer, state))
    official = RemotePeer(send_video=True, width=160, height=120)
    try:
        offer = await media.offer("o1")
        assert offer.count("m=") == 3  # video, audio, the receive-only share line
        answer = as_a_browser_answers(await official.answer(offer))
        signalled = addresses(answer)
        assert signalled and len(bundled_candidates(answer)) == len(signalled)
        await media.apply_answer("o1", answer)
        pc = media.link("o1").pc
        transport = pc.getTransceivers()[0].receiver.transport.transport
        known = {(c.ip, c.port) for c in transport.getRemoteCandidates()}
        assert signalled <= known, "the official's candidates did not reach the booth's ICE agent"
        await until("the connection up", lambda: states.get("o1") == "connected")
        await until("the official's picture at the booth", lambda: media.remote_video.serial > 3)
    finally:
        await media.close()
        await official.close()


def test_an_answer_without_bundle_adds_nothing_again():
    assert bundled_candidates("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n") == []
