"""Protocol fuzzing from the published JSON Schema, over real websockets to the app in-process.

Messages are generated from ``protocol.schema.json_schema()`` (what the browsers
validate against), then sent as they are or mutated: a field dropped, a field
of the wrong type, an unknown field, a string far over its limit, deep nesting,
a truncated or bit-flipped frame, a binary frame, a frame over 128 KiB. After
each, a probe with an id of its own must be answered, so the connection was
kept (or closed with a fatal ``error`` first, then we reconnect). The log is
captured: no traceback and nothing at ERROR, and the app never raises into the
test client. The budget is fixed (``FUZZ_EXAMPLES``), about 15-30 s on 2 cores.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.websockets import WebSocketDisconnect

import backend.hub
from backend.domain.limits import LimitSettings
from protocol.codec import MAX_FRAME_BYTES
from protocol.schema import json_schema
from tests.support.backend_app import app_client, login, recv, send

FUZZ_EXAMPLES = int(os.environ.get("ETAPISTE_FUZZ_EXAMPLES", "1500"))
SCHEMA = json_schema()
DEFS: dict[str, Any] = SCHEMA["$defs"]
MESSAGE_DEFS = sorted(name for name, d in DEFS.items() if "const" in d.get("properties", {}).get("type", {}))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def from_schema(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid for one JSON Schema node (the subset the wire schema uses)."""
    if "$ref" in node:
        return st.deferred(lambda: from_schema(DEFS[node["$ref"].rsplit("/", 1)[-1]]))
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if "anyOf" in node or "oneOf" in node:
        return st.one_of([from_schema(n) for n in node.get("anyOf", node.get("oneOf"))])
    kind = node.get("type")
    if kind == "string":
        low, high = node.get("minLength", 0), min(node.get("maxLength", 200), 200)
        if "pattern" in node:
            return st.from_regex(node["pattern"], fullmatch=True).filter(lambda s: low <= len(s) <= high)
        return st.text(min_size=low, max_size=high)
    if kind == "integer":
        return st.integers(node.get("minimum"), node.get("maximum"))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(
            from_schema(node.get("items", {})),
            min_size=node.get("minItems", 0),
            max_size=min(node.get("maxItems", 4), 4),
        )
    if kind == "object":
        props = node.get("properties", {})
        required = set(node.get("required", []))
        return st.fixed_dictionaries(
            {k: from_schema(v) for k, v in props.items() if k in required},
            optional={k: from_schema(v) for k, v in props.items() if k not in required},
        )
    return json_values


BOOTH_HELLO = {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}
messages = st.sampled_from(MESSAGE_DEFS).flatmap(lambda name: from_schema(DEFS[name]))


@st.composite
def frames(draw: st.DrawFn) -> str | bytes:
    """A schema-valid message, sent as it is or mutated."""
    message: dict[str, Any] = draw(messages)
    how = draw(
        st.sampled_from(
            ["as-is", "drop", "retype", "extra", "oversized-field", "deep", "truncate", "flip", "binary", "huge"]
        )
    )
    keys = sorted(message)
    if how == "drop" and keys:
        message.pop(draw(st.sampled_from(keys)))
    elif how == "retype" and keys:
        message[draw(st.sampled_from(keys))] = draw(json_values)
    elif how == "extra":
        message[draw(st.text(min_size=1, max_size=10))] = draw(json_values)
    elif how == "oversized-field" and keys:
        message[draw(st.sampled_from(keys))] = "x" * draw(st.sampled_from([513, 65_000, 100_000]))
    elif how == "deep":
        message[draw(st.sampled_from(keys))] = json.loads("[" * 40 + "]" * 40)
    text = json.dumps(message)
    if how == "deep" and draw(st.booleans()):
        text = text[:-1] + ', "x": ' + "[" * 50_000 + "]" * 50_000 + "}"
    if how == "truncate":
        return text[: draw(st.integers(0, max(0, len(text) - 1)))]
    if how == "flip":
        at = draw(st.integers(0, len(text) - 1))
        return text[:at] + draw(st.characters()) + text[at + 1 :]
    if how == "binary":
        return text.encode()
    if how == "huge":
        return text[:-1] + ', "pad": "' + "y" * (MAX_FRAME_BYTES + 1) + '"}'
    return text


class Peer:
    """One authenticated connection that reconnects after it was closed for cause."""

    def __init__(self, client: Any, hello: dict[str, Any]) -> None:
        self.client, self.hello, self.ws, self.probes, self.reconnects = client, hello, None, 0, 0
        self._open()

    def _open(self) -> None:
        self._ctx = self.client.websocket_connect("/ws")
        self.ws = self._ctx.__enter__()
        send(self.ws, self.hello)
        assert recv(self.ws)["type"] == "welcome"

    def reopen(self) -> None:
        self._ctx.__exit__(None, None, None)
        self.reconnects += 1
        self._open()

    def close(self) -> None:
        self._ctx.__exit__(None, None, None)

    def send_and_probe(self, frame: str | bytes) -> None:
        """Send ``frame``; then a probe whose answer names it must come back (or a fatal error, then close)."""
        self.ws.send_bytes(frame) if isinstance(frame, bytes) else self.ws.send_text(frame)
        self.probes += 1
        probe = f"probe-{self.probes}"
        send(self.ws, {"type": "rtc.ice", "session_id": probe, "peer": "o1", "candidate": ""})
        fatal = None
        try:
            while True:
                msg = recv(self.ws)
                if msg["type"] == "error":
                    assert msg["code"] != "internal", msg
                    if msg.get("fatal"):
                        fatal = msg
                    elif f"'{probe}'" in msg["reason"]:
                        return  # kept: the probe was answered
        except WebSocketDisconnect as closed:
            assert fatal is not None, f"closed ({closed.code}) without a fatal error first"
            self.reopen()


def test_schema_fuzzing_over_websockets_breaks_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    # Every probe's answer is an error too: without this, 50 of them close the socket for abuse.
    monkeypatch.setattr(backend.hub, "MAX_ERRORS", 10**9)
    caplog.set_level(logging.INFO)
    limits = LimitSettings(messages_per_s=1e6, messages_burst=10**6, checkin_failures_per_booth=10**6)
    with app_client(tmp_path, limits=limits) as client:
        token = login(client)
        peers = {
            "booth": Peer(
                client, {"type": "hello", "role": "booth", "booth_id": "imatra-1", "token": "demo-booth-secret"}
            ),
            "official": Peer(client, {"type": "hello", "role": "official", "token": token}),
        }

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        )
        @given(role=st.sampled_from(sorted(peers)), frame=frames())
        def one(role: str, frame: str | bytes) -> None:
            peers[role].send_and_probe(frame)

        one()
        probes = sum(p.probes for p in peers.values())
        reconnects = sum(p.reconnects for p in peers.values())
        for p in peers.values():
            p.close()
        assert client.get("/healthz").json() == {"status": "ok"}
    print(f"fuzz: {probes} frames, {reconnects} reconnects after a fatal error")
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert bad == [], [r.getMessage() for r in bad]
    assert "Traceback" not in caplog.text


def test_schema_fuzzing_before_authentication_always_answers_and_closes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    """The first frame of a connection, whatever it is, is answered (welcome or a fatal error),
    and anything but a good hello closes the socket."""
    caplog.set_level(logging.INFO)
    with app_client(tmp_path) as client:

        @settings(
            max_examples=FUZZ_EXAMPLES // 5,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        )
        @given(frame=frames())
        def first(frame: str | bytes) -> None:
            with client.websocket_connect("/ws") as ws:
                ws.send_bytes(frame) if isinstance(frame, bytes) else ws.send_text(frame)
                answer = recv(ws)
                if answer["type"] == "welcome":
                    return
                assert (answer["type"], answer["fatal"]) == ("error", True), answer
                assert answer["code"] != "internal"
                with pytest.raises(WebSocketDisconnect) as closed:
                    recv(ws)
                assert closed.value.code == 4001

        first()
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert bad == [], [r.getMessage() for r in bad]
