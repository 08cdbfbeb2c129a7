"""One encode of the booth's camera for every peer of the call.

The booth holds a peer connection per remote participant (a mesh from the
booth). Left to itself, aiortc encodes the camera once per connection: with
an official, a sign-language interpreter and a support person the booth
encoded every frame three times, and on a busy booth PC the interpreter got
13.5 frames a second where sign language needs 15 (bench/README.md,
booth_peers). Here the camera is encoded once, in VP8, and every connection's
sender only packetizes the same compressed frame (aiortc's senders take a
pre-encoded ``av.Packet`` and call their encoder's ``pack``).

What one shared stream has to settle between its receivers:

- **Keyframes.** A receiver that lost a picture asks for a keyframe (RTCP PLI
  or FIR); a newcomer needs one to start decoding. Either request makes the
  next encode a keyframe for everyone, and a receiver is sent nothing until
  its first keyframe, so it never gets a frame it cannot decode.
- **Bitrate.** Every receiver estimates what its path carries (RTCP REMB).
  The stream is encoded at the lowest of those estimates, so it fits every
  path; one receiver on a poor link lowers the picture for all, which is the
  price of encoding once (the same trade an SFU without simulcast makes).
- **A receiver that falls behind** (its sender not reading) gets its backlog
  dropped and waits for a keyframe, so it catches up at once and the others
  are not held back.

aiortc's sender handles PLI and REMB for its own encoder only. ``feedback_to``
wraps the sender's RTCP handler of one connection so that those two also reach
this shared encoder; everything else (RTT, NACK retransmissions) stays the
sender's own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiortc import MediaStreamTrack, RTCRtpCodecCapability, RTCRtpSender, RTCRtpTransceiver
from aiortc.codecs.vpx import Vp8Encoder, vp8_depayload
from aiortc.mediastreams import MediaStreamError
from aiortc.rtp import RTCP_PSFB_APP, RTCP_PSFB_FIR, RTCP_PSFB_PLI, RtcpPsfbPacket, unpack_remb_fci
from av import Packet, VideoFrame

log = logging.getLogger("etapiste.media")

#: The one codec the booth sends in: every browser decodes it, and one encode serves every peer only
#: if every peer takes the same codec.
VIDEO_MIME = "video/VP8"
#: A receiver this many frames behind (one second at 30 frames a second) is cut back to the next keyframe.
BACKLOG_FRAMES = 30


def is_vp8_keyframe(frame: bytes) -> bool:
    """A VP8 frame's tag: bit 0 of the first byte is 0 for a keyframe (RFC 6386, 9.1)."""
    return bool(frame) and frame[0] & 0x01 == 0


def send_vp8_only(transceiver: RTCRtpTransceiver) -> None:
    """Offer only VP8 (and its retransmissions) on the booth's camera transceiver.

    The shared stream is VP8; a peer that negotiated another codec would get
    frames its decoder cannot read."""
    codecs: list[RTCRtpCodecCapability] = [
        codec
        for codec in RTCRtpSender.getCapabilities("video").codecs
        if codec.mimeType == VIDEO_MIME or codec.mimeType == "video/rtx"
    ]
    transceiver.setCodecPreferences(codecs)


class SharedVideoEncoder:
    """Encodes ``source`` (the camera, as relayed) once and hands each compressed frame to every subscriber.

    Runs only while somebody subscribes: the first ``subscribe`` starts the
    encode loop, which ends after the frame in hand once the last
    ``EncodedVideoTrack`` has stopped.
    """

    def __init__(self, source: MediaStreamTrack) -> None:
        self._source = source
        self._encoder = Vp8Encoder()
        self._subscribers: list[EncodedVideoTrack] = []
        self._keyframe = False
        self._task: asyncio.Task[None] | None = None
        #: Frames encoded (once each, whatever the number of peers): read by tests and the benchmark.
        self.frames_encoded = 0

    @property
    def target_bitrate(self) -> int:
        """The bitrate the stream is encoded at now, bits a second."""
        return self._encoder.target_bitrate

    def subscribe(self) -> EncodedVideoTrack:
        """A track of this stream for one peer connection's sender; it starts at the next keyframe."""
        track = EncodedVideoTrack(self)
        self._subscribers.append(track)
        self.request_keyframe()
        # A loop still finishing its last frame goes on for the newcomer: two loops at once would use
        # the one libvpx encoder from two threads.
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())
        return track

    def request_keyframe(self) -> None:
        """The next frame is encoded whole (a receiver lost a picture, or a new one starts)."""
        self._keyframe = True

    def bitrate_changed(self) -> None:
        """Encode at the lowest bitrate any receiver reported it can take (the default until one does)."""
        reported = [t.reported_bitrate for t in self._subscribers if t.reported_bitrate is not None]
        if reported:
            self._encoder.target_bitrate = min(reported)  # the encoder clamps it to its own limits

    def _unsubscribe(self, track: EncodedVideoTrack) -> None:
        if track in self._subscribers:
            self._subscribers.remove(track)
        self.bitrate_changed()  # the loop ends by itself after its frame when nobody is left

    def close(self) -> None:
        """The call is over: every peer's copy ends and the loop stops."""
        for track in list(self._subscribers):
            track.stop()
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._subscribers:
                frame = await self._source.recv()
                assert isinstance(frame, VideoFrame)
                keyframe, self._keyframe = self._keyframe, False
                # In a worker thread, as aiortc's own senders do: libvpx releases the GIL while it works.
                payloads, _ = await loop.run_in_executor(None, self._encoder.encode, frame, keyframe)
                if not payloads:
                    continue
                data = b"".join(vp8_depayload(p) for p in payloads)
                packet = Packet(data)
                packet.pts, packet.time_base = frame.pts, frame.time_base
                self.frames_encoded += 1
                key = is_vp8_keyframe(data)
                for track in list(self._subscribers):
                    track.put(packet, key)
        except MediaStreamError:  # the camera track ended: so does every peer's copy
            for track in list(self._subscribers):
                track.stop()


class EncodedVideoTrack(MediaStreamTrack):
    """One peer's copy of the shared stream: compressed frames (``av.Packet``) its sender only packetizes."""

    kind = "video"

    def __init__(self, shared: SharedVideoEncoder) -> None:
        super().__init__()
        self._shared = shared
        self._queue: asyncio.Queue[Packet | None] = asyncio.Queue()
        self._until_keyframe = True
        #: The receiver's latest estimate of what its path carries (REMB), bits a second.
        self.reported_bitrate: int | None = None

    def put(self, packet: Packet, keyframe: bool) -> None:
        """Called by the shared encoder with every frame; keeps the stream decodable for this receiver."""
        if self._until_keyframe and not keyframe:
            return
        if self._queue.qsize() >= BACKLOG_FRAMES:
            self._drain()
            self._until_keyframe = True
            self._shared.request_keyframe()
            if not keyframe:
                return
        self._until_keyframe = False
        self._queue.put_nowait(packet)

    def want_keyframe(self) -> None:
        """This receiver lost a picture (PLI or FIR)."""
        self._shared.request_keyframe()

    def report_bitrate(self, bitrate: int) -> None:
        """This receiver's estimate of its path (REMB)."""
        self.reported_bitrate = bitrate
        self._shared.bitrate_changed()

    async def recv(self) -> Packet:
        if self.readyState != "live":
            raise MediaStreamError
        packet = await self._queue.get()
        if packet is None:
            raise MediaStreamError
        return packet

    def stop(self) -> None:
        if self.readyState == "live":
            super().stop()
            self._shared._unsubscribe(self)
            self._drain()
            self._queue.put_nowait(None)  # wakes a sender waiting in recv

    def _drain(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()


def feedback_to(sender: RTCRtpSender, track: EncodedVideoTrack) -> None:
    """Let ``sender``'s receiver's keyframe requests and bitrate estimates reach the shared encoder.

    aiortc's sender acts on PLI, FIR and REMB only for an encoder of its own,
    which a sender of pre-encoded frames does not use; the sender still
    handles every packet as before (RTT, retransmissions)."""
    own: Callable[[object], Awaitable[None]] = sender._handle_rtcp_packet

    async def handle(packet: object) -> None:
        if isinstance(packet, RtcpPsfbPacket):
            if packet.fmt in (RTCP_PSFB_PLI, RTCP_PSFB_FIR):
                track.want_keyframe()
            elif packet.fmt == RTCP_PSFB_APP:
                try:
                    bitrate, ssrcs = unpack_remb_fci(packet.fci)
                except ValueError:
                    pass
                else:
                    if sender._ssrc in ssrcs:
                        track.report_bitrate(bitrate)
        await own(packet)

    sender._handle_rtcp_packet = handle  # type: ignore[method-assign]
