#!/usr/bin/python3
"""test_tls -- the hub's TLS listener, against Python's ssl module.

A private CA (tlstest.py, the openssl command line) signs the hub's
certificate.  wss:// and https:// work and verify against that CA, the
chain in the certificate file is sent whole, https responses carry HSTS and
the plain listener beside TLS (--listen-plain) answers without it; TLS 1.1
and compression are refused and a TLS 1.2 handshake gets one of the modern
ciphers.  A key file readable by others, or a key of another certificate,
stops the start (exit 2, naming the file).  SIGHUP swaps the certificate
with 100 connections open (all stay, new ones see the new certificate); a
bad new file is refused, logged, and the old certificate stays.  Garbage,
a silent connection (slowloris before the handshake), a stalled handshake,
junk after a real ClientHello (garbage during it) and a stalled upgrade
after the handshake (slowloris) on the TLS port disturb no other client and
are hung up on.  Gateways
with client certificates (optional and required) are authenticated by
their certificate's CN through --tls-client-map.
"""
import asyncio
import contextlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import time
import unittest

import websockets
import websockets.exceptions

import fhtest
from fhtest import Client, Hub, HubTest, make_token
from tlstest import TestCA

CA = TestCA()


def served_cert(port):
    """The DER certificate the hub presents on port (not verified)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            return s.getpeercert(binary_form=True)


def client_hello(ctx):
    """The bytes of a real ClientHello that ctx would send to localhost."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with contextlib.suppress(ssl.SSLWantReadError):
        obj.do_handshake()
    return outgoing.read()


def pem_der(path):
    """The DER bytes of the first certificate in a PEM file."""
    with open(path) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


class TlsHub(HubTest):
    hub_tls = CA.issue() + (CA.cert,)

    def test_wss_and_https(self):
        async def run():
            c = await self.client("operator")
            self.assertEqual(c.welcome["user"], "operator1")
            snap = await c.snapshot("plant")
            self.assertEqual(snap["t"], "snap")
            plain = await Client(self.hub).connect(token=make_token(), plain=True)
            self.assertEqual((await plain.request({"t": "ping"}))["t"], "pong")
        self.run_async(run())
        status, _, _, headers = self.hub.http_get("/healthz", want_headers=True)
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("strict-transport-security"), "max-age=31536000")
        status, _, _, headers = self.hub.http_get("/metrics", plain=True, want_headers=True)
        self.assertEqual(status, 200)
        self.assertNotIn("strict-transport-security", headers)
        status, _, _, headers = self.hub.http_get("/nope", want_headers=True)
        self.assertEqual(status, 404)
        self.assertIn("strict-transport-security", headers)

    def test_protocol_versions_and_ciphers(self):
        out = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % self.hub.port,
                              "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"],
                             input="", capture_output=True, text=True, timeout=10)
        self.assertIn("alert protocol version", out.stdout + out.stderr)
        ctx = self.hub.ssl_context()
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        with socket.create_connection(("127.0.0.1", self.hub.port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                self.assertEqual(s.version(), "TLSv1.2")
                self.assertRegex(s.cipher()[0], r"^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM|CHACHA20)")
                self.assertIsNone(s.compression())
        # The server's preference wins: offered in the reverse order, the
        # client still gets the hub's first choice.
        ctx = self.hub.ssl_context()
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:"
                        "ECDHE-ECDSA-AES128-GCM-SHA256")
        with socket.create_connection(("127.0.0.1", self.hub.port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                self.assertEqual(s.cipher()[0], "ECDHE-ECDSA-AES128-GCM-SHA256")
        ctx = self.hub.ssl_context()
        with socket.create_connection(("127.0.0.1", self.hub.port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                self.assertEqual(s.version(), "TLSv1.3")

    def test_garbage_and_stalled_handshake(self):
        async def run():
            c = await self.client("viewer")
            garbage = socket.create_connection(("127.0.0.1", self.hub.port), timeout=5)
            garbage.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + os.urandom(512))
            stalled = socket.create_connection(("127.0.0.1", self.hub.port), timeout=10)
            stalled.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")  # half a hello
            # Slowloris before the handshake: connected, not one byte sent.
            silent = socket.create_connection(("127.0.0.1", self.hub.port), timeout=10)
            # Garbage during the handshake: a real ClientHello, then junk
            # where the client's next flight belongs.
            midway = socket.create_connection(("127.0.0.1", self.hub.port), timeout=10)
            midway.sendall(client_hello(self.hub.ssl_context()))
            midway.recv(1)  # the hub's first flight is on its way
            midway.sendall(b"\x17\x03\x03\x01\x00" + os.urandom(256))
            # Slowloris after the handshake: half an upgrade, then silence.
            slow = self.hub.ssl_context().wrap_socket(
                socket.create_connection(("127.0.0.1", self.hub.port), timeout=10),
                server_hostname="localhost")
            slow.sendall(b"GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n")
            for _ in range(5):
                self.assertEqual((await c.request({"t": "ping"}))["t"], "pong")
                other = await self.client("operator")
                await other.close()
            self.assertEqual(self.hub.http_get("/healthz")[0], 200)
            garbage.settimeout(5)
            try:
                rest = garbage.recv(4096)
            except ConnectionResetError:
                rest = b""
            self.assertNotIn(b"200 OK", rest)  # no plain HTTP on the TLS port
            t0 = time.monotonic()
            loop = asyncio.get_running_loop()

            def hung_up(sock):
                try:
                    return sock.recv(1) == b""
                except (ConnectionResetError, ssl.SSLError):
                    return True
                except socket.timeout:
                    return False

            def drained(sock):  # reads what the hub sent until it hangs up
                try:
                    while sock.recv(4096):
                        pass
                    return True
                except ConnectionResetError:
                    return True
                except socket.timeout:
                    return False
            got = await asyncio.gather(loop.run_in_executor(None, hung_up, stalled),
                                       loop.run_in_executor(None, hung_up, slow),
                                       loop.run_in_executor(None, hung_up, silent),
                                       loop.run_in_executor(None, drained, midway))
            self.assertEqual(got, [True] * 4)  # the hub hung up on all of them
            self.assertLess(time.monotonic() - t0, 9)
            for sock in (garbage, stalled, slow, silent, midway):
                sock.close()
            self.assertEqual((await c.request({"t": "ping"}))["t"], "pong")
        self.run_async(run())


class Chain(HubTest):
    """The hub's certificate is signed by an intermediate CA; the client
    trusts only the root, so the handshake works only with the chain."""
    inter = TestCA("floorhub test intermediate", parent=CA)
    hub_tls = inter.issue() + (CA.cert,)

    def test_chain_sent_whole(self):
        async def run():
            c = await self.client("viewer")
            self.assertEqual((await c.request({"t": "ping"}))["t"], "pong")
        self.run_async(run())


class Refusals(unittest.TestCase):
    def start_fails(self, cert, key, want):
        Hub(tls=(cert, key, CA.cert)).start_fails(want)

    def test_key_readable_by_others(self):
        cert, key = CA.issue()
        os.chmod(key, 0o644)
        self.start_fails(cert, key, "--tls-key: %s is readable by group or others "
                         "(mode 0644): it must be 0600 or stricter" % key)
        os.chmod(key, 0o640)
        self.start_fails(cert, key, "(mode 0640)")

    def test_key_of_another_certificate(self):
        cert, _ = CA.issue()
        _, key = CA.issue()
        self.start_fails(cert, key, "is not the key of the certificate in %s" % cert)

    def test_not_a_certificate(self):
        cert, key = CA.issue()
        bad = os.path.join(CA.dir, "garbage.pem")
        with open(bad, "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
        self.start_fails(bad, key, "--tls-cert: %s: not a PEM certificate chain" % bad)

    def test_listen_plain_needs_tls(self):
        Hub(args=["--listen-plain", "127.0.0.1:0"]).start_fails(
            "--listen-plain: only beside a TLS listener")


GW_CERT = CA.issue(cn="gw-press-1", dns=(), ips=(), client=True)
UNMAPPED_CERT = CA.issue(cn="gw-unknown", dns=(), ips=(), client=True)
FOREIGN_CERT = TestCA("foreign CA").issue(cn="gw-press-1", dns=(), ips=(), client=True)
REFUSED = (ssl.SSLError, ConnectionResetError, websockets.exceptions.InvalidMessage)
CERT_MAP = {"gw-press-1": {"sub": "gw-press-1", "role": "gateway", "lines": ["L1"]}}


class ClientCerts(HubTest):
    """Gateways with client certificates (--tls-client-ca, -map)."""
    mode = "optional"

    def setUp(self):
        path = os.path.join(CA.dir, "map-%d.json" % id(self))
        with open(path, "w") as f:
            json.dump(CERT_MAP, f)
        self.hub_tls = CA.issue() + (CA.cert,)
        self.hub_args = ["--tls-client-ca", CA.cert, "--tls-client-cert", self.mode,
                         "--tls-client-map", path]
        super().setUp()

    def ctx(self, cert):
        ctx = self.hub.ssl_context()
        if cert:
            ctx.load_cert_chain(*cert)
        return ctx

    async def connect(self, cert, token=None):
        c = Client(self.hub)
        c.ws = await websockets.connect(self.hub.url, ssl=self.ctx(cert),
                                        subprotocols=["floorhub.v1"], ping_interval=None,
                                        close_timeout=1)
        Client.opened.append(c)
        if token:
            c.welcome = await c.request({"t": "hello", "token": token})
        return c

    def test_gateway_by_certificate(self):
        async def run():
            gw = await self.connect(GW_CERT)
            w = await gw.next(pred=lambda m: m["t"] == "welcome")
            self.assertEqual((w["user"], w["role"], w["lines"]), ("gw-press-1", "gateway", ["L1"]))
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="down",
                                         reason="mechanical"))
            # The map's lines hold: L2 is not this gateway's.
            self.assertErr(await gw.write("eq.state", equipment="L2-WELD1", state="down"),
                           "forbidden")
            # A certificate of the CA, not in the map: the token decides.
            other = await self.connect(UNMAPPED_CERT, token=make_token())
            self.assertEqual(other.welcome["t"], "welcome")
            bare = await self.connect(None)
            self.assertErr(await bare.request({"t": "sub", "topics": ["plant"]}),
                           "unauthorized")
            # TLS 1.3: the client's side of the handshake is done before the
            # hub refuses the certificate, so the refusal shows up as a
            # TLS alert, a reset or an upgrade that never answers.
            with self.assertRaises(REFUSED):
                c = await self.connect(FOREIGN_CERT)
                await c.request({"t": "ping"})
        self.run_async(run())
        self.assertIn("client certificate CN 'gw-press-1'", self.hub.stderr())
        self.assertIn("certificate CN 'gw-unknown' not in --tls-client-map", self.hub.stderr())


class ClientCertsRequired(ClientCerts):
    mode = "required"

    def test_gateway_by_certificate(self):
        async def run():
            gw = await self.connect(GW_CERT)
            w = await gw.next(pred=lambda m: m["t"] == "welcome")
            self.assertEqual(w["role"], "gateway")
            with self.assertRaises(REFUSED):
                c = await self.connect(None, token=make_token())
                await c.request({"t": "ping"})
        self.run_async(run())
        with self.assertRaises((ssl.SSLError, ConnectionResetError)):
            self.hub.http_get("/healthz")
        self.assertEqual(self.hub.http_get("/metrics", plain=True)[0], 200)

    def test_bad_map(self):
        path = os.path.join(CA.dir, "bad-map.json")
        with open(path, "w") as f:
            json.dump({"gw-1": {"sub": "gw-1", "role": "superuser"}}, f)
        Hub(tls=self.hub_tls, args=["--tls-client-ca", CA.cert, "--tls-client-map", path]
            ).start_fails("--tls-client-map: %s: CN 'gw-1': 'role' is not a floorhub role" % path)


class Rotation(HubTest):
    N = 100

    def setUp(self):
        cert, key = CA.issue()
        self.cert = os.path.join(CA.dir, "rot-%d.pem" % id(self))
        self.key = os.path.join(CA.dir, "rot-%d.key" % id(self))
        shutil.copy(cert, self.cert)
        shutil.copy(key, self.key)
        os.chmod(self.key, 0o600)
        self.hub_tls = (self.cert, self.key, CA.cert)
        super().setUp()

    def install(self, cert, key):
        shutil.copy(cert, self.cert + ".new")
        shutil.copy(key, self.key + ".new")
        os.chmod(self.key + ".new", 0o600)
        os.replace(self.cert + ".new", self.cert)
        os.replace(self.key + ".new", self.key)

    def test_sighup_keeps_connections(self):
        old = served_cert(self.hub.port)
        self.assertEqual(old, pem_der(self.cert))
        new_cert, new_key = CA.issue(cn="localhost-rotated")

        async def run():
            clients = [await self.client("viewer", sub="v%d" % i) for i in range(self.N)]
            self.install(new_cert, new_key)
            self.hub.sighup("SIGHUP: certificate reloaded from " + self.cert)
            loop = asyncio.get_running_loop()
            self.assertEqual(await loop.run_in_executor(None, served_cert, self.hub.port),
                             pem_der(new_cert))
            pongs = await asyncio.gather(*(c.request({"t": "ping"}) for c in clients))
            self.assertEqual([p["t"] for p in pongs], ["pong"] * self.N)
            fresh = await self.client("operator")
            self.assertEqual((await fresh.request({"t": "ping"}))["t"], "pong")
            status, _, body = self.hub.http_get("/metrics", plain=True)
            self.assertIn("floorhub_connections %d" % (self.N + 1), body)

            # A bad pair is refused and logged; the new certificate stays.
            other_cert, _ = CA.issue(cn="mismatch")
            self.install(other_cert, new_key)
            self.hub.sighup("SIGHUP: certificate not reloaded, the old one stays: "
                          "--tls-key: %s is not the key of the certificate" % self.key)
            with open(self.cert, "w") as f:
                f.write("garbage\n")
            self.hub.sighup("--tls-cert: %s: not a PEM certificate chain" % self.cert)
            os.chmod(self.key, 0o644)
            self.hub.sighup("is readable by group or others (mode 0644)")
            self.assertEqual(await loop.run_in_executor(None, served_cert, self.hub.port),
                             pem_der(new_cert))
            pongs = await asyncio.gather(*(c.request({"t": "ping"}) for c in clients))
            self.assertEqual([p["t"] for p in pongs], ["pong"] * self.N)
        self.run_async(run(), timeout=90)
        self.assertIsNone(self.hub.proc.poll())


if __name__ == "__main__":
    fhtest.main()
