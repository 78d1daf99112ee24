"""fhtest -- the end-to-end harness: the real floorhub on a free port, real
WebSocket clients (python3-websockets), msgpack (python3-msgpack) and tokens
minted with PyJWT (python3-jwt).  Debian's /usr/bin/python3 runs it.

A test starts a Hub (on a port the hub picks and reports in --port-file,
which the harness polls instead of sleeping; it prints the hub's stderr when
the test fails and fails a test whose hub a sanitizer reported on), opens
Clients and asserts on the replies and on the stored state (read back
through the hub or floorctl).

Paths come from the environment that ctest sets: FLOORHUB_BIN, FLOORCTL_BIN,
FH_SOURCE_DIR.
"""
import asyncio
import base64
import hashlib
import hmac
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

import jwt
import msgpack
import websockets

SOURCE_DIR = os.environ.get("FH_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
FLOORHUB = os.environ.get("FLOORHUB_BIN", "floorhub")
FLOORCTL = os.environ.get("FLOORCTL_BIN", "floorctl")
SAMPLE_PLANT = os.path.join(SOURCE_DIR, "hub", "plants", "sample.json")
SECRET = "e2e-test-secret-0123456789abcdef0123456789"  # test-only HS256 key


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_token(sub="op1", role="operator", lines=None, ttl=3600, secret=SECRET,
               alg="HS256", extra=None, **claims):
    now = int(time.time())
    payload = {"sub": sub, "role": role, "iat": now, "exp": now + ttl}
    if lines is not None:
        payload["lines"] = lines
    payload.update(claims)
    if extra:
        payload.update(extra)
    return jwt.encode(payload, secret, algorithm=alg)


def b64url(data):
    """Unpadded base64url, as in a JWT."""
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_token(header, payload, secret=SECRET, digest=hashlib.sha256):
    """A JWT built by hand, for tokens PyJWT refuses to make (alg none, an
    HMAC keyed with a PEM): header and payload are dicts (or str/bytes taken
    as they are); signed with HMAC-digest of secret, or unsigned (empty
    signature) when digest is None."""
    def seg(part):
        return b64url(part if isinstance(part, (str, bytes)) else json.dumps(part))
    head = seg(header) + "." + seg(payload)
    if digest is None:
        return head + "."
    key = secret.encode() if isinstance(secret, str) else secret
    return head + "." + b64url(hmac.new(key, head.encode(), digest).digest())


def load_plant(path=SAMPLE_PLANT):
    """The plant layout at path as a dict (a fresh copy to modify)."""
    with open(path) as f:
        return json.load(f)


def hhmm(t):
    """The UTC wall-clock time of unix seconds t as "HH:MM"."""
    return time.strftime("%H:%M", time.gmtime(t))


def minute(t):
    """Unix seconds t rounded down to the minute."""
    return int(t) // 60 * 60


def utc_plant(name, start_s, end_s):
    """The sample plant in UTC with one shift from start_s to end_s (unix
    seconds, minute precision) and no breaks."""
    plant = load_plant()
    plant["timezone"] = "UTC"
    plant["shifts"] = [{"name": name, "start": hhmm(start_s), "end": hhmm(end_s)}]
    return plant


def shift_boundary(margin_s=5):
    """The next minute boundary at least margin_s from now (unix seconds)."""
    return (int(time.time()) + margin_s) // 60 * 60 + 60


def boundary_plant(end):
    """The sample plant in UTC with shift "a" ending at `end` (unix seconds,
    a minute boundary) and shift "b" starting there, 10 minutes each."""
    plant = load_plant()
    plant["timezone"] = "UTC"
    plant["shifts"] = [{"name": "a", "start": hhmm(end - 600), "end": hhmm(end)},
                       {"name": "b", "start": hhmm(end), "end": hhmm(end + 600)}]
    return plant


def parse_metrics(text):
    """Prometheus text as {'name{labels}': value} (comments skipped)."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


class Hub:
    """The real floorhub binary, on a free port, with a private store."""

    def __init__(self, plant=SAMPLE_PLANT, data_dir=None, args=(), secret=SECRET,
                 plant_data=None, env=None, tls=None, key_args=None):
        """plant_data, a dict, is written to the hub's temp dir and used
        instead of the plant file; env adds to the hub's environment.
        tls, a (cert file, key file, CA file) triple, makes the hub listen
        with TLS (and a plain listener beside it, plain_port); clients and
        http_get then trust that CA.  key_args replace --jwt-key-file."""
        self.tmp = tempfile.mkdtemp(prefix="fh-e2e-")
        self.tls = tls
        self.key_args = key_args
        self.plain_port = None
        self.data_dir = data_dir or os.path.join(self.tmp, "data")
        self.key_file = os.path.join(self.tmp, "jwt.key")
        self.port_file = os.path.join(self.tmp, "port")
        with open(self.key_file, "w") as f:
            f.write(secret + "\n")
        self.plant = plant
        self.env = dict(os.environ, **(env or {}))
        if plant_data is not None:
            self.plant = self.write_file("plant.json", json.dumps(plant_data))
        self.args = list(args)
        self.port = None
        self.proc = None
        self.stderr_path = os.path.join(self.tmp, "stderr.log")
        self._logs = []

    @property
    def scheme(self):
        return "wss" if self.tls else "ws"

    @property
    def url(self):
        return "%s://127.0.0.1:%d/ws" % (self.scheme, self.port)

    @property
    def http(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self.port)

    def ssl_context(self):
        """A client context trusting the hub's CA, or None without TLS."""
        if not self.tls:
            return None
        return ssl.create_default_context(cafile=self.tls[2])

    def write_file(self, name, text):
        """Writes text to name in the hub's temp dir; returns the path."""
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def command(self):
        """The command line; port 0 (the first start) lets the hub pick a
        free port, which it writes to the port file: no race with other tests."""
        tls = []
        if self.tls:
            tls = ["--tls-cert", self.tls[0], "--tls-key", self.tls[1],
                   "--listen-plain", "127.0.0.1:%d" % (self.plain_port or 0)]
        keys = self.key_args if self.key_args is not None else ["--jwt-key-file", self.key_file]
        return [FLOORHUB, "--listen", "127.0.0.1:%d" % (self.port or 0),
                "--port-file", self.port_file,
                "--data", self.data_dir, "--plant", self.plant,
                "--log-level", "debug"] + keys + tls + self.args

    def _read_port(self):
        """The port (with TLS also plain_port) from the port file."""
        try:
            with open(self.port_file) as f:
                lines = f.read().split()
        except OSError:
            return None
        if not lines:
            return None
        if self.tls:
            self.plain_port = int(lines[1])
        return int(lines[0])

    def start(self, timeout=10.0):
        """Starts the hub and returns once it listens (a restart keeps the
        port)."""
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        err = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(self.command(), stderr=err, stdout=subprocess.DEVNULL,
                                     env=self.env)
        err.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("floorhub exited with %d:\n%s" %
                                     (self.proc.returncode, self.stderr()))
            port = self._read_port()
            if port is not None:
                self.port = port
                return self
            time.sleep(0.01)
        raise AssertionError("floorhub did not listen within %.0fs:\n%s" %
                             (timeout, self.stderr()))

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        """Stops the hub; returns its exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("floorhub did not stop within %.0fs" % timeout)

    def kill9(self):
        self.proc.kill()
        self.proc.wait()

    def restart(self):
        self.stop()
        return self.start()

    def stderr(self):
        try:
            with open(self.stderr_path, "r", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_log(self, text, timeout=5.0):
        """Polls the hub's stderr until it holds text; fails otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.stderr():
                return
            time.sleep(0.05)
        raise AssertionError("no %r in the hub's log:\n%s" % (text, self.stderr()))

    def sighup(self, expect):  # waits for the log line expect
        self.proc.send_signal(signal.SIGHUP)
        self.wait_log(expect)

    def start_fails(self, want):
        """Starts the hub, which must exit 2 with want in its stderr."""
        try:
            self.start()
        except AssertionError as e:
            assert "exited with 2" in str(e), str(e)
            assert want in self.stderr(), (want, self.stderr())
            return
        finally:
            self.cleanup()
        raise AssertionError("floorhub started; expected it to refuse: %s" % want)

    def sanitizer_report(self):
        """The lines of the hub's stderr in which ASan/UBSan/LSan reported."""
        marks = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")
        return [l for l in self.stderr().splitlines() if any(m in l for m in marks)]

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def http_get(self, path, headers=None, plain=False, want_headers=False):
        """GET path on the hub's port (https with TLS; plain=True: on the
        plain listener): (status, content type, body text), and the
        response's headers (names in lower case) when want_headers."""
        if self.tls and not plain:
            conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=5,
                                               context=self.ssl_context())
        else:
            conn = http.client.HTTPConnection(
                "127.0.0.1", self.plain_port if plain else self.port, timeout=5)
        try:
            conn.request("GET", path, headers=headers or {})
            resp = conn.getresponse()
            out = (resp.status, resp.getheader("Content-Type"), resp.read().decode())
            heads = {k.lower(): v for k, v in resp.getheaders()}
            return out + (heads,) if want_headers else out
        finally:
            conn.close()

    def metrics(self):
        """/metrics parsed by parse_metrics()."""
        status, _, body = self.http_get("/metrics")
        assert status == 200, (status, body)
        return parse_metrics(body)

    def backfill(self, days, seed=7):
        """Stops the hub, writes `days` days of simulated history into its
        store with `floorctl backfill` and starts it again."""
        self.stop()
        out = subprocess.run([FLOORCTL, "backfill", "--data", self.data_dir, "--plant",
                              self.plant, "--days", str(days), "--seed", str(seed)],
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, "floorctl backfill: %d %s" % (out.returncode, out.stderr)
        self.start()
        return out.stdout

    def events(self):
        """The stored audit log: `floorctl events --data DIR` as a list of
        dicts {lsn, ts, actor, type, data} (works beside a running hub)."""
        out = subprocess.run([FLOORCTL, "events", "--data", self.data_dir],
                             capture_output=True, text=True, timeout=20)
        assert out.returncode == 0, "floorctl events: %d %s" % (out.returncode, out.stderr)
        return [json.loads(line) for line in out.stdout.splitlines() if line]

    def cleanup(self):
        try:
            self.stop()
        except AssertionError:
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)


class Closed(Exception):
    """The hub closed the connection: .code and .reason."""

    def __init__(self, code, reason):
        super().__init__("closed %s %s" % (code, reason))
        self.code = code
        self.reason = reason


class Client:
    """One WebSocket session.  Every map of every frame is queued in order;
    request() sends with a fresh id and returns the reply with that id,
    leaving other messages (snap, upd) queued for next()."""

    opened = []                      # every connected Client, for close_all()
    write_keys = itertools.count(1)  # write(): keys unique in this process

    def __init__(self, hub):
        self.hub = hub
        self.ws = None
        self.queue = []
        self.next_id = 1
        self.frames = 0

    async def connect(self, token=None, header_token=None, origin=None,
                      subprotocols=("floorhub.v1",), path="/ws", plain=False):
        """plain=True: to the hub's plain listener beside TLS."""
        headers = {}
        kw = {}
        if header_token:
            headers["Authorization"] = "Bearer " + header_token
        if self.hub.tls and not plain:
            kw["ssl"] = self.hub.ssl_context()
        port = self.hub.plain_port if plain else self.hub.port
        self.ws = await websockets.connect(
            "%s://127.0.0.1:%d%s" % ("ws" if plain else self.hub.scheme, port, path),
            extra_headers=headers, **kw,
            subprotocols=list(subprotocols) if subprotocols else None,
            origin=origin, max_size=None, ping_interval=None, compression=None,
            close_timeout=1)
        Client.opened.append(self)
        if token is not None:
            welcome = await self.request({"t": "hello", "token": token})
            assert welcome["t"] == "welcome", welcome
            self.welcome = welcome
        return self

    async def close(self):
        if self.ws is not None:
            await self.ws.close()

    @classmethod
    async def close_all(cls):
        """Closes every client still open (an open one would hold up the end
        of asyncio.run() for its close timeout)."""
        clients, cls.opened = cls.opened, []
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)

    async def send(self, *maps):
        await self.ws.send(b"".join(msgpack.packb(m) for m in maps))

    async def send_raw(self, data):
        await self.ws.send(data)

    async def _fill(self, timeout):
        try:
            frame = await asyncio.wait_for(self.ws.recv(), timeout)
        except websockets.exceptions.ConnectionClosed as e:
            raise Closed(e.code, e.reason)
        assert isinstance(frame, bytes), "hub sent a text frame"
        self.frames += 1
        unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
        unpacker.feed(frame)
        for m in unpacker:
            assert isinstance(m, dict) and "t" in m, m
            self.queue.append(m)

    async def next(self, timeout=2.0, pred=None):
        """The next queued message (matching pred, if given)."""
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.queue):
                if pred is None or pred(m):
                    return self.queue.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise asyncio.TimeoutError("no matching message; queued: %r" % self.queue[-5:])
            await self._fill(left)

    async def request(self, msg, timeout=3.0):
        msg = dict(msg)
        rid = self.next_id
        self.next_id += 1
        msg["id"] = rid
        await self.send(msg)
        return await self.next(timeout, lambda m: m.get("id") == rid and
                               m["t"] in ("ok", "err", "pong", "welcome"))

    async def closed(self, timeout=3.0):
        """Waits until the hub closes the connection; returns (code, reason)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                await self._fill(max(0.01, deadline - time.monotonic()))
            except Closed as c:
                return c.code, c.reason
            if time.monotonic() > deadline:
                raise asyncio.TimeoutError("connection still open")

    async def sub(self, *topics, since=None, epoch=None):
        req = {"t": "sub", "topics": list(topics)}
        if since is not None:
            req["since"] = since
        if epoch is not None:
            req["epoch"] = epoch
        return await self.request(req)

    async def snapshot(self, topic):
        """(Re)subscribes to topic and returns its fresh snap."""
        reply = await self.sub(topic)
        assert reply["t"] == "ok", reply
        return await self.next(pred=lambda m: m["t"] == "snap" and m["topic"] == topic)

    async def sync(self, timeout=3.0):
        """Round-trips a ping; returns (and unqueues) every message that
        arrived before the pong.  The hub answers in order, so whatever it
        sent before it read the ping is in the list."""
        pong = await self.request({"t": "ping"}, timeout)
        assert pong["t"] == "pong", pong
        before, self.queue = self.queue, []
        return before

    async def write(self, t, key=None, **fields):
        """A write request t with a fresh idempotency key unless key is given."""
        msg = {"t": t, "key": key or "k%d" % next(Client.write_keys)}
        msg.update(fields)
        return await self.request(msg)


class HubTest(unittest.TestCase):
    """A test case with a fresh hub per test; prints the hub's stderr when the
    test fails."""

    hub_args = ()
    plant_data = None  # a dict (e.g. from load_plant()) replaces the sample plant
    hub_env = None     # added to the hub's environment
    hub_tls = None     # (cert, key, CA) files: the hub listens with TLS

    def setUp(self):
        self.hub = Hub(args=self.hub_args, plant_data=self.plant_data,
                       env=self.hub_env, tls=self.hub_tls).start()

    def tearDown(self):
        outcome = getattr(self, "_outcome", None)
        failed = False
        if outcome is not None:
            result = getattr(outcome, "result", None)
            errors = getattr(result, "errors", []) + getattr(result, "failures", [])
            failed = any(t is self for t, _ in errors) or not getattr(outcome, "success", True)
        try:
            self.hub.stop()  # a sanitizer reports leaks at exit
        except AssertionError as e:
            print("\n%s: %s" % (self.id(), e))
        report = self.hub.sanitizer_report()
        if failed or report:
            print("\n--- floorhub stderr (%s) ---\n%s--- end ---" % (self.id(), self.hub.stderr()))
        self.hub.cleanup()
        self.assertEqual(report, [], "the sanitizers reported (stderr above)")

    def run_async(self, coro, timeout=60):
        async def run():
            try:
                return await asyncio.wait_for(coro, timeout)
            finally:
                await Client.close_all()
        return asyncio.run(run())

    async def client(self, role="operator", sub=None, lines=None, **kw):
        token = make_token(sub=sub or role + "1", role=role, lines=lines)
        return await Client(self.hub).connect(token=token, **kw)

    def assertErr(self, reply, code, key=None):
        """reply is an err with this code (and key, when given)."""
        self.assertEqual(reply.get("t"), "err", reply)
        self.assertEqual(reply.get("code"), code, reply)
        if key is not None:
            self.assertEqual(reply.get("key"), key, reply)

    def assertOk(self, reply):
        self.assertEqual(reply.get("t"), "ok", reply)
        return reply


def main():
    unittest.main(verbosity=2)
