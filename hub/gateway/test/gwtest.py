"""gwtest.py -- what the floorgw end-to-end tests share: a mosquitto broker
on a free loopback port, an observer that queues the messages of its
filters, and floorgw itself run with a mapping and a token.

Design: every test gets its own broker (no persistence, anonymous, bound to
127.0.0.1 only) in its own temp directory, so tests never see each other's
retained messages or sessions.
"""
import json
import os
import queue
import socket
import subprocess
import time

import paho.mqtt.client as mqtt


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

    def __init__(self, port, filters):
        self.q = queue.Queue()
        self.c = mqtt.Client(client_id="observer-%d" % os.getpid(), clean_session=True)
        self.c.on_message = lambda c, u, m: self.q.put((m.topic, m.payload, m.retain))
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

    def __init__(self, tmp):
        self.port = free_port()
        self.conf = os.path.join(tmp, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    % self.port)
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


class Floorgw:
    """floorgw with a mapping (a dict) and a token, logging to a file."""

    def __init__(self, binary, tmp, mapping, token, broker_port, hub_url,
                 host_id="e2e-host"):
        self.map = os.path.join(tmp, "map.json")
        with open(self.map, "w") as f:
            json.dump(mapping, f)
        self.token = os.path.join(tmp, "token")
        with open(self.token, "w") as f:
            f.write(token + "\n")
        self.log_path = os.path.join(tmp, "floorgw.log")
        self.cmd = [binary, "--map", self.map, "--broker",
                    "mqtt://127.0.0.1:%d" % broker_port, "--hub", hub_url,
                    "--token-file", self.token, "--host-id", host_id]
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
