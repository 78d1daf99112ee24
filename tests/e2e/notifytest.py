"""notifytest -- real receivers on 127.0.0.1 for the notification tests.

Receiver: an HTTP server (http.server, one thread per request) that records
every POST (headers, body, time) and answers from a script: a list of
statuses used one per request (then 200), or "hang" to hold the request
for `hang_s` seconds.  MailSink: python3-aiosmtpd's SMTP server collecting
the messages it receives.
"""
import hashlib
import hmac
import http.server
import json
import threading
import time


def wait_for(lock, items, n, timeout, what):
    """Waits until the list items (guarded by lock) holds n; returns a copy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with lock:
            if len(items) >= n:
                return list(items)
        time.sleep(0.05)
    with lock:
        raise AssertionError("%d of %d %s within %.0f s" % (len(items), n, what, timeout))


class Receiver:
    def __init__(self, statuses=(), hang_s=0, port=0):
        self.statuses = list(statuses)
        self.hang_s = hang_s
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                with outer.lock:
                    outer.requests.append({"headers": dict(self.headers), "body": body,
                                           "path": self.path, "t": time.monotonic()})
                    status = outer.statuses.pop(0) if outer.statuses else 200
                if outer.hang_s:
                    time.sleep(outer.hang_s)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d/hook" % self.port

    def wait(self, n, timeout):
        """Waits until n requests came; returns them."""
        return wait_for(self.lock, self.requests, n, timeout, "requests")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def signature_ok(req, secret):
    want = "sha256=" + hmac.new(secret, req["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(req["headers"].get("X-Floorhub-Signature", ""), want)


def body(req):
    return json.loads(req["body"])


class MailSink:
    """An aiosmtpd SMTP server on 127.0.0.1 collecting messages."""

    def __init__(self):
        from aiosmtpd.controller import Controller
        outer = self
        self.messages = []
        self.lock = threading.Lock()

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                import email
                from email import policy
                msg = email.message_from_bytes(envelope.content, policy=policy.default)
                with outer.lock:
                    outer.messages.append({"rcpt": list(envelope.rcpt_tos),
                                           "from": envelope.mail_from, "msg": msg})
                return "250 OK"

        from fhtest import free_port
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def wait(self, n, timeout):
        """Waits until n messages came; returns them."""
        return wait_for(self.lock, self.messages, n, timeout, "messages")

    def close(self):
        self.controller.stop()
