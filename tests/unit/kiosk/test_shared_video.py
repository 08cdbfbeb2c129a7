"""One encode of the camera for every peer (kiosk.shared_video), with real libvpx and real aiortc peers."""

from __future__ import annotations

import asyncio

from aiortc.rtp import RTCP_PSFB_APP, RTCP_PSFB_PLI, RtcpPsfbPacket, pack_remb_fci
from aiortc.sdp import SessionDescription

from drivers.sim.camera import SimulatedCamera
from drivers.sim.microphone import ToneMicrophone
from kiosk.media import ABS_SEND_TIME, CallMedia, CameraTrack, MediaStats
from kiosk.shared_video import EncodedVideoTrack, SharedVideoEncoder, feedback_to, is_vp8_keyframe
from tests.remote_peer import RemotePeer
from tests.unit.kiosk.test_controller_peers import until


def camera_source() -> CameraTrack:
    camera = SimulatedCamera("face", 320, 240)
    camera.open()
    return CameraTrack(camera, MediaStats())


async def frames(track: EncodedVideoTrack, n: int) -> list[tuple[bytes, bool]]:
    out = []
    for _ in range(n):
        packet = await asyncio.wait_for(track.recv(), 10)
        data = bytes(packet)
        out.append((data, is_vp8_keyframe(data)))
    return out


async def test_every_peer_gets_the_same_frames_and_a_late_one_starts_at_a_keyframe():
    source = camera_source()
    shared = SharedVideoEncoder(source)
    first = shared.subscribe()
    try:
        early = await frames(first, 5)
        assert early[0][1], "the first frame a receiver gets is a keyframe"
        assert not any(key for _, key in early[1:]), "no keyframe without a request (the stream stays cheap)"

        late = shared.subscribe()  # a second peer joins mid-stream
        got_late = await frames(late, 3)
        assert got_late[0][1], "a newcomer starts at a keyframe, not at a frame it cannot decode"
        got_first = [f for f in await frames(first, 10)]
        # The same compressed frame went to both: one encode, not one per peer.
        assert got_late[0][0] in {data for data, _ in got_first}
        encoded = shared.frames_encoded
        assert encoded < len(early) + len(got_first) + len(got_late)
    finally:
        shared.close()
        source.stop()
    assert first.readyState == late.readyState == "ended"


async def test_a_keyframe_request_and_the_lowest_bitrate_estimate_reach_the_one_encoder():
    source = camera_source()
    shared = SharedVideoEncoder(source)
    a, b = shared.subscribe(), shared.subscribe()
    try:
        await frames(a, 3)
        a.want_keyframe()  # as a PLI from a's receiver does
        after = await frames(a, 5)
        assert any(key for _, key in after)

        a.report_bitrate(900_000)
        b.report_bitrate(400_000)
        assert shared.target_bitrate == 400_000, "the stream fits the poorest receiver's path"
        b.stop()
        assert shared.target_bitrate == 900_000, "and rises again when that receiver leaves"
    finally:
        shared.close()
        source.stop()


async def test_a_receiver_that_stops_reading_is_cut_back_to_a_keyframe_and_the_others_go_on():
    source = camera_source()
    shared = SharedVideoEncoder(source)
    reader, stalled = shared.subscribe(), shared.subscribe()
    try:
        await frames(reader, 45)  # 1.5 s: more than the backlog a stalled receiver may hold
        assert stalled._queue.qsize() <= 30
        resumed = await frames(stalled, 1)
        assert resumed[0][1], "after its backlog was dropped it starts again at a keyframe"
    finally:
        shared.close()
        source.stop()


async def test_rtcp_from_a_peer_reaches_the_shared_encoder_through_its_sender():
    class Sender:  # the two things feedback_to uses of aiortc's RTCRtpSender
        _ssrc = 1234

        def __init__(self) -> None:
            self.handled: list[object] = []

        async def _handle_rtcp_packet(self, packet: object) -> None:
            self.handled.append(packet)

    source = camera_source()
    shared = SharedVideoEncoder(source)
    track = shared.subscribe()
    sender = Sender()
    feedback_to(sender, track)  # type: ignore[arg-type]
    try:
        shared._keyframe = False
        await sender._handle_rtcp_packet(RtcpPsfbPacket(fmt=RTCP_PSFB_PLI, ssrc=1, media_ssrc=1234))
        assert shared._keyframe
        await sender._handle_rtcp_packet(
            RtcpPsfbPacket(fmt=RTCP_PSFB_APP, ssrc=1, media_ssrc=0, fci=pack_remb_fci(300_000, [1234]))
        )
        assert track.reported_bitrate == shared.target_bitrate == 300_000
        await sender._handle_rtcp_packet(
            RtcpPsfbPacket(fmt=RTCP_PSFB_APP, ssrc=1, media_ssrc=0, fci=pack_remb_fci(800_000, [999]))
        )
        assert track.reported_bitrate == 300_000, "an estimate for another stream is not ours"
        assert len(sender.handled) == 3, "the sender still handles every packet itself"
    finally:
        shared.close()
        source.stop()


async def test_three_peers_decode_the_booths_one_vp8_stream():
    camera = SimulatedCamera("face", 320, 240)
    camera.open()
    states: dict[str, str] = {}
    media = CallMedia(camera, ToneMicrophone(), [], lambda peer, state: states.__setitem__(peer, state))
    remotes = {p: RemotePeer() for p in ("o1", "g2", "g3")}
    try:
        for peer, remote in remotes.items():
            offer = await media.offer(peer)
            camera_line = SessionDescription.parse(offer).media[0]  # the share line receives any codec
            assert [c.mimeType for c in camera_line.rtp.codecs] == ["video/VP8", "video/rtx"]
            assert ABS_SEND_TIME not in offer, "the booth's busy CPU must not set its peers' bitrate"
            await media.apply_answer(peer, await remote.answer(offer))
        await until("all three connected", lambda: all(states.get(p) == "connected" for p in remotes))
        await until("every peer decodes the picture", lambda: all(r.video_frames > 10 for r in remotes.values()))
        assert all(r.video_size == (320, 240) for r in remotes.values())
        sent = media.stats.video_frames_sent
        assert media._video.frames_encoded <= sent, "one encode per camera frame, not one per peer"
        await media.drop("g2")
        before = remotes["o1"].video_frames
        await until("the others go on", lambda: remotes["o1"].video_frames > before + 10)
    finally:
        await media.close()
        for remote in remotes.values():
            await remote.close()
