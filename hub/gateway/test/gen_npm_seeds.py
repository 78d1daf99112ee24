"""gen_npm_seeds.py DIR -- writes payloads of the npm sparkplug-client edge
node (test/npm/edge.js) into DIR as more seeds of fuzz_spb.

Design: gen_spb_seeds.py's seeds come from Google's encoder driven by us;
these are what a third-party edge node puts on the wire (protobufjs, its
own field order, a bdSeq it appends, its Will).  A broker on a free port,
mosquitto_sub -C 5 catching NBIRTH, DBIRTH, a DDATA by alias, and the Will
NDEATH after kill -9.  Run by hand (after scripts/web-deps); the output is
committed in fuzz/corpus/spb as npm_*.
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gwtest import Broker  # noqa: E402
from test_floorgw_npm import NpmEdge, m  # noqa: E402

NAMES = {"NBIRTH": "npm_nbirth", "DBIRTH": "npm_dbirth", "DDATA": "npm_ddata_alias",
         "NDEATH": "npm_ndeath"}


def main():
    out = sys.argv[1]
    broker = Broker(tempfile.mkdtemp(prefix="npm-seeds-"))
    sub = subprocess.Popen(["mosquitto_sub", "-p", str(broker.port), "-h", "127.0.0.1",
                            "-C", "4", "-W", "20", "-t", "spBv1.0/#", "-F", "%t %x"],
                           stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)
    edge = NpmEdge(broker.port)
    edge.expect("connected")
    edge.do("nbirth", metrics=[m("Node Control/Rebirth", value=False)])
    edge.do("dbirth", device="d", metrics=[
        m("Fault", 1, value=False), m("Good", 2, "UInt64", 2147483647),
        m("Scrap", 3, "UInt32", 4), m("Temp", 4, "Float", 61.5),
        m("Mode", 5, "String", "auto"), m("State", 6, "Int32", -3)])
    edge.do("ddata", device="d", metrics=[m(None, 2, "UInt64", 531), m(None, 1, value=True)])
    time.sleep(0.3)
    edge.kill()
    lines, _ = sub.communicate(timeout=30)
    broker.stop()
    os.makedirs(out, exist_ok=True)
    for line in lines.splitlines():
        topic, hexdata = line.split(" ")
        with open(os.path.join(out, NAMES[topic.split("/")[2]]), "wb") as f:
            f.write(bytes.fromhex(hexdata))


if __name__ == "__main__":
    main()
