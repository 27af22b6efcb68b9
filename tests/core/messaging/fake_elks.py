"""A stand-in for api.46elks.com on 127.0.0.1 that speaks its wire format, for the real httpx client."""

import base64
import contextlib
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class FakeElks:
    """POST /a1/sms with basic auth and form fields from/to/message; answers like 46elks.

    `status` is what it answers next (200 creates an SMS with a fresh id); `accepted` holds every
    SMS it "sent", `requests` counts every POST, whatever the answer.
    """

    username = "u4f1e2d3c4b5a6978"
    password = "elk-secret-password"

    def __init__(self) -> None:
        self.status = 200
        self.delay = 0.0
        self.accepted: list[dict[str, str]] = []
        self.requests = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/a1"

    def start(self) -> "FakeElks":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, form: dict[str, str]) -> tuple[int, dict[str, Any] | str]:
        with self._lock:
            status = self.status
            if status != 200:
                # Real error answers quote the input; the outbox must not store them.
                return status, f"Invalid to number {form.get('to')}" if status == 400 else "Service Unavailable"
            sms = {**form, "id": f"s{uuid.uuid4().hex}"}
            self.accepted.append(sms)
        return 200, {
            "status": "created",
            "direction": "outgoing",
            "from": form["from"],
            "to": form["to"],
            "created": "2026-11-23T17:00:00.000000",
            "parts": 1,
            "cost": 3500,
            "id": sms["id"],
            **({} if form.get("dontlog") == "message" else {"message": form["message"]}),
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self
        expected_auth = "Basic " + base64.b64encode(f"{fake.username}:{fake.password}".encode()).decode()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode()
                with fake._lock:
                    fake.requests += 1
                if fake.delay:
                    time.sleep(fake.delay)
                if self.path != "/a1/sms":
                    return self._send(404, "Not found")
                if self.headers.get("Authorization") != expected_auth:
                    return self._send(401, "Unauthorized")
                if self.headers.get("Content-Type") != "application/x-www-form-urlencoded":
                    return self._send(400, "Expected a form")
                form = {key: values[0] for key, values in parse_qs(raw).items()}
                if not {"from", "to", "message"} <= form.keys():
                    return self._send(400, "Missing key")
                return self._send(*fake._answer(form))

            def _send(self, status: int, body: dict[str, Any] | str) -> None:
                data = (json.dumps(body) if isinstance(body, dict) else body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if isinstance(body, dict) else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                # A client that gave up waiting has closed the connection: that is the point.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: tests read results, not access logs."""

        return Handler
