#!/usr/bin/python3
"""test_web_login -- the dashboard's sign-in (PROTOCOL.md, HTTP endpoints).

POST /api/v1/login with user and password (form or JSON) against users made
with the real `floorctl user` beside the running hub: a session token the
hub signed itself (kid floorhub-session, HS256, --session-ttl), accepted on
the WebSocket like any token; one 401 for a wrong password, an unknown or a
disabled user; the kiosk limits per client address (5 failures a minute ->
429) and per user (10 an hour -> locked until `floorctl user unlock`),
reached from several loopback addresses; POST /api/v1/logout revoking the
token at once (an open session closed 4001 "token revoked", a new one
refused, also after a restart); a user disabled while signed in (the
session closed 4001 "user disabled", the token refused until enabled
again); bad bodies; the same over https with a CA
made by openssl; and the hub's log searched for every token and password.
"""
import base64
import http.client
import json
import socket
import subprocess
import time
import unittest
import urllib.parse

import fhtest
from fhtest import Closed, HubTest, Client
from tlstest import TestCA

ANA_PW = "correct horse battery staple"
BO_PW = "bo-s-password-42"
WRONG = "not-the-password"


def floorctl_user(hub, verb, *args, secret=None):
    cmd = [fhtest.FLOORCTL, "user", verb, "--data", hub.data_dir] + list(args)
    return subprocess.run(cmd, input=(secret + "\n") if secret else "",
                          capture_output=True, text=True, timeout=20)


def claims(token):
    """(header, payload) of a JWT, unverified."""
    def seg(s):
        return json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
    h, p, _ = token.split(".")
    return seg(h), seg(p)


class WebLogin(HubTest):
    hub_args = ("--session-ttl", "30m")

    def setUp(self):
        super().setUp()
        self.tokens = []
        for args, secret in [
                (("add", "--id", "ana", "--name", "Ana Kovac", "--role", "shift_manager",
                  "--lines", "L1"), None),
                (("set", "--id", "ana", "--password-stdin"), ANA_PW),
                (("add", "--id", "bo", "--role", "admin"), None),
                (("set", "--id", "bo", "--password-stdin"), BO_PW),
                (("disable", "--id", "bo"), None)]:
            out = floorctl_user(self.hub, args[0], *args[1:], secret=secret)
            self.assertEqual(out.returncode, 0, out.stderr)

    def tearDown(self):
        log = self.hub.stderr()
        for secret in [ANA_PW, BO_PW, WRONG] + self.tokens:
            self.assertNotIn(secret, log, "a secret in the hub's log")
        for t in self.tokens:  # nor any part of a token's signature
            self.assertNotIn(t.split(".")[2], log)
        super().tearDown()

    def connect(self, source="127.0.0.1"):
        """An HTTP (or, with TLS, HTTPS) connection from source."""
        h = self.hub
        if h.tls:
            return http.client.HTTPSConnection("127.0.0.1", h.port, timeout=10,
                                               context=h.ssl_context(),
                                               source_address=(source, 0))
        return http.client.HTTPConnection("127.0.0.1", h.port, timeout=10,
                                          source_address=(source, 0))

    def post(self, path, body=b"", ctype="application/x-www-form-urlencoded",
             headers=None, source="127.0.0.1"):
        """POST to the hub: (status, parsed JSON body or raw text)."""
        conn = self.connect(source)
        hdrs = dict(headers or {})
        if ctype is not None:
            hdrs["Content-Type"] = ctype
        try:
            conn.request("POST", path, body=body, headers=hdrs)
            resp = conn.getresponse()
            text = resp.read().decode()
            try:
                return resp.status, json.loads(text)
            except ValueError:
                return resp.status, text
        finally:
            conn.close()

    def raw_head(self, header):
        """Sends only the head of a POST /api/v1/login with header; the
        answer's (status, JSON body), read until the hub closes."""
        with socket.create_connection(("127.0.0.1", self.hub.port), timeout=10) as sk:
            sk.sendall(("POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                        "application/json\r\n%s\r\n\r\n" % header).encode())
            got = b""
            while True:
                chunk = sk.recv(4096)
                if not chunk:
                    break
                got += chunk
        head, _, body = got.partition(b"\r\n\r\n")
        return int(head.split()[1]), json.loads(body)

    def login(self, user, password, as_json=False, source="127.0.0.1"):
        if as_json:
            body = json.dumps({"user": user, "password": password}).encode()
            st, b = self.post("/api/v1/login", body, "application/json", source=source)
        else:
            body = urllib.parse.urlencode({"user": user, "password": password}).encode()
            st, b = self.post("/api/v1/login", body, source=source)
        if st == 200:
            self.tokens.append(b["token"])
        return st, b

    def logout(self, token):
        return self.post("/api/v1/logout", b"", None,
                         headers={"Authorization": "Bearer " + token})

    def assertRefused(self, st, body):
        self.assertEqual(st, 401, body)
        self.assertEqual(body, {"code": "unauthorized", "key": "", "msg": "sign-in refused"})

    def test_login_token_on_websocket(self):
        t0 = int(time.time() * 1000)
        st, body = self.login("ana", ANA_PW)
        t1 = int(time.time() * 1000)
        self.assertEqual(st, 200, body)
        self.assertEqual(sorted(body), ["expires_at", "token"])
        # --session-ttl 30m, whole seconds
        self.assertTrue(t0 // 1000 * 1000 + 1800000 <= body["expires_at"] <= t1 + 1800000,
                        body)
        head, pay = claims(body["token"])
        self.assertEqual((head["alg"], head["kid"]), ("HS256", "floorhub-session"))
        self.assertEqual((pay["sub"], pay["role"], pay["lines"], pay["iss"]),
                         ("ana", "shift_manager", ["L1"], "floorhub"))
        self.assertEqual(pay["exp"] * 1000, body["expires_at"])
        self.assertEqual(len(pay["jti"]), 32)
        # JSON works the same and gives another token
        st, other = self.login("ana", ANA_PW, as_json=True)
        self.assertEqual(st, 200, other)
        self.assertNotEqual(claims(other["token"])[1]["jti"], pay["jti"])

        async def run():
            c = await Client(self.hub).connect(token=body["token"])
            self.assertEqual((c.welcome["user"], c.welcome["role"], c.welcome["lines"]),
                             ("ana", "shift_manager", ["L1"]))
            a = self.assertOk(await c.write("andon.raise", line="L1", kind="material"))
            self.assertEqual(a["andon"]["raised_by"], "ana")
            st, _, text = self.hub.http_get(
                "/api/v1/export/andons.csv?scope=plant&from=2026-01-01&to=2026-01-02",
                headers={"Authorization": "Bearer " + body["token"]})
            self.assertEqual(st, 200, text)  # the CSV export takes it too
            h = await Client(self.hub).connect(header_token=other["token"])
            self.assertEqual((await h.request({"t": "hello"}))["user"], "ana")
            # a token signed with the hub's kid but another key is refused
            forged = fhtest.hand_token({"alg": "HS256", "typ": "JWT", "kid": "floorhub-session"},
                                       pay)
            f = await Client(self.hub).connect()
            r = await f.request({"t": "hello", "token": forged})
            self.assertErr(r, "unauthorized", "token")
            self.assertIn("signature", r["msg"])
        self.run_async(run())
        ev = [e for e in self.hub.events() if e["type"] == "login"]
        self.assertEqual([e["actor"] for e in ev], ["ana", "ana"])

    def test_refusals_are_one_answer(self):
        self.assertRefused(*self.login("ana", WRONG))
        self.assertRefused(*self.login("nobody", WRONG, as_json=True))
        self.assertRefused(*self.login("bo", BO_PW))  # disabled
        ev = [e for e in self.hub.events() if e["type"] == "login.failed"]
        self.assertEqual([(e["actor"], e["data"]["user"]) for e in ev],
                         [("address 127.0.0.1", "ana"), ("address 127.0.0.1", None),
                          ("address 127.0.0.1", "bo")])

    def test_rate_limit_and_lockout(self):
        # 5 failures from one address within a minute: it is refused 60 s,
        # even with the right password; another address is not
        for _ in range(5):
            self.assertRefused(*self.login("ana", WRONG, source="127.0.0.2"))
        st, body = self.login("ana", ANA_PW, source="127.0.0.2")
        self.assertEqual(st, 429, body)
        self.assertEqual(body["code"], "rate_limited")
        self.assertRegex(body["msg"], r"too many failed sign-ins from this address: "
                                      r"try again in (60|59) s")
        self.assertIn("address 127.0.0.2: 5 failed sign-ins within 60 s",
                      self.hub.stderr())
        # 5 more from another address: 10 failures of ana within the hour lock her
        for _ in range(5):
            self.assertRefused(*self.login("ana", WRONG, source="127.0.0.3"))
        self.assertIn("user ana: locked after 10 failed sign-ins", self.hub.stderr())
        st, body = self.login("ana", ANA_PW, source="127.0.0.4")
        self.assertEqual((st, body["code"], body["key"]), (429, "rate_limited", "user"), body)
        self.assertIn("locked", body["msg"])
        out = floorctl_user(self.hub, "unlock", "--id", "ana")
        self.assertEqual(out.returncode, 0, out.stderr)
        st, body = self.login("ana", ANA_PW, source="127.0.0.4")
        self.assertEqual(st, 200, body)
        m = self.hub.metrics()
        self.assertEqual(m["floorhub_login_failures_total"], 10)
        self.assertEqual(m["floorhub_login_user_locks_total"], 1)

    def test_logout_revokes(self):
        st, body = self.login("ana", ANA_PW)
        self.assertEqual(st, 200, body)
        tok = body["token"]

        async def run():
            c = await Client(self.hub).connect(token=tok)
            await c.sub("plant")
            st, out = self.logout(tok)
            self.assertEqual((st, out), (200, {"ok": True}))
            self.assertEqual(await c.closed(), (4001, "token revoked"))
            n = await Client(self.hub).connect()
            r = await n.request({"t": "hello", "token": tok})
            self.assertErr(r, "unauthorized", "token")
            self.assertEqual(r["msg"], "token rejected: revoked")
            self.assertEqual(await n.closed(), (4001, "invalid token"))
            try:  # and in the upgrade's header
                h = await Client(self.hub).connect(header_token=tok)
                self.assertEqual((await h.closed())[0], 4001)
            except Closed as e:
                self.assertEqual(e.code, 4001)
        self.run_async(run())
        # the CSV export takes the same tokens: this one is refused now
        st, _, text = self.hub.http_get("/api/v1/export/andons.csv?scope=plant&from=2026-01-01"
                                        "&to=2026-01-02", headers={"Authorization": "Bearer " + tok})
        self.assertEqual(st, 401, text)
        self.assertIn("revoked", text)
        # a second logout is not an error; no header, or a bad token, is 401
        self.assertEqual(self.logout(tok)[0], 200)
        st, out = self.post("/api/v1/logout", b"", None)
        self.assertEqual((st, out["code"], out["key"]), (401, "unauthorized", "token"))
        st, out = self.logout("abc.def.ghi")
        self.assertEqual((st, out["msg"]), (401, "token rejected: malformed"))
        # the revocation list is in the store: still refused after a restart
        self.hub.stop()
        self.hub.start()

        async def again():
            n = await Client(self.hub).connect()
            self.assertEqual((await n.request({"t": "hello", "token": tok}))["msg"],
                             "token rejected: revoked")
        self.run_async(again())
        self.assertEqual(self.hub.metrics()['floorhub_auth_failures_total{reason="revoked"}'], 1)
        self.assertIn("logout", [e["type"] for e in self.hub.events()])

    def test_disabled_user(self):
        """A user disabled after signing in: the open session is closed
        within 5 s (4001 "user disabled"), the token refused; enabled again,
        the same token works (it was not revoked)."""
        st, body = self.login("ana", ANA_PW)
        self.assertEqual(st, 200, body)
        tok = body["token"]

        async def run():
            c = await Client(self.hub).connect(token=tok)
            out = floorctl_user(self.hub, "disable", "--id", "ana")
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(await c.closed(timeout=8), (4001, "user disabled"))
            n = await Client(self.hub).connect()
            r = await n.request({"t": "hello", "token": tok})
            self.assertEqual(r["msg"], "token rejected: disabled")
            out = floorctl_user(self.hub, "enable", "--id", "ana")
            self.assertEqual(out.returncode, 0, out.stderr)
            again = await Client(self.hub).connect(token=tok)
            self.assertEqual(again.welcome["user"], "ana")
        self.run_async(run())

    def test_keep_alive(self):
        """Several requests on one connection, as a browser sends them."""
        conn = self.connect()
        form = {"Content-Type": "application/x-www-form-urlencoded"}

        def ask(method, path, body=None, headers=None):
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, r.read().decode()
        try:
            st, body = ask("POST", "/api/v1/login", "user=ana&password=" +
                           urllib.parse.quote(ANA_PW), form)
            self.assertEqual(st, 200, body)
            tok = json.loads(body)["token"]
            self.tokens.append(tok)
            self.assertEqual(ask("POST", "/api/v1/login", "user=ana", form)[0], 400)
            self.assertEqual(ask("GET", "/healthz")[0], 200)
            self.assertEqual(ask("POST", "/api/v1/logout", "",
                                 {"Authorization": "Bearer " + tok})[0], 200)
            self.assertEqual(ask("POST", "/api/v1/login", "user=ana&password=x", form)[0], 401)
        finally:
            conn.close()

    def test_bad_bodies(self):
        def bad(status, key, msg, *args, **kw):
            st, body = self.post("/api/v1/login", *args, **kw)
            self.assertEqual(st, status, body)
            self.assertEqual((body["key"], body["msg"]), (key, msg))
        bad(400, "user", "missing key 'user'", b"password=x")
        bad(400, "user", "missing key 'user'", b'{"password": "x"}', "application/json")
        bad(400, "password", "missing key 'password'", b"user=ana&password=")
        bad(400, "password", "'password' is longer than 256 bytes",
            ("user=ana&password=" + "p" * 10000).encode())
        bad(400, "password", "'password' is longer than 256 bytes",
            json.dumps({"user": "ana", "password": "p" * 10000}).encode(), "application/json")
        bad(400, "user", "'user' must be a string", b'{"user": 7, "password": "x"}',
            "application/json")
        bad(400, "", "the body is not a JSON object", b'["ana"]', "application/json")
        bad(400, "user", "'user' is given twice", b"user=ana&user=bo&password=x")
        bad(400, "user", "'user': a bad % escape", b"user=an%zz&password=x")
        bad(415, "", "the body must be application/x-www-form-urlencoded or "
            "application/json", b"user=ana&password=x", "text/plain")
        bad(415, "", "the body must be application/x-www-form-urlencoded or "
            "application/json", b"user=ana&password=x", None)
        # 413 and 411 come before the body is read (and the connection
        # closes), so only the headers are sent: a client writing on would
        # get EPIPE
        st, body = self.raw_head("Content-Length: 20000")
        self.assertEqual((st, body["msg"]), (413, "the body is over 16384 bytes"))
        st, body = self.raw_head("Transfer-Encoding: chunked")
        self.assertEqual((st, body["msg"]), (411, "a Content-Length is required (no chunked bodies)"))
        # GET is not the way; unknown endpoints are 404
        self.assertEqual(self.hub.http_get("/api/v1/login")[0], 405)
        self.assertEqual(self.post("/api/v1/nope", b"")[0], 404)
        # the hub is still up and nothing was counted as a failure
        self.assertEqual(self.login("ana", ANA_PW)[0], 200)
        self.assertEqual(self.hub.metrics()["floorhub_login_failures_total"], 0)


class WebLoginOrigin(WebLogin):
    """With --allowed-origin a browser's POST from another Origin is 403
    (a request without Origin, from a tool, is served)."""
    hub_args = ("--allowed-origin", "https://hub.example")

    def test_origin(self):
        body = urllib.parse.urlencode({"user": "ana", "password": ANA_PW}).encode()
        st, out = self.post("/api/v1/login", body, headers={"Origin": "https://evil.example"})
        self.assertEqual((st, out["code"], out["msg"]), (403, "forbidden", "origin not allowed"))
        st, out = self.post("/api/v1/login", body, headers={"Origin": "https://hub.example"})
        self.assertEqual(st, 200, out)
        self.tokens.append(out["token"])
        self.assertEqual(self.login("ana", ANA_PW)[0], 200)

    test_login_token_on_websocket = None
    test_rate_limit_and_lockout = None
    test_bad_bodies = None
    test_disabled_user = None
    test_keep_alive = None
    test_logout_revokes = None
    test_refusals_are_one_answer = None


class SessionTtl(unittest.TestCase):
    """--session-ttl: 8h by default; s, m, h or bare seconds, 60 s to 168 h."""

    def test_forms(self):
        for ttl, secs in (("45m", 2700), ("3600s", 3600), ("7200", 7200), (None, 8 * 3600)):
            hub = fhtest.Hub(args=("--session-ttl", ttl) if ttl else ()).start()
            try:
                out = subprocess.run([fhtest.FLOORCTL, "user", "add", "--data", hub.data_dir,
                                      "--id", "ana", "--role", "viewer"],
                                     capture_output=True, text=True, timeout=20)
                self.assertEqual(out.returncode, 0, out.stderr)
                out = subprocess.run([fhtest.FLOORCTL, "user", "set", "--data", hub.data_dir,
                                      "--id", "ana", "--password-stdin"], input=ANA_PW + "\n",
                                     capture_output=True, text=True, timeout=20)
                self.assertEqual(out.returncode, 0, out.stderr)
                body = urllib.parse.urlencode({"user": "ana", "password": ANA_PW})
                conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=10)
                conn.request("POST", "/api/v1/login", body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded"})
                tok = json.loads(conn.getresponse().read())["token"]
                conn.close()
                pay = claims(tok)[1]
                self.assertEqual(pay["exp"] - pay["iat"], secs, ttl)
            finally:
                hub.cleanup()

    def test_bad_values(self):
        for ttl in ("8x", "h", "-5m", "30", "169h", "1h30m"):
            fhtest.Hub(args=("--session-ttl", ttl)).start_fails("--session-ttl")


CA = TestCA()


class WebLoginTls(WebLogin):
    """The same over https, with a CA made by openssl."""
    hub_tls = CA.issue() + (CA.cert,)

    def test_login_token_on_websocket(self):
        super().test_login_token_on_websocket()
        self.assertTrue(self.hub.http.startswith("https://"))

    # the limits and the bodies are the same code behind TLS: not repeated
    test_rate_limit_and_lockout = None
    test_bad_bodies = None
    test_disabled_user = None


if __name__ == "__main__":
    fhtest.main()
