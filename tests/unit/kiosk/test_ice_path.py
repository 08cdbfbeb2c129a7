"""The booth's selected ICE pair: types and the relay's transport, never an exception."""

from __future__ import annotations

from types import SimpleNamespace as NS

from kiosk.ice_path import candidate_summary, selected_pair


def pc_with(nominated: dict, turn_ssl: bool = False, turn_transport: str = "udp") -> NS:
    connection = NS(_nominated=nominated, turn_ssl=turn_ssl, turn_transport=turn_transport)
    transceiver = NS(sender=NS(transport=NS(transport=NS(_connection=connection))))
    return NS(getTransceivers=lambda: [transceiver])


def pair(local: str, remote: str) -> NS:
    return NS(local_candidate=NS(type=local), remote_candidate=NS(type=remote))


def test_a_direct_pair_has_no_relay_protocol():
    assert selected_pair(pc_with({1: pair("host", "srflx")})) == {
        "local": "host",
        "remote": "srflx",
        "relay_protocol": "",
    }


def test_a_relayed_pair_says_how_the_booth_reaches_turn():
    assert (
        selected_pair(pc_with({1: pair("relay", "relay")}, turn_ssl=True, turn_transport="tcp"))["relay_protocol"]
        == "tls"
    )
    assert selected_pair(pc_with({1: pair("relay", "host")}, turn_transport="tcp"))["relay_protocol"] == "tcp"


def test_nothing_selected_yet_or_unexpected_internals_give_none():
    assert selected_pair(pc_with({})) is None
    assert selected_pair(NS(getTransceivers=lambda: [NS(sender=NS(transport=None))])) is None
    assert selected_pair(object()) is None


def test_the_candidate_summary_counts_types_and_transports_without_addresses():
    sdp = (
        "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
        "a=candidate:1 1 udp 2122260223 10.203.0.3 51000 typ host generation 0\r\n"
        "a=candidate:2 1 tcp 1518280447 10.203.0.3 9 typ host tcptype active\r\n"
        "a=candidate:3 1 udp 41885439 10.203.0.1 49228 typ relay raddr 10.203.0.3 rport 40000\r\n"
        "a=candidate:4 1 udp 41885183 10.203.0.1 49383 typ relay raddr 10.203.0.3 rport 40001\r\n"
    )
    summary = candidate_summary(sdp)
    assert summary == "1 host/tcp, 1 host/udp, 2 relay/udp"
    assert "10.203" not in summary
    assert candidate_summary("v=0\r\n") == "none"
