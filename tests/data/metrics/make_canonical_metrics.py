#!/usr/bin/env python3
"""Writes the canonical metric fixtures: one signal in every metric format.

    python3 tests/data/metrics/make_canonical_metrics.py [OUTPUT_DIR]

Pod cart-7d4b9c8f5-abcde (entity instance:cart/cart-7d4b9c8f5-abcde), 12 samples 5 s apart
from T0 = 1700000000 s:
- container_memory_working_set_bytes (gauge): 100000000 + 250000 i + 12345 (i mod 3);
- container_cpu_usage_seconds_total (counter): cumulative seconds, +0.25 or +0.5 a sample,
  reset to 0.125 at i = 7 (a restart).
Files: canonical.query_range.json, canonical.long.csv (ms timestamps, label-set cells),
canonical.wide.csv (RFC 3339 times, read with a mapping), canonical.otlp.jsonl (gauge and a
monotonic cumulative sum), canonical.otlp.pb (the same, length-prefixed protobuf records).
Only the Python standard library is used; output is deterministic.
"""
import json
import os
import struct
import sys
import time

POD = "cart-7d4b9c8f5-abcde"
T0 = 1700000000
STEP = 5
N = 12
MEM = "container_memory_working_set_bytes"
CPU = "container_cpu_usage_seconds_total"


def samples():
    mem, cpu = [], []
    total = 0.0
    for i in range(N):
        t = T0 + STEP * i
        mem.append((t, 100000000 + 250000 * i + 12345 * (i % 3)))
        if i == 7:
            total = 0.125
        elif i > 0:
            total += 0.25 * (1 + i % 2)
        cpu.append((t, total))
    return mem, cpu


def num(v):
    return repr(float(v)) if isinstance(v, float) else str(v)


def query_range(mem, cpu):
    result = []
    for name, series in ((MEM, mem), (CPU, cpu)):
        result.append({"metric": {"__name__": name, "pod": POD},
                       "values": [[t, num(v)] for t, v in series]})
    return json.dumps({"status": "success",
                       "data": {"resultType": "matrix", "result": result}}, indent=1) + "\n"


def long_csv(mem, cpu):
    lines = ["timestamp,entity,metric,value"]
    for i in range(N):
        for name, series in ((MEM, mem), (CPU, cpu)):
            t, v = series[i]
            lines.append('%d,"{pod=""%s""}",%s,%s' % (t * 1000, POD, name, num(v)))
    return "\n".join(lines) + "\n"


def wide_csv(mem, cpu):
    lines = ["time,pod,%s,%s" % (MEM, CPU)]
    for i in range(N):
        t = mem[i][0]
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        lines.append("%s,%s,%s,%s" % (stamp, POD, num(mem[i][1]), num(cpu[i][1])))
    return "\n".join(lines) + "\n"


def otlp_json_lines(mem, cpu):
    out = []
    resource = {"attributes": [{"key": "k8s.pod.name", "value": {"stringValue": POD}}]}
    for i in range(N):
        t_ns = str(mem[i][0] * 10**9)
        metrics = [
            {"name": MEM, "unit": "By",
             "gauge": {"dataPoints": [{"timeUnixNano": t_ns, "asInt": str(mem[i][1])}]}},
            {"name": CPU, "unit": "s",
             "sum": {"dataPoints": [{"startTimeUnixNano": str(T0 * 10**9 - 10**9),
                                     "timeUnixNano": t_ns, "asDouble": cpu[i][1]}],
                     "aggregationTemporality": 2, "isMonotonic": True}},
        ]
        out.append(json.dumps({"resourceMetrics": [
            {"resource": resource, "scopeMetrics": [{"scope": {"name": "kubeletstats"},
                                                     "metrics": metrics}]}]},
            separators=(",", ":")))
    return "\n".join(out) + "\n"


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


def field(number, wire_type, payload):
    key = varint(number << 3 | wire_type)
    if wire_type == 2:
        return key + varint(len(payload)) + payload
    return key + payload


def string_kv(key, value):
    any_value = field(1, 2, value.encode())
    return field(1, 2, key.encode()) + field(2, 2, any_value)


def otlp_pb(mem, cpu):
    records = []
    resource = field(1, 2, string_kv("k8s.pod.name", POD))
    for i in range(N):
        t_ns = mem[i][0] * 10**9
        gauge_point = field(3, 1, struct.pack("<Q", t_ns)) + field(6, 1, struct.pack("<q", mem[i][1]))
        gauge = field(1, 2, gauge_point)
        mem_metric = field(1, 2, MEM.encode()) + field(3, 2, b"By") + field(5, 2, gauge)
        sum_point = (field(2, 1, struct.pack("<Q", T0 * 10**9 - 10**9)) +
                     field(3, 1, struct.pack("<Q", t_ns)) +
                     field(4, 1, struct.pack("<d", cpu[i][1])))
        # Points before temporality and monotonicity, as the protobuf field order has it.
        sum_msg = field(1, 2, sum_point) + field(2, 0, varint(2)) + field(3, 0, varint(1))
        cpu_metric = field(1, 2, CPU.encode()) + field(3, 2, b"s") + field(7, 2, sum_msg)
        scope = field(1, 2, field(1, 2, b"kubeletstats")) + field(2, 2, mem_metric) + \
            field(2, 2, cpu_metric)
        resource_metrics = field(1, 2, resource) + field(2, 2, scope)
        message = field(1, 2, resource_metrics)
        records.append(struct.pack(">I", len(message)) + message)
    return b"".join(records)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    mem, cpu = samples()
    files = {
        "canonical.query_range.json": query_range(mem, cpu),
        "canonical.long.csv": long_csv(mem, cpu),
        "canonical.wide.csv": wide_csv(mem, cpu),
        "canonical.otlp.jsonl": otlp_json_lines(mem, cpu),
    }
    for name, text in files.items():
        with open(os.path.join(out_dir, name), "w", newline="\n") as f:
            f.write(text)
    with open(os.path.join(out_dir, "canonical.otlp.pb"), "wb") as f:
        f.write(otlp_pb(mem, cpu))


if __name__ == "__main__":
    main()
