"""The booth's egress allow-list comes from its config: backend, TURN/STUN, a network printer; nothing else."""

from __future__ import annotations

from images.firewall import Destination, destinations, elements, nft_script
from kiosk.config import parse_file


def booth(**extra: object) -> object:
    raw = {"backend": {"url": "wss://backend.example.fi/ws", "booth_id": "imatra-1", "secret": "s"}}
    raw.update(extra)
    return parse_file(raw)


def test_backend_port_follows_the_scheme_and_an_explicit_port():
    assert destinations(booth()) == [Destination("backend.example.fi", "tcp", 443)]
    plain = parse_file({"backend": {"url": "ws://10.0.2.2:8123/ws", "booth_id": "b", "secret": "s"}})
    assert destinations(plain) == [Destination("10.0.2.2", "tcp", 8123)]


def test_turn_and_stun_servers_with_their_transports_and_default_ports():
    b = booth(
        firewall={
            "turn": [
                "turns:turn.example.fi:443?transport=tcp",
                "turn:turn.example.fi",
                "stun:[2001:db8::1]:3479",
            ]
        }
    )
    assert destinations(b) == [
        Destination("2001:db8::1", "udp", 3479),
        Destination("backend.example.fi", "tcp", 443),
        Destination("turn.example.fi", "tcp", 443),
        Destination("turn.example.fi", "tcp", 3478),
        Destination("turn.example.fi", "udp", 3478),
    ]


def test_a_network_printer_is_allowed_and_a_usb_one_adds_nothing():
    net = booth(printer={"kind": "network", "host": "192.0.2.50", "port": 9100})
    assert Destination("192.0.2.50", "tcp", 9100) in destinations(net)
    usb = booth(printer={"kind": "usb", "device": "0416:5011"})
    assert destinations(usb) == [Destination("backend.example.fi", "tcp", 443)]


def test_resolved_addresses_become_set_elements_by_family():
    resolved = {"backend.example.fi": ["192.0.2.10", "2001:db8::10"], "turn.example.fi": []}
    v4, v6 = elements(
        [Destination("backend.example.fi", "tcp", 443), Destination("turn.example.fi", "udp", 3478)],
        lambda host: resolved[host],
    )
    assert v4 == ["192.0.2.10 . tcp . 443"]
    assert v6 == ["2001:db8::10 . tcp . 443"]


def test_the_script_replaces_both_sets_at_once():
    script = nft_script(["192.0.2.10 . tcp . 443"], [])
    assert script.splitlines() == [
        "flush set inet etapiste egress4",
        "flush set inet etapiste egress6",
        "add element inet etapiste egress4 { 192.0.2.10 . tcp . 443 }",
    ]
