"""notifytest -- real receivers on 127.0.0.1 for the notification tests.

Receiver: an HTTP server (http.server, one thread per request), or HTTPS
with a certificate and key, that records every POST (headers, body, time)
and answers from a script: a list of statuses used one per request (then
200), where "hang" holds that request for `hang_s` seconds and then
answers 200 (the release times are recorded).  MailSink: python3-aiosmtpd's
SMTP server collecting the messages it receives, optionally offering and
requiring STARTTLS.  Broker: Debian's mosquitto on a port, optionally with
a TLS listener; Sub: mosquitto_sub reading a topic.
"""
import hashlib
import hmac
import http.server
import json
import os
import pwd
import re
import ssl
import subprocess
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


def server_context(cert, key):
    """A TLS server context with that certificate file and key file."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


class Receiver:
    def __init__(self, statuses=(), hang_s=0, port=0, tls=None):
        """tls: (cert file, key file) to serve HTTPS."""
        self.statuses = list(statuses)
        self.hang_s = hang_s
        self.requests = []
        self.released = []  # monotonic times at which held requests answered
        self.closing = threading.Event()
        self.lock = threading.Lock()
        self.tls = tls
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                with outer.lock:
                    outer.requests.append({"headers": dict(self.headers), "body": body,
                                           "path": self.path, "t": time.monotonic()})
                    status = outer.statuses.pop(0) if outer.statuses else 200
                if status == "hang":
                    outer.closing.wait(outer.hang_s)
                    status = 200
                    with outer.lock:
                        outer.released.append(time.monotonic())
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        if tls:  # the handshake runs in accept(): a failed one drops that connection
            self.server.socket = server_context(*tls).wrap_socket(
                self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "%s://127.0.0.1:%d/hook" % ("https" if self.tls else "http", self.port)

    def wait(self, n, timeout):
        """Waits until n requests came; returns them."""
        return wait_for(self.lock, self.requests, n, timeout, "requests")

    def close(self):
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()


def signature_ok(req, secret):
    want = "sha256=" + hmac.new(secret, req["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(req["headers"].get("X-Floorhub-Signature", ""), want)


def body(req):
    return json.loads(req["body"])


class MailSink:
    """An aiosmtpd SMTP server on 127.0.0.1 collecting messages."""

    def __init__(self, tls=None, smtps=False):
        """tls: (cert file, key file): STARTTLS offered and required before
        MAIL (aiosmtpd's tls_context, require_starttls), or with smtps TLS
        from the first byte (ssl_context)."""
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
                                           "from": envelope.mail_from, "msg": msg,
                                           "tls": server.transport.get_extra_info(
                                               "ssl_object") is not None})
                return "250 OK"

        from fhtest import free_port
        self.port = free_port()
        kw = {}
        if tls and smtps:
            kw = {"ssl_context": server_context(*tls)}
        elif tls:
            kw = {"tls_context": server_context(*tls), "require_starttls": True}
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **kw)
        self.controller.start()

    def wait(self, n, timeout):
        """Waits until n messages came; returns them."""
        return wait_for(self.lock, self.messages, n, timeout, "messages")

    def close(self):
        self.controller.stop()


class Broker:
    """Debian's mosquitto on 127.0.0.1:port; tls (CA file, cert file, key
    file) makes the listener mqtts."""

    def __init__(self, tmp, port, tls=None):
        conf = os.path.join(tmp, "mosquitto-%d.conf" % port)
        with open(conf, "w") as f:
            f.write("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n" % port)
            # run as whoever runs the test (as root it would switch to the
            # user mosquitto, who cannot read the test's private files)
            f.write("user %s\n" % pwd.getpwuid(os.getuid()).pw_name)
            if tls:
                f.write("cafile %s\ncertfile %s\nkeyfile %s\n" % tls)
        self.log = os.path.join(tmp, "mosquitto-%d.log" % port)
        with open(self.log, "wb") as err:
            self.proc = subprocess.Popen(["mosquitto", "-c", conf, "-v"],
                                         stdout=subprocess.DEVNULL, stderr=err)
        self.port = port

    def wait_listening(self, timeout=10):
        """Returns once mosquitto logged that it runs (its listener and
        TLS files loaded); fails when it logged an error."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log, errors="replace") as f:
                text = f.read()
            if "Error:" in text:
                break
            if " running" in text:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        with open(self.log, errors="replace") as f:
            raise AssertionError("mosquitto did not listen:\n" + f.read())

    def close(self):
        self.proc.terminate()
        self.proc.wait(5)


class Sub:
    """mosquitto_sub -v -q 1 on the topic for `count` messages (over TLS
    verified against cafile when given); its output is read line by line
    on a thread; ready once its SUBACK came."""

    def __init__(self, port, topic, count, cafile=None):
        self.lines = []
        self.suback = threading.Event()
        tls = ["--cafile", cafile] if cafile else []
        self.proc = subprocess.Popen(
            # stdbuf: line-buffered, or SUBACK stays in its pipe buffer
            ["stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-q", "1",
             "-v", "-d", "-t", topic, "-C", str(count), "-W", "60"] + tls,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        if not self.suback.wait(10):
            self.proc.kill()
            self.proc.wait()
            self.thread.join(5)
            self.proc.stdout.close()
            raise AssertionError("mosquitto_sub did not subscribe: %s" % self.lines)

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if "SUBACK" in line:
                self.suback.set()

    def publish_qos(self):
        """The QoS of each PUBLISH mosquitto_sub received (its -d lines)."""
        return [int(re.search(r"received PUBLISH \(d\d, q(\d)", l).group(1))
                for l in self.lines if "received PUBLISH" in l]

    def messages(self, timeout):
        """The (topic, payload) pairs once mosquitto_sub has its count."""
        self.proc.wait(timeout)
        self.thread.join(5)
        self.proc.stdout.close()
        msgs = []
        for line in self.lines:
            if line.startswith("floorhub/"):
                topic, payload = line.split(" ", 1)
                msgs.append((topic, json.loads(payload)))
        return msgs
