"""A stand-in for the operator's SMS gateway: a small real HTTP server.

Used by the tests (the adapter talks real HTTP to it) and by the demo, where
the person trying Etäpiste opens ``http://host:port/`` to see the SMS the
citizen would have received. It speaks the contract of
``backend.notify.sms``: ``POST /sms`` (any path but the ones below) with JSON
``{to, from, text, reference}``.

- ``GET /messages``: every accepted message as JSON (newest last), each with
  the ``Idempotency-Key`` it came with and ``duplicate_of`` if that key was
  seen before — a real gateway would drop it; here it is shown so tests can
  prove nothing was sent twice.
- ``GET /``: the same as a simple HTML page that refreshes itself.
- ``reply(inbound_url, sender, text, token)`` (a method, not a route): a
  citizen's phone answers; the stand-in posts ``{from, text}`` to the
  backend's inbound webhook with the token, as an operator's gateway does.
- ``POST /control`` with ``{"mode": "ok"|"fail"|"hang"|"reject"}``: answer
  normally, answer 503, hold the request without processing it until the mode changes (or
  60 s) and then answer 503, or
  refuse with 400 and a reason.

Only for tests and demos: it keeps messages in memory and has no TLS.

Run: ``python -m backend.notify.fake_gateway --port 8025 [--token SECRET]``.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("ok", "fail", "hang", "reject")


class FakeSmsGateway:
    """The server, its recorded messages and its failure mode, in a background thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.token, self.username, self.password = token, username, password
        self.mode = "ok"
        self.messages: list[dict[str, Any]] = []
        self.requests = 0
        self._lock = threading.Lock()
        self._mode_changed = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/sms"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> FakeSmsGateway:
        gateway = self

        class Handler(_Handler):
            owner = gateway

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-sms-gateway", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening (connections are then refused); recorded messages stay."""
        self.set_mode("ok")  # release hanging requests
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reply(self, inbound_url: str, sender: str, text: str, token: str) -> dict[str, Any]:
        """A citizen's phone answers: post it to the backend's inbound webhook, as an operator does."""
        import urllib.request

        body = json.dumps({"from": sender, "text": text}).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        request = urllib.request.Request(inbound_url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        with self._mode_changed:
            self.mode = mode
            self._mode_changed.notify_all()

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(m) for m in self.messages]

    # --- request handling, called from the server's threads

    def authorised(self, header: str | None) -> bool:
        if self.token is not None:
            return header == f"Bearer {self.token}"
        if self.username is not None:
            pair = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            return header == f"Basic {pair}"
        return True

    def accept(self, data: dict[str, Any], key: str | None) -> tuple[int, dict[str, Any]]:
        with self._mode_changed:
            self.requests += 1
            deadline = time.monotonic() + 60
            if self.mode == "hang":  # a stuck gateway: it never processes this request
                while self.mode == "hang" and time.monotonic() < deadline:
                    self._mode_changed.wait(timeout=1)
                return 503, {"error": "gateway was stuck"}
            if self.mode == "fail":
                return 503, {"error": "gateway temporarily unavailable"}
            if self.mode == "reject":
                return 400, {"error": "recipient not reachable by SMS"}
            missing = [f for f in ("to", "from", "text") if not isinstance(data.get(f), str) or not data.get(f)]
            if missing:
                return 422, {"error": f"missing or empty field(s): {', '.join(missing)}"}
            earlier = next((m["id"] for m in self.messages if key and m["idempotency_key"] == key), None)
            message = {
                "id": uuid.uuid4().hex[:16],
                "to": data["to"],
                "from": data["from"],
                "text": data["text"],
                "reference": data.get("reference"),
                "idempotency_key": key,
                "duplicate_of": earlier,
                "received_at": time.time(),
            }
            self.messages.append(message)
            return 200, {"id": earlier or message["id"], "status": "accepted"}


class _Handler(BaseHTTPRequestHandler):
    owner: FakeSmsGateway

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the default logs every request line to stderr."""

    def _json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path.startswith("/messages"):
            self._json(200, self.owner.snapshot())
        elif self.path in ("/", "/index.html"):
            body = _page(self.owner.snapshot(), self.owner.mode).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self._json(404, {"error": "not found; try / or /messages"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            data = json.loads(raw or b"{}")
            if not isinstance(data, dict):
                raise ValueError
        except ValueError:
            self._json(400, {"error": "body must be a JSON object"})
            return
        if self.path.startswith("/control"):
            try:
                self.owner.set_mode(str(data.get("mode")))
            except ValueError as exc:
                self._json(400, {"error": str(exc)})
                return
            self._json(200, {"mode": self.owner.mode})
            return
        if not self.owner.authorised(self.headers.get("Authorization")):
            self._json(401, {"error": "wrong or missing credentials"})
            return
        status, payload = self.owner.accept(data, self.headers.get("Idempotency-Key"))
        self._json(status, payload)


def _page(messages: list[dict[str, Any]], mode: str) -> str:
    rows = "\n".join(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=text>{}</td><td>{}</td></tr>".format(
            time.strftime("%H:%M:%S", time.localtime(m["received_at"])),
            html.escape(m["to"]),
            html.escape(m["from"]),
            html.escape(m["text"]),
            "duplicate" if m["duplicate_of"] else "",
        )
        for m in reversed(messages)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>Fake SMS gateway</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{border-bottom:1px solid #ccc;padding:.4em;text-align:left}}
.text{{white-space:pre-wrap;max-width:40em}}</style></head>
<body><h1>Fake SMS gateway</h1>
<p>Stands in for the operator's SMS gateway. Mode: <b>{html.escape(mode)}</b>. {len(messages)} message(s).</p>
<table><tr><th>Received</th><th>To</th><th>From</th><th>Text</th><th></th></tr>
{rows}
</table></body></html>
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A fake SMS gateway for Etäpiste tests and demos.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--token", default=None, help="require this bearer token")
    args = parser.parse_args(argv)
    gateway = FakeSmsGateway(args.host, args.port, token=args.token).start()
    print(f"fake SMS gateway: send to {gateway.url}, see messages at {gateway.base_url}/", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        gateway.stop()


if __name__ == "__main__":
    main()
