"""A minimal HTTP load balancer for tests: each POST goes to the next backend in turn."""

from __future__ import annotations

import itertools
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FORWARDED = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")


class RoundRobinProxy:
    """Listens on a free loopback port; ``forwarded`` counts requests per backend; each request
    is held ``delay`` seconds first (a slow server)."""

    def __init__(self, backends: list[str], delay: float = 0.0) -> None:
        self.backends = backends
        self.delay = delay
        self.forwarded: Counter[str] = Counter()
        turn = itertools.cycle(backends)
        lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(proxy.delay)
                with lock:
                    backend = next(turn)
                    proxy.forwarded[backend] += 1
                request = urllib.request.Request(backend + self.path, data=body, method="POST")
                for name in FORWARDED:
                    if self.headers.get(name) is not None:
                        request.add_header(name, self.headers[name])
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, content = response.status, response.read()
                except urllib.error.HTTPError as error:
                    status, content = error.code, error.read()
                except OSError:
                    status, content = 502, b"bad gateway"
                self.send_response(status)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> RoundRobinProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
