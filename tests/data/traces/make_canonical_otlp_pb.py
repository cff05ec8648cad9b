#!/usr/bin/env python3
"""Writes canonical.otlp.pb: the canonical trace of README.md as one OTLP TracesData message.

The protobuf wire format is written by hand (field numbers from opentelemetry-proto's
trace.proto, common.proto and resource.proto), so nothing beyond the Python standard library
is needed and the output is byte-for-byte deterministic:

    python3 tests/data/traces/make_canonical_otlp_pb.py [OUTPUT]

One ResourceSpans per service (frontend, checkout, shipping), each with one ScopeSpans.
Besides the attributes the README lists, the file carries what real exporters send and the
parser must skip: scope name and version, schema URLs, trace state, flags, a span event and
a dropped-attributes count.
"""
import os
import struct
import sys

TRACE_ID = bytes.fromhex("5b8efff798038103d269b633813fc60c")
T0 = 1700000000000000000
MS = 1000000

SERVER, CLIENT, PRODUCER, CONSUMER = 2, 3, 4, 5
STATUS_ERROR = 2


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(field, wire_type):
    return varint(field << 3 | wire_type)


def field_varint(field, v):
    return tag(field, 0) + varint(v)


def field_fixed64(field, v):
    return tag(field, 1) + struct.pack("<Q", v)


def field_fixed32(field, v):
    return tag(field, 5) + struct.pack("<I", v)


def field_bytes(field, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return tag(field, 2) + varint(len(data)) + data


def any_value(v):
    if isinstance(v, bool):
        return field_varint(2, int(v))
    if isinstance(v, int):
        return field_varint(3, v & 0xFFFFFFFFFFFFFFFF)
    return field_bytes(1, v)


def key_value(key, value):
    return field_bytes(1, key) + field_bytes(2, any_value(value))


def attributes(field, attrs):
    return b"".join(field_bytes(field, key_value(k, v)) for k, v in attrs)


RESOURCES = {
    "frontend": [
        ("service.name", "frontend"),
        ("service.instance.id", "frontend-1"),
        ("k8s.pod.name", "frontend-7d9f8c6b5d-abcde"),
        ("k8s.namespace.name", "shop"),
        ("k8s.node.name", "node-1"),
        ("cloud.availability_zone", "eu-west-1a"),
        ("cloud.region", "eu-west-1"),
        ("deployment.environment.name", "prod"),
        ("telemetry.sdk.language", "go"),
    ],
    "checkout": [
        ("service.name", "checkout"),
        ("service.instance.id", "checkout-1"),
        ("k8s.pod.name", "checkout-5c7b9d8f6-xyz12"),
        ("k8s.namespace.name", "shop"),
        ("k8s.node.name", "node-2"),
        ("cloud.availability_zone", "eu-west-1b"),
        ("cloud.region", "eu-west-1"),
        ("deployment.environment.name", "prod"),
        ("telemetry.sdk.language", "java"),
    ],
    "shipping": [
        ("service.name", "shipping"),
        ("service.instance.id", "shipping-1"),
        ("k8s.pod.name", "shipping-6b8c7d9e5f-qrs34"),
        ("k8s.namespace.name", "shop"),
        ("k8s.node.name", "node-2"),
        ("cloud.availability_zone", "eu-west-1b"),
        ("cloud.region", "eu-west-1"),
        ("deployment.environment.name", "prod"),
        ("telemetry.sdk.language", "python"),
    ],
}

# (span id, parent id, service, name, kind, start ms, end ms, status code, attributes)
SPANS = [
    ("00f067aa0ba902b1", None, "frontend", "GET /checkout", SERVER, 0, 50, 0,
     [("http.request.method", "GET"), ("http.route", "/checkout"),
      ("http.response.status_code", 500)]),
    ("00f067aa0ba902b2", "00f067aa0ba902b1", "frontend", "PlaceOrder", CLIENT, 1, 45, 0,
     [("rpc.system", "grpc"), ("rpc.service", "oteldemo.CheckoutService"),
      ("rpc.grpc.status_code", 13), ("service.peer.name", "checkout")]),
    ("00f067aa0ba902b3", "00f067aa0ba902b2", "checkout", "PlaceOrder", SERVER, 2, 44,
     STATUS_ERROR, [("rpc.system", "grpc"), ("rpc.service", "oteldemo.CheckoutService")]),
    ("00f067aa0ba902b4", "00f067aa0ba902b3", "checkout", "SELECT orders", CLIENT, 3, 40,
     STATUS_ERROR,
     [("db.system.name", "postgresql"), ("db.namespace", "orders"),
      ("db.operation.name", "SELECT"), ("server.address", "orders-db.internal"),
      ("server.port", 5432)]),
    ("00f067aa0ba902b5", "00f067aa0ba902b3", "checkout", "publish orders", PRODUCER, 41, 42,
     0, [("messaging.system", "kafka"), ("messaging.destination.name", "orders"),
         ("messaging.operation.type", "publish")]),
    ("00f067aa0ba902b6", "00f067aa0ba902b5", "shipping", "process orders", CONSUMER, 60, 70,
     0, [("messaging.system", "kafka"), ("messaging.destination.name", "orders"),
         ("messaging.operation.type", "process")]),
    ("00f067aa0ba902b7", "00f067aa0ba902b6", "shipping", "POST /quote", CLIENT, 61, 66, 0,
     [("http.request.method", "POST"), ("service.peer.name", "quotes-api"),
      ("http.response.status_code", 200)]),
]


def span(span_id, parent, name, kind, start_ms, end_ms, status_code, attrs):
    out = field_bytes(1, TRACE_ID) + field_bytes(2, bytes.fromhex(span_id))
    out += field_bytes(3, "")  # trace_state (empty)
    if parent:
        out += field_bytes(4, bytes.fromhex(parent))
    out += field_bytes(5, name) + field_varint(6, kind)
    out += field_fixed64(7, T0 + start_ms * MS) + field_fixed64(8, T0 + end_ms * MS)
    out += attributes(9, attrs)
    if status_code == STATUS_ERROR:
        # events = 11: Event { time_unix_nano = 1 (fixed64), name = 2, attributes = 3 }
        event = field_fixed64(1, T0 + (end_ms - 1) * MS) + field_bytes(2, "exception")
        event += attributes(3, [("exception.type", "OrderError")])
        out += field_bytes(11, event)
        out += field_bytes(15, field_bytes(2, "order failed") + field_varint(3, status_code))
    out += field_fixed32(16, 0x100)  # flags: parent is-remote known, local
    return out


def resource_spans(service):
    resource = attributes(1, RESOURCES[service]) + field_varint(2, 0)
    scope = field_bytes(1, "faultline.canonical") + field_bytes(2, "1.0.0")
    scope_spans = field_bytes(1, scope)
    for s in SPANS:
        if s[2] == service:
            scope_spans += field_bytes(2, span(s[0], s[1], *s[3:]))
    scope_spans += field_bytes(3, "https://opentelemetry.io/schemas/1.26.0")
    return (field_bytes(1, resource) + field_bytes(2, scope_spans) +
            field_bytes(3, "https://opentelemetry.io/schemas/1.26.0"))


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "canonical.otlp.pb")
    data = b"".join(field_bytes(1, resource_spans(s))
                    for s in ("frontend", "checkout", "shipping"))
    with open(out_path, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
