"""gwtest.py -- what the floorgw end-to-end tests share: a mosquitto broker
on a free loopback port, an observer that queues the messages of its
filters, and floorgw itself run with a mapping and a token.

Design: every test gets its own broker (no persistence, anonymous, bound to
127.0.0.1 only) in its own temp directory, so tests never see each other's
retained messages or sessions.

The tests that also run the hub import the e2e harness through here
(`from gwtest import fhtest`): its folder is put on the path once.
Paths come from the environment: FLOORGW_BIN, FLOORSIM_BIN, FH_SOURCE_DIR.
"""
import json
import os
import queue
import socket
import subprocess
import sys
import time

import paho.mqtt.client as mqtt

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.environ.get("FH_SOURCE_DIR",
                                               os.path.join(HERE, "..", "..", "..")),
                                "tests", "e2e"))
import fhtest  # noqa: E402

FLOORGW = os.environ.get("FLOORGW_BIN", "floorgw")
FLOORSIM = os.environ.get("FLOORSIM_BIN", "floorsim")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


MOSQUITTO = "/usr/sbin/mosquitto"


def wait_port(port, deadline):
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("port %d never opened" % port)


class Observer:
    """A paho client that queues every message of its filters."""

    def __init__(self, port, filters, tls=None, auth=None):
        """tls: (ca, cert, key) paths; auth: (user, password)."""
        self.q = queue.Queue()
        self.c = mqtt.Client(client_id="observer-%d" % os.getpid(), clean_session=True)
        self.c.on_message = lambda c, u, m: self.q.put((m.topic, m.payload, m.retain))
        if tls:
            self.c.tls_set(ca_certs=tls[0], certfile=tls[1], keyfile=tls[2])
        if auth:
            self.c.username_pw_set(*auth)
        self.c.connect("127.0.0.1", port)
        for f in filters:
            self.c.subscribe(f, qos=1)
        self.c.loop_start()

    def expect(self, pred, what, timeout=5.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                msg = self.q.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            if pred(*msg):
                return msg
        raise AssertionError("never saw " + what)

    def close(self):
        self.c.loop_stop()
        self.c.disconnect()


class Broker:
    """Debian's mosquitto on a free loopback port."""

    def __init__(self, tmp, extra=""):
        """extra: more configuration lines (TLS files, a password file)."""
        self.port = free_port()
        self.conf = os.path.join(tmp, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write("listener %d 127.0.0.1\npersistence false\n" % self.port)
            if os.geteuid() == 0:  # else it becomes `mosquitto`, who cannot read tmp
                f.write("user root\n")
            f.write(extra or "allow_anonymous true\n")
        self.start()

    def start(self):
        self.proc = subprocess.Popen([MOSQUITTO, "-c", self.conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_port(self.port, time.time() + 5)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()

    def kill(self):
        self.proc.kill()
        self.proc.wait()


def make_certs(tmp):
    """A throw-away CA, a server certificate for 127.0.0.1 and a client
    certificate, made with openssl in tmp; returns their paths by name."""
    p = {n: os.path.join(tmp, n) for n in ("ca.key", "ca.crt", "server.key", "server.crt",
                                           "client.key", "client.crt", "san.ext")}
    with open(p["san.ext"], "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")

    def run(*args):
        subprocess.run(["openssl"] + list(args), check=True, capture_output=True)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p["ca.key"], "-out",
        p["ca.crt"], "-subj", "/CN=floorgw-test-ca", "-days", "2")
    for who, cn in (("server", "127.0.0.1"), ("client", "floorgw")):
        csr = os.path.join(tmp, who + ".csr")
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", p[who + ".key"], "-out", csr,
            "-subj", "/CN=" + cn)
        run("x509", "-req", "-in", csr, "-CA", p["ca.crt"], "-CAkey", p["ca.key"],
            "-CAcreateserial", "-out", p[who + ".crt"], "-days", "2", "-extfile", p["san.ext"])
    return p


class Floorgw:
    """floorgw with a mapping (a dict) and a token, logging to a file."""

    def __init__(self, binary, tmp, mapping, token, broker_port, hub_url,
                 host_id="e2e-host", scheme="mqtt", args=()):
        self.map = os.path.join(tmp, "map.json")
        with open(self.map, "w") as f:
            json.dump(mapping, f)
        self.token = os.path.join(tmp, "token")
        with open(self.token, "w") as f:
            f.write(token + "\n")
        self.log_path = os.path.join(tmp, "floorgw.log")
        self.cmd = [binary, "--map", self.map, "--broker",
                    "%s://127.0.0.1:%d" % (scheme, broker_port), "--hub", hub_url,
                    "--token-file", self.token, "--host-id", host_id] + list(args)
        self.proc = None

    def start(self):
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(self.cmd, stdout=log, stderr=log)
        return self

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def log_has(self, text, timeout=5.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.log():
                return
            time.sleep(0.05)
        raise AssertionError("floorgw never logged %r; log:\n%s" % (text, self.log()))
