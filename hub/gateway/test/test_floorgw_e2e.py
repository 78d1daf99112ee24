"""test_floorgw_e2e.py -- floorgw against Debian's mosquitto (ctest:
floorgw_e2e, label e2e).

Design: a mosquitto broker on a free loopback port, floorgw pointed at it
and at a hub port where nothing listens (test_floorgw_hub.py checks the
hub side), an observer subscribed to
the Sparkplug STATE and NCMD topics, and an edge node written here
(paho-mqtt + Google's protobuf encoder through spb_proto.py).  What is
checked is what floorgw does on the broker: its STATE birth and Will, the
rebirth NCMD on a seq gap and on data before a birth, and, from its log,
that plain payloads are read through the mapping and that QoS 1 messages
published while it was down reach it after a restart (persistent session).

Paths come from the environment: FLOORGW_BIN (default: floorgw on PATH).
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import paho.mqtt.client as mqtt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spb_proto as spb  # noqa: E402
from gwtest import Broker, Floorgw, Observer, free_port, make_certs  # noqa: E402

FLOORGW = os.environ.get("FLOORGW_BIN", "floorgw")

MAP = {"equipment": [
    {"id": "L1-PRESS1",
     "source": {"mqtt": {"topic": "plant/+/status", "pointer": "/state"}},
     "state": {"codes": {"1": ["running"], "3": ["down", "mechanical"]}},
     "counts": {"good_total": {"mqtt": {"topic": "plant/press1/counts", "pointer": "/good"}},
                "reject_total": {"mqtt": {"topic": "plant/press1/counts",
                                          "pointer": "/scrap"}},
                "rollover": 2147483647}},
    {"id": "L2-WELD1",
     "source": {"sparkplug": {"group": "plant", "node": "body", "device": "weld1"}},
     "state": {"rules": [{"metric": "Fault", "is": True, "state": "down"}], "else": "running"},
     "counts": {"good_total": {"metric": "Good"}, "reject_total": {"metric": "Scrap"}}}]}


def is_state(online):
    """An observer predicate: our STATE with that online value."""
    return lambda t, p, r: t == "spBv1.0/STATE/e2e-host" and json.loads(p)["online"] is online


class FloorgwTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="floorgw-e2e-")
        self.broker = Broker(self.tmp)
        self.port = self.broker.port
        hub = "ws://127.0.0.1:%d/ws" % free_port()  # nothing listens there
        self.floorgw = Floorgw(FLOORGW, self.tmp, MAP, "not-a-real-token", self.port, hub)
        self.obs = Observer(self.port, ["spBv1.0/STATE/#", "spBv1.0/+/NCMD/#"])

    def tearDown(self):
        self.obs.close()
        self.floorgw.kill()
        self.broker.stop()

    def start_gw(self):
        self.gw = self.floorgw.start().proc
        return self.obs.expect(is_state(True), "STATE online")

    def log_has(self, text):
        self.floorgw.log_has(text)

    def edge(self):
        c = mqtt.Client(client_id="edge-%d" % os.getpid(), clean_session=True)
        c.connect("127.0.0.1", self.port)
        c.loop_start()
        return c

    def pub(self, c, topic, **kw):
        c.publish(topic, spb.payload(**kw), qos=0).wait_for_publish()

    def is_rebirth(self, node):
        def pred(topic, payload, retain):
            if topic != "spBv1.0/plant/NCMD/" + node:
                return False
            p = spb.Payload.FromString(payload)
            return any(m.name == "Node Control/Rebirth" and m.boolean_value
                       for m in p.metrics)
        return pred

    def test_state_birth_and_will_share_a_timestamp(self):
        _, birth, _ = self.start_gw()
        ts = json.loads(birth)["timestamp"]
        self.assertLess(abs(ts - time.time() * 1000), 60000)
        self.gw.kill()  # kill -9: the broker publishes the Will
        self.gw.wait()
        _, will, retained = self.obs.expect(is_state(False), "the Will")
        self.assertEqual(json.loads(will)["timestamp"], ts)
        late = Observer(self.port, ["spBv1.0/STATE/#"])  # it is retained
        try:
            _, p, retained = late.expect(lambda t, p, r: True, "the retained STATE")
            self.assertTrue(retained)
            self.assertIs(json.loads(p)["online"], False)
        finally:
            late.close()

    def test_a_killed_broker_is_reconnected_and_told_our_state_again(self):
        self.start_gw()
        self.obs.close()
        self.broker.kill()  # kill -9, and no persistence: the session is gone too
        self.floorgw.log_has("connection to 127.0.0.1:%d lost" % self.port)
        self.broker.start()
        self.obs = Observer(self.port, ["spBv1.0/STATE/#", "spBv1.0/+/NCMD/#"])
        self.obs.expect(is_state(True), "STATE online after the reconnect", timeout=10)
        time.sleep(0.3)
        e = self.edge()  # and its subscriptions are back
        self.pub(e, "spBv1.0/plant/NDATA/anynode", seq=3, metrics=[])
        self.obs.expect(self.is_rebirth("anynode"), "a rebirth NCMD after the reconnect")
        e.loop_stop()
        e.disconnect()

    def test_sighup_reloads_the_map_or_keeps_it(self):
        self.start_gw()
        time.sleep(0.3)
        with open(self.floorgw.map, "w") as f:
            f.write('{"equipment": [{"id": "X", "sourze": {}}]}')
        self.gw.send_signal(signal.SIGHUP)
        self.log_has("SIGHUP: map kept: %s: equipment[0].sourze: unknown key"
                     % self.floorgw.map)
        remap = json.loads(json.dumps(MAP))
        remap["equipment"][0]["source"]["mqtt"]["topic"] = "other/status"
        with open(self.floorgw.map, "w") as f:
            json.dump(remap, f)
        self.gw.send_signal(signal.SIGHUP)
        self.log_has("SIGHUP: map reloaded: 2 equipment")
        time.sleep(0.3)
        c = self.edge()
        c.publish("other/status", json.dumps({"state": 8}), qos=1).wait_for_publish()
        self.log_has("L1-PRESS1: code '8' is not in the map")  # the new topic is subscribed
        c.loop_stop()
        c.disconnect()

    def test_sigterm_publishes_state_offline_and_exits_0(self):
        self.start_gw()
        self.gw.send_signal(signal.SIGTERM)
        self.assertEqual(self.gw.wait(timeout=10), 0)
        self.obs.expect(is_state(False), "STATE offline")

    def test_a_seq_gap_and_data_before_birth_ask_for_rebirth(self):
        self.start_gw()
        time.sleep(0.3)  # its subscriptions are in place after the STATE birth
        e = self.edge()
        self.pub(e, "spBv1.0/plant/NBIRTH/body", seq=0, timestamp=1, metrics=[
            {"name": "bdSeq", "datatype": spb.INT64, "value": 0}])
        self.pub(e, "spBv1.0/plant/DBIRTH/body/weld1", seq=1, metrics=[
            {"name": "Fault", "alias": 1, "datatype": spb.BOOLEAN, "value": False},
            {"name": "Good", "alias": 2, "datatype": spb.UINT64, "value": 100},
            {"name": "Scrap", "alias": 3, "datatype": spb.UINT64, "value": 1}])
        self.pub(e, "spBv1.0/plant/DDATA/body/weld1", seq=2, metrics=[
            {"alias": 2, "datatype": spb.UINT64, "value": 101}])
        time.sleep(0.3)
        self.assertTrue(self.obs.q.empty(), "no NCMD without a gap")
        self.pub(e, "spBv1.0/plant/DDATA/body/weld1", seq=5, metrics=[
            {"alias": 2, "datatype": spb.UINT64, "value": 105}])
        self.obs.expect(self.is_rebirth("body"), "the rebirth NCMD after the gap")
        self.log_has("DDATA seq 5 where 3 was due")
        self.pub(e, "spBv1.0/plant/NDATA/paint", seq=9, metrics=[
            {"name": "x", "datatype": spb.INT64, "value": 1}])
        self.obs.expect(self.is_rebirth("paint"), "the rebirth NCMD of a node never born")
        self.pub(e, "spBv1.0/plant/NDEATH/body", metrics=[
            {"name": "bdSeq", "datatype": spb.INT64, "value": 0}])
        self.log_has("sparkplug plant/body is gone")
        e.publish("spBv1.0/plant/DDATA/body/weld1", b"\x12\xff\xff\xff\xff\x0f").wait_for_publish()
        self.log_has("refused: truncated")
        e.loop_stop()
        e.disconnect()

    def test_hostile_payloads_are_refused_logged_and_counted(self):
        def varint(v):
            out = b""
            while True:
                out += bytes([(v & 0x7F) | (0x80 if v > 0x7F else 0)])
                v >>= 7
                if not v:
                    return out
        nested = b""
        for _ in range(20000):  # 20,000 levels of metric properties (9), lying at the core
            nested = b"\x4a" + varint(len(nested) + (5 if not nested else 0)) + nested
        hostile = {
            "a huge length": b"\x12\xff\xff\xff\xff\x0f",
            "a varint of 11 bytes": b"\x08" + b"\xff" * 10 + b"\x01",
            "deep nesting, truncated": b"\x12" + varint(len(nested) + 9) + nested,
            "a cut metric": spb.payload(seq=1, metrics=[
                {"name": "Fault", "datatype": spb.BOOLEAN, "value": True}])[:-4],
        }
        self.start_gw()
        time.sleep(0.3)
        e = self.edge()
        for data in hostile.values():
            e.publish("spBv1.0/plant/DDATA/body/weld1", data, qos=1).wait_for_publish()
        self.log_has("DDATA refused: varint longer than 10 bytes")
        deadline = time.time() + 5
        while time.time() < deadline and self.floorgw.log().count("DDATA refused: trunc") < 3:
            time.sleep(0.05)
        self.assertEqual(self.floorgw.log().count("DDATA refused: truncated"), 3,
                         self.floorgw.log())
        self.gw.send_signal(signal.SIGTERM)  # the counters are logged at the end
        self.assertEqual(self.gw.wait(timeout=10), 0)
        self.log_has("sparkplug: 5 messages, 4 refused")  # and our own STATE
        e.loop_stop()
        e.disconnect()

    def test_plain_payloads_and_the_persistent_session(self):
        self.start_gw()
        time.sleep(0.3)
        c = self.edge()
        c.publish("plant/press1/status", json.dumps({"state": 9}), qos=1).wait_for_publish()
        self.log_has("L1-PRESS1: code '9' is not in the map")
        c.publish("plant/press1/counts", "not json", qos=1).wait_for_publish()
        self.log_has("L1-PRESS1: value not used: the payload is not JSON")
        self.gw.kill()
        self.gw.wait()
        c.publish("plant/press2/status", json.dumps({"state": 7}), qos=1).wait_for_publish()
        self.start_gw()
        self.log_has("L1-PRESS1: code '7' is not in the map")
        c.loop_stop()
        c.disconnect()


class FloorgwAuthTest(unittest.TestCase):
    """The broker's credentials: a password file, and TLS with a client
    certificate.  A floorgw that gets in publishes its STATE birth."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="floorgw-auth-")
        self.hub = "ws://127.0.0.1:%d/ws" % free_port()
        self.gw = self.obs = self.broker = None

    def tearDown(self):
        if self.obs:
            self.obs.close()
        if self.gw:
            self.gw.kill()
        if self.broker:
            self.broker.stop()

    def test_user_and_password_file(self):
        pw = os.path.join(self.tmp, "passwd")
        subprocess.run(["mosquitto_passwd", "-c", "-b", pw, "gw", "s3cret"], check=True)
        self.broker = Broker(self.tmp, "allow_anonymous false\npassword_file %s\n" % pw)
        secret = os.path.join(self.tmp, "broker-password")
        with open(secret, "w") as f:
            f.write("s3cret\n")
        self.obs = Observer(self.broker.port, ["spBv1.0/STATE/#"], auth=("gw", "s3cret"))
        self.gw = Floorgw(FLOORGW, self.tmp, MAP, "t", self.broker.port, self.hub, args=[
            "--broker-user", "gw", "--broker-password-file", secret]).start()
        self.obs.expect(is_state(True), "STATE online with the password")
        self.assertNotIn("s3cret", self.gw.log())
        with open(secret, "w") as f:
            f.write("wrong\n")
        self.gw.kill()
        self.gw.start()
        self.gw.log_has("refused us")

    def test_tls_with_a_client_certificate(self):
        c = make_certs(self.tmp)
        self.broker = Broker(self.tmp, "allow_anonymous true\ncafile %s\ncertfile %s\n"
                             "keyfile %s\nrequire_certificate true\n"
                             % (c["ca.crt"], c["server.crt"], c["server.key"]))
        self.obs = Observer(self.broker.port, ["spBv1.0/STATE/#"],
                            tls=(c["ca.crt"], c["client.crt"], c["client.key"]))
        self.gw = Floorgw(FLOORGW, self.tmp, MAP, "t", self.broker.port, self.hub,
                          scheme="mqtts", args=[
                              "--broker-ca-file", c["ca.crt"], "--broker-cert", c["client.crt"],
                              "--broker-key", c["client.key"]]).start()
        self.obs.expect(is_state(True), "STATE online over TLS")


if __name__ == "__main__":
    unittest.main(verbosity=2)
