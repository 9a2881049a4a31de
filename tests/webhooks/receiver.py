"""A webhook endpoint for tests: verifies each delivery's signature as a receiver would, records it,
and answers what the test tells it to (an error, a slow answer)."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    webhook_id: str
    body: bytes
    event: dict[str, Any]
    verified: bool
    headers: dict[str, str]


@dataclass
class Receiver:
    secrets: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    # Statuses answered to the next requests, in turn; 200 once they run out.
    statuses: list[int] = field(default_factory=list)
    # Seconds to wait before answering the next requests, in turn.
    delays: list[float] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    in_flight: dict[str, int] = field(default_factory=dict)
    most_at_once: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def verify(self, body: bytes, headers: dict[str, str]) -> bool:
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
                return True
            except WebhookVerificationError:
                continue
        return False

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        webhook_id = headers.get("webhook-id", "")
        with self.lock:
            self.received.append(Received(webhook_id, body, json.loads(body), self.verify(body, headers), headers))
            self.in_flight[webhook_id] = self.in_flight.get(webhook_id, 0) + 1
            self.most_at_once = max(self.most_at_once, sum(self.in_flight.values()))
            status = self.statuses.pop(0) if self.statuses else 200
            delay = self.delays.pop(0) if self.delays else 0
        self.arrived.set()
        time.sleep(delay)
        with self.lock:
            self.in_flight[webhook_id] -= 1
        return status

    def types(self) -> list[str]:
        return [each.event["type"] for each in self.received]


@contextmanager
def receiving(*secrets: str) -> Iterator[Receiver]:
    receiver = Receiver(secrets=list(secrets))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            status = receiver.handle(body, {key.lower(): value for key, value in self.headers.items()})
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/kam"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
