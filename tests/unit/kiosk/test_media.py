"""Pure helpers of the media shell."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.sim.microphone import ToneMicrophone
from kiosk.media import dbfs


def test_dbfs_of_silence_and_full_scale():
    assert dbfs(np.zeros(960, np.int16)) == -120.0
    assert dbfs(np.array([], np.int16)) == -120.0
    square = np.full(960, 32767, np.int16)
    assert dbfs(square) == pytest.approx(0.0, abs=0.01)


def test_dbfs_of_the_simulated_tone():
    # A sine at amplitude 0.3 has RMS 0.3/sqrt(2): about -13.5 dBFS.
    assert dbfs(ToneMicrophone(amplitude=0.3).read(4800)) == pytest.approx(-13.5, abs=0.2)


def test_the_backends_ice_servers_keep_their_credentials_and_the_tls_turn_url_comes_first():
    from aiortc.rtcicetransport import connection_kwargs

    from kiosk.media import ice_servers_from
    from protocol.messages import IceServer

    server = IceServer(
        urls=(
            "turn:t.example:3478?transport=udp",
            "turn:t.example:3478?transport=tcp",
            "turns:t.example:443?transport=tcp",
        ),
        username="1700000000:s1.booth",
        credential="c2VjcmV0",
    )
    (ice,) = ice_servers_from([server])
    assert (ice.username, ice.credential) == ("1700000000:s1.booth", "c2VjcmV0")
    # aiortc keeps only the first TURN URL: the one that passes most firewalls.
    kwargs = connection_kwargs([ice])
    assert (kwargs["turn_server"], kwargs["turn_ssl"], kwargs["turn_transport"]) == (("t.example", 443), True, "tcp")
    assert kwargs["turn_username"] == "1700000000:s1.booth" and kwargs["turn_password"] == "c2VjcmV0"
    assert ice_servers_from([]) == []


def test_a_remote_picture_is_converted_only_when_the_screen_takes_it_and_only_the_latest():
    from av import VideoFrame

    from kiosk.media import MediaStats, RemoteVideo

    video = RemoteVideo(MediaStats())
    assert video.rgb is None
    for grey in (10, 200):  # two pictures arrive between two screen refreshes
        video.accept(VideoFrame.from_ndarray(np.full((120, 160, 3), grey, np.uint8), format="rgb24"))
    assert (video.serial, video.size) == (2, (160, 120))
    rgb = video.rgb
    assert rgb is not None and len(rgb) == 160 * 120 * 3
    assert abs(rgb[0] - 200) <= 3, "the screen gets the latest picture"
    assert video.rgb is rgb, "the same picture is not converted twice"
