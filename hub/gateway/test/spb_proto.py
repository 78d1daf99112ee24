"""spb_proto.py -- Sparkplug B payloads encoded with Debian's python3-protobuf.

Design: the tests need an encoder that does not share the mistakes of our
C reader, so this one is Google's protobuf runtime over a descriptor built
here from the field numbers of the Sparkplug B 3.0 sparkplug_b.proto
(Payload and Metric, the parts floorgw reads plus a few it must skip).  No
protoc step: the descriptor is data.  Used by gen_spb_seeds.py (the fuzz
seeds) and by the end-to-end test's edge node.
"""
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto

# Sparkplug B data types (spec 3.0, 6.4.16).
INT32, INT64, UINT32, UINT64, FLOAT, DOUBLE, BOOLEAN, STRING = 3, 4, 7, 8, 9, 10, 11, 12


def _field(msg, name, number, ftype, label=F.LABEL_OPTIONAL, type_name=None,
           oneof=None):
    f = msg.field.add(name=name, number=number, type=ftype, label=label)
    if type_name:
        f.type_name = type_name
    if oneof is not None:
        f.oneof_index = oneof


def _build():
    fd = descriptor_pb2.FileDescriptorProto(name="floorgw_spb_test.proto",
                                            package="spbtest", syntax="proto2")
    metric = fd.message_type.add(name="Metric")
    metric.oneof_decl.add(name="value")
    for name, num, ftype in [("name", 1, F.TYPE_STRING), ("alias", 2, F.TYPE_UINT64),
                             ("timestamp", 3, F.TYPE_UINT64), ("datatype", 4, F.TYPE_UINT32),
                             ("is_historical", 5, F.TYPE_BOOL),
                             ("is_transient", 6, F.TYPE_BOOL), ("is_null", 7, F.TYPE_BOOL)]:
        _field(metric, name, num, ftype)
    for name, num, ftype in [("int_value", 10, F.TYPE_UINT32), ("long_value", 11, F.TYPE_UINT64),
                             ("float_value", 12, F.TYPE_FLOAT),
                             ("double_value", 13, F.TYPE_DOUBLE),
                             ("boolean_value", 14, F.TYPE_BOOL),
                             ("string_value", 15, F.TYPE_STRING),
                             ("bytes_value", 16, F.TYPE_BYTES)]:
        _field(metric, name, num, ftype, oneof=0)
    payload = fd.message_type.add(name="Payload")
    _field(payload, "timestamp", 1, F.TYPE_UINT64)
    _field(payload, "metrics", 2, F.TYPE_MESSAGE, F.LABEL_REPEATED, ".spbtest.Metric")
    _field(payload, "seq", 3, F.TYPE_UINT64)
    _field(payload, "uuid", 4, F.TYPE_STRING)
    _field(payload, "body", 5, F.TYPE_BYTES)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fd)
    return message_factory.MessageFactory(pool).GetPrototype(
        pool.FindMessageTypeByName("spbtest.Payload"))


Payload = _build()

_VALUE_FIELD = {INT32: "int_value", UINT32: "int_value", INT64: "long_value",
                UINT64: "long_value", FLOAT: "float_value", DOUBLE: "double_value",
                BOOLEAN: "boolean_value", STRING: "string_value"}


def payload(seq=None, timestamp=None, metrics=()):
    """Encodes a Payload.  metrics: dicts with name?, alias?, datatype,
    value (None: is_null) and timestamp?; an Int32 value may be negative."""
    p = Payload()
    if seq is not None:
        p.seq = seq
    if timestamp is not None:
        p.timestamp = timestamp
    for m in metrics:
        pm = p.metrics.add()
        for k in ("name", "alias", "timestamp"):
            if k in m:
                setattr(pm, k, m[k])
        dt = m["datatype"]
        pm.datatype = dt
        v = m.get("value")
        if v is None:
            pm.is_null = True
        elif dt == INT32:
            pm.int_value = v & 0xFFFFFFFF
        else:
            setattr(pm, _VALUE_FIELD[dt], v)
    return p.SerializeToString()
