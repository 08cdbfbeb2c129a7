"""JSON Schema export of the wire contract for the browser apps.

The backend serves this at ``/api/protocol/schema.json``; ``etapiste schema``
prints it. The browsers validate every received message against it.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from protocol.messages import CLIENT_MESSAGES, PROTOCOL_VERSION, Message


def json_schema() -> dict[str, Any]:
    """The schema of one message (a ``oneOf`` over all types), with metadata."""
    schema = TypeAdapter(Message).json_schema(ref_template="#/$defs/{model}")
    for definition in schema["$defs"].values():
        # ``type`` has a default in the models (so code can build a message without naming it),
        # but ``decode`` requires it on the wire: the published contract says so too.
        if "const" in definition.get("properties", {}).get("type", {}):
            definition["required"] = ["type", *[f for f in definition.get("required", []) if f != "type"]]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Etäpiste wire message"
    schema["x-protocol-version"] = PROTOCOL_VERSION
    schema["x-client-messages"] = {role.value: sorted(types) for role, types in CLIENT_MESSAGES.items()}
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False)
