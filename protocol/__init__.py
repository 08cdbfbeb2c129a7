"""The one wire contract between booth, backend and browser apps."""

from protocol.codec import ProtocolError, decode, encode, error_for
from protocol.messages import PROTOCOL_VERSION

__all__ = ["PROTOCOL_VERSION", "ProtocolError", "decode", "encode", "error_for"]
