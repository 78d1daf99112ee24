"""gen_spb_seeds.py DIR -- writes the seed payloads of fuzz_spb into DIR.

Design: the seeds are what an edge node really sends (an NBIRTH with
names, aliases and every value type we read, a DDATA by alias, an NDEATH
with bdSeq, a null metric), encoded by Google's protobuf runtime through
spb_proto.py.  Run by hand when the seeds should change; the output is
committed in fuzz/corpus/spb so the fuzz test needs no Python.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spb_proto as spb  # noqa: E402

T = 1767225600000

SEEDS = {
    "nbirth": spb.payload(seq=0, timestamp=T, metrics=[
        {"name": "bdSeq", "datatype": spb.INT64, "value": 3},
        {"name": "Node Control/Rebirth", "datatype": spb.BOOLEAN, "value": False},
        {"name": "State", "alias": 1, "datatype": spb.INT32, "value": 1},
        {"name": "Good", "alias": 2, "datatype": spb.UINT64, "value": 105},
        {"name": "Scrap", "alias": 3, "datatype": spb.UINT32, "value": 2},
        {"name": "Temp", "alias": 4, "datatype": spb.FLOAT, "value": 61.5},
        {"name": "Speed", "alias": 5, "datatype": spb.DOUBLE, "value": 12.25},
        {"name": "Mode", "alias": 6, "datatype": spb.STRING, "value": "auto"}]),
    "ddata_alias": spb.payload(seq=7, timestamp=T + 1000, metrics=[
        {"alias": 2, "datatype": spb.UINT64, "value": 2147483647, "timestamp": T + 900},
        {"alias": 1, "datatype": spb.INT32, "value": -3}]),
    "ndeath": spb.payload(metrics=[{"name": "bdSeq", "datatype": spb.INT64, "value": 3}]),
    "null_metric": spb.payload(seq=255, metrics=[
        {"name": "Fault", "datatype": spb.BOOLEAN, "value": None}]),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
