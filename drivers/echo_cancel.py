"""The booth's echo canceller: the sound server's WebRTC audio processing between mic and speaker.

A booth is a small room with loudspeakers and an open microphone: without
echo cancellation the official hears themselves. PulseAudio's (and
pipewire-pulse's) ``module-echo-cancel`` with ``aec_method=webrtc`` runs the
WebRTC audio processing module on the server: it takes the microphone and the
speaker by their stable names ("masters") and offers a cancelled source and
a sink in front of the speaker, which the booth's drivers open instead.

This object keeps that module loaded. The server unloads it by itself when
one of its masters goes away (a microphone unplugged); ``probe`` (called by
the supervisor every 0.5 s) loads it again once both masters are back, so the
booth recovers without a restart. It never raises: its health says what is
missing.
"""

from __future__ import annotations

import logging

import pulsectl

from drivers.health import Health

log = logging.getLogger("etapiste.drivers")

SOURCE = "etapiste_ec_source"
SINK = "etapiste_ec_sink"


def module_args(mic: str, speaker: str, noise_suppression: bool = True, gain_control: bool = True) -> str:
    """``module-echo-cancel``'s arguments: the WebRTC canceller between the named master devices."""
    aec = (
        f"noise_suppression={int(noise_suppression)} analog_gain_control=0 "
        f"digital_gain_control={int(gain_control)} high_pass_filter=1"
    )
    return (
        f"source_master={mic} sink_master={speaker} source_name={SOURCE} sink_name={SINK} "
        f'aec_method=webrtc use_master_format=1 aec_args="{aec}"'
    )


class EchoCanceller:
    role = "echo_canceller"

    def __init__(
        self,
        mic: str,
        speaker: str,
        server: str | None = None,
        noise_suppression: bool = True,
        gain_control: bool = True,
    ) -> None:
        self.mic, self.speaker, self.server = mic, speaker, server
        self.args = module_args(mic, speaker, noise_suppression, gain_control)
        self._pulse: pulsectl.Pulse | None = None
        self.loads = 0  # times the module was loaded (for tests and the technician)

    def probe(self) -> Health:
        try:
            pulse = self._connect()
            sources = {s.name for s in pulse.source_list()}
            sinks = {s.name for s in pulse.sink_list()}
            ours = [m for m in pulse.module_list() if f"source_name={SOURCE}" in (m.argument or "")]
            current = [m for m in ours if m.argument == self.args]
            if current and SOURCE in sources and SINK in sinks:
                return Health.ok(self.role, f"webrtc between {self.mic} and {self.speaker}")
            for module in ours:  # another booth config's, or half gone: it would hold the names
                pulse.module_unload(module.index)
            masters = ((self.mic, self.mic in sources), (self.speaker, self.speaker in sinks))
            missing = [name for name, there in masters if not there]
            if missing:
                return Health.missing(self.role, f"waiting for {', '.join(missing)} on the sound server")
            pulse.module_load("module-echo-cancel", self.args)
            self.loads += 1
            log.info("echo canceller loaded between %s and %s", self.mic, self.speaker)
            return Health.ok(self.role, f"webrtc between {self.mic} and {self.speaker} (started)")
        except pulsectl.PulseError as exc:
            self.close()
            return Health.missing(self.role, f"sound server not answering ({type(exc).__name__})")
        except Exception as exc:  # a probe never raises
            self.close()
            return Health.degraded(self.role, f"cannot start the echo canceller ({type(exc).__name__}: {exc})")

    def _connect(self) -> pulsectl.Pulse:
        if self._pulse is None:
            self._pulse = pulsectl.Pulse("etapiste-kiosk-aec", server=self.server)
        return self._pulse

    def close(self) -> None:
        if self._pulse is not None:
            self._pulse.close()
            self._pulse = None
