"""Turning wire text into typed messages and back, with errors a sender can act on.

Pure: no I/O. Every shell (backend hub, booth client) calls ``decode`` on what
it receives and answers a ``ProtocolError`` with ``error_for`` instead of
crashing or silently dropping the message.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter, ValidationError

from protocol.messages import PROTOCOL_VERSION, Error, ErrorCode, Message

_ADAPTER: TypeAdapter[Any] = TypeAdapter(Message)
KNOWN_TYPES: frozenset[str] = frozenset(
    cls.model_fields["type"].default
    for cls in Message.__origin__.__args__  # type: ignore[attr-defined]
)
#: Largest frame we accept. An SDP with many candidates is ~10 kB.
MAX_FRAME_BYTES = 128 * 1024
#: Deepest nesting of objects and arrays we accept. The deepest message the
#: protocol defines nests 4 levels (a presence: booths, devices, a device);
#: without a limit, ``[[[[...`` 128 KiB deep exhausts the parser's recursion.
MAX_NESTING = 32


class ProtocolError(Exception):
    """A received frame was refused; carries what to tell the sender."""

    def __init__(self, code: ErrorCode, reason: str, ref: str | None = None) -> None:
        super().__init__(f"{code.value}: {reason}")
        self.code = code
        self.reason = reason
        self.ref = ref


def encode(message: Any) -> str:
    """Serialise a message for the wire (compact JSON, no nulls dropped)."""
    return message.model_dump_json()


def decode(frame: str | bytes) -> Any:
    """Parse and validate one frame; raise ``ProtocolError`` saying what is wrong."""
    if isinstance(frame, bytes | bytearray | memoryview):
        raise ProtocolError(ErrorCode.MALFORMED, "binary frames are not accepted; send each message as JSON text")
    if len(frame) > MAX_FRAME_BYTES:
        raise ProtocolError(
            ErrorCode.MALFORMED,
            f"message is {len(frame)} bytes; the limit is {MAX_FRAME_BYTES}",
        )
    too_deep = ProtocolError(ErrorCode.MALFORMED, f"objects and arrays nest deeper than {MAX_NESTING} levels")
    try:
        data = json.loads(frame)
    except RecursionError:
        raise too_deep from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(ErrorCode.MALFORMED, f"not valid JSON: {str(exc)[:200]}") from None
    if _depth(data) > MAX_NESTING:
        raise too_deep
    if not isinstance(data, dict):
        raise ProtocolError(ErrorCode.MALFORMED, "a message must be a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str):
        raise ProtocolError(ErrorCode.MALFORMED, "field 'type' is missing or not a string")
    ref = kind[:64]
    if kind not in KNOWN_TYPES:
        raise ProtocolError(
            ErrorCode.UNKNOWN_TYPE,
            f"unknown message type {kind[:64]!r}; known: {', '.join(sorted(KNOWN_TYPES))}",
            ref,
        )
    version = data.get("v", PROTOCOL_VERSION)
    if version != PROTOCOL_VERSION:
        raise ProtocolError(
            ErrorCode.UNSUPPORTED_VERSION,
            f"protocol version {version!r} is not supported; this server speaks {PROTOCOL_VERSION}",
            ref,
        )
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise ProtocolError(ErrorCode.MALFORMED, _describe(exc), ref) from None


def _depth(data: Any) -> int:
    """How deep objects and arrays nest, without recursion (a deep value must not exhaust the stack)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_NESTING:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def error_for(exc: ProtocolError, fatal: bool = False) -> Error:
    """The ``error`` message that answers a refused frame."""
    return Error(code=exc.code, reason=exc.reason[:500], ref=exc.ref, fatal=fatal)


def _describe(exc: ValidationError) -> str:
    """One line per problem, naming the field and the rule it broke."""
    parts = []
    for err in exc.errors()[:5]:
        loc = [str(p) for p in err["loc"]]
        # The discriminated union puts the type name first; it is not a field.
        if loc and loc[0] in KNOWN_TYPES:
            loc = loc[1:]
        field = ".".join(loc) or "(message)"
        parts.append(f"{field}: {err['msg']}")
    return "; ".join(parts)
