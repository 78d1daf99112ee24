"""test_floorgw_hub.py -- floorgw between Debian's mosquitto and the real
floorhub (ctest: floorgw_hub_e2e, label e2e).

Design: a hub of tests/e2e/fhtest.py (the sample plant as it is: a dead
Sparkplug node's `no_signal` is a machine reason, which needs no plant
reason), a broker and floorgw with a gateway token; a viewer watches line/L1.  A
plain payload and a Sparkplug edge node written here must move the hub's
equipment states, and a Sparkplug NDEATH must turn its equipment
`unknown`.  Counter totals reach the hub as eq.total: the first sets the
base, the next adds what the counters grew by.  FloorgwWss: a wss:// hub
with a certificate of a throw-away CA, which floorgw trusts only with
--ca-file.

Paths come from the environment: FLOORHUB_BIN, FLOORCTL_BIN, FLOORGW_BIN,
FH_SOURCE_DIR.
"""
import json
import os
import tempfile
import time

import paho.mqtt.client as mqtt

import spb_proto as spb
from gwtest import FLOORGW, fhtest, Broker, Floorgw, make_certs


MAP = {"equipment": [
    {"id": "L1-PRESS1",
     "source": {"mqtt": {"topic": "plant/press1/status", "pointer": "/state"}},
     "state": {"codes": {"1": ["running"], "3": ["down", "mechanical"]}},
     "counts": {"good_total": {"mqtt": {"topic": "plant/press1/counts", "pointer": "/good"}},
                "reject_total": {"mqtt": {"topic": "plant/press1/counts",
                                          "pointer": "/scrap"}}}},
    {"id": "L1-PRESS2",
     "source": {"sparkplug": {"group": "plant", "node": "press", "device": "p2"}},
     "state": {"rules": [{"metric": "Fault", "is": True, "state": "down",
                          "reason": "electrical"}], "else": "running"}}]}


def equipment(eq_id):
    """A viewer predicate: an update of line/L1 that carries eq_id."""
    return lambda m: (m["t"] == "upd" and m["topic"] == "line/L1" and
                      m["data"].get("equipment", {}).get("id") == eq_id)


class FloorgwHub(fhtest.HubTest):
    plant_data = fhtest.load_plant()

    def setUp(self):
        super().setUp()
        self.broker = Broker(self.hub.tmp)
        token = fhtest.make_token(sub="gw1", role="gateway")
        self.floorgw = Floorgw(FLOORGW, self.hub.tmp, MAP, token, self.broker.port,
                               self.hub.url).start()
        self.edge = mqtt.Client(client_id="edge-%d" % os.getpid(), clean_session=True)
        self.edge.connect("127.0.0.1", self.broker.port)
        self.edge.loop_start()

    def tearDown(self):
        self.edge.loop_stop()
        self.edge.disconnect()
        self.floorgw.kill()
        self.broker.stop()
        super().tearDown()

    def spb(self, topic, **kw):
        self.edge.publish(topic, spb.payload(**kw)).wait_for_publish()

    def test_states_from_plain_and_sparkplug_reach_the_hub(self):
        async def state_of(view, eq_id):
            m = await view.next(timeout=5, pred=equipment(eq_id))
            e = m["data"]["equipment"]
            return e["state"], e["reason"] or e["machine_reason"]

        async def run():
            view = await self.client("viewer")
            await view.snapshot("line/L1")
            self.floorgw.log_has("hub online")
            self.floorgw.log_has("mqtt: connected")
            time.sleep(0.3)  # the subscriptions follow the CONNACK
            self.edge.publish("plant/press1/status", json.dumps({"state": 3}),
                              qos=1).wait_for_publish()
            self.assertEqual(await state_of(view, "L1-PRESS1"), ("down", "mechanical"))
            self.spb("spBv1.0/plant/NBIRTH/press", seq=0, metrics=[
                {"name": "bdSeq", "datatype": spb.INT64, "value": 7}])
            self.spb("spBv1.0/plant/DBIRTH/press/p2", seq=1, metrics=[
                {"name": "Fault", "alias": 1, "datatype": spb.BOOLEAN, "value": False}])
            self.assertEqual(await state_of(view, "L1-PRESS2"), ("running", None))
            self.spb("spBv1.0/plant/DDATA/press/p2", seq=2, metrics=[
                {"alias": 1, "datatype": spb.BOOLEAN, "value": True}])
            self.assertEqual(await state_of(view, "L1-PRESS2"), ("down", "electrical"))
            self.spb("spBv1.0/plant/NDEATH/press", metrics=[
                {"name": "bdSeq", "datatype": spb.INT64, "value": 7}])
            self.assertEqual(await state_of(view, "L1-PRESS2"), ("unknown", "no_signal"))
            async def counts_of(eq_id, good, scrap):
                self.edge.publish("plant/press1/counts", json.dumps({"good": good, "scrap": scrap}),
                                  qos=1).wait_for_publish()
                m = await view.next(timeout=5, pred=equipment(eq_id))
                return m["data"]["equipment"]["good"], m["data"]["equipment"]["reject"]
            self.assertEqual(await counts_of("L1-PRESS1", 105, 3), (0, 0))  # the base
            self.assertEqual(await counts_of("L1-PRESS1", 110, 4), (5, 1))
            events = [(e["type"], e["actor"], e["data"]["id"], e["data"]["state"])
                      for e in self.hub.events()]
            self.assertEqual(events, [("eq.state", "gw1", "L1-PRESS1", "down"),
                                      ("eq.state", "gw1", "L1-PRESS2", "running"),
                                      ("eq.state", "gw1", "L1-PRESS2", "down"),
                                      ("eq.state", "gw1", "L1-PRESS2", "unknown"),
                                      ("eq.total", "gw1", "L1-PRESS1", "down"),
                                      ("eq.total", "gw1", "L1-PRESS1", "down")])
        self.run_async(run())



class FloorgwWss(fhtest.HubTest):
    """A wss:// hub: floorgw trusts the CA of --ca-file, and without it
    the hub's certificate (of a private CA) is refused."""

    def setUp(self):
        self.certs = make_certs(tempfile.mkdtemp(prefix="floorgw-wss-"))
        self.hub_tls = (self.certs["server.crt"], self.certs["server.key"],
                        self.certs["ca.crt"])
        super().setUp()
        self.broker = Broker(self.hub.tmp)
        self.token = fhtest.make_token(sub="gw1", role="gateway")
        self.floorgw = None

    def tearDown(self):
        if self.floorgw:
            self.floorgw.kill()
        self.broker.stop()
        super().tearDown()

    def test_ca_file_for_a_wss_hub(self):
        self.assertTrue(self.hub.url.startswith("wss://"))
        self.floorgw = Floorgw(FLOORGW, self.hub.tmp, MAP, self.token, self.broker.port,
                               self.hub.url).start()
        self.floorgw.log_has("hub offline")       # the system's CAs do not know ours
        self.assertNotIn("hub online", self.floorgw.log())
        self.floorgw.kill()
        self.floorgw = Floorgw(FLOORGW, self.hub.tmp, MAP, self.token, self.broker.port,
                               self.hub.url, args=["--ca-file", self.certs["ca.crt"]]).start()
        self.floorgw.log_has("hub online")
        self.floorgw.log_has("mqtt: connected")
        time.sleep(0.3)
        edge = mqtt.Client(client_id="edge-wss-%d" % os.getpid(), clean_session=True)
        edge.connect("127.0.0.1", self.broker.port)
        edge.loop_start()
        edge.publish("plant/press1/status", json.dumps({"state": 3}), qos=1).wait_for_publish()
        edge.loop_stop()
        edge.disconnect()
        deadline = time.time() + 5
        while time.time() < deadline and not any(
                e["type"] == "eq.state" and e["actor"] == "gw1" for e in self.hub.events()):
            time.sleep(0.05)
        self.assertEqual([(e["type"], e["data"]["id"], e["data"]["state"])
                          for e in self.hub.events()], [("eq.state", "L1-PRESS1", "down")])


if __name__ == "__main__":
    import unittest
    unittest.main(verbosity=2)
