"""Requests through a world: drawn once, evaluated twice.

Every request is first *drawn*: the instance each call goes to, each service's exclusive
time, network time and random numbers for errors, all from the seed. It is then evaluated
with the faults on (what the telemetry shows) and with them off (the counterfactual); a call
whose outcome differs is degraded, which is the true blast radius."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple, Union

import numpy as np

from faultline.sim.faults import Fault
from faultline.sim.world import Pod, World

MS = 1_000_000
BASE_ERROR = 0.001  # a service's own error rate when healthy


@dataclass
class StoreDraw:
    index: int
    store: str
    operation: str
    latency_ms: float
    err_u: float
    consumer: Optional["CallDraw"] = None  # a queue's consumer of this message
    lag_ms: float = 0.0  # how long the message waits when the consumer keeps up


@dataclass
class CallDraw:
    index: int
    service: str
    operation: str
    pod: Pod
    self_ms: float
    net_ms: float
    err_u: float
    children: List[Union["CallDraw", StoreDraw]] = field(default_factory=list)


@dataclass
class Outcome:
    """One call in one regime."""

    duration_ns: int
    error: bool
    refused: bool = False  # never reached the instance
    pod: Optional[str] = None  # the instance that served (or refused) it


@dataclass
class Span:
    trace_id: str
    span_id: str
    parent_id: str
    pod: Optional[Pod]  # None: not exported (never happens for emitted spans)
    name: str
    kind: int  # OTLP SpanKind: 2 server, 3 client, 4 producer, 5 consumer
    start_ns: int
    end_ns: int
    error: bool
    attributes: Dict[str, Union[str, int]]


class Drawer:
    def __init__(self, world: World, rng: np.random.Generator):
        self.world = world
        self.rng = rng
        self.next_index = 0

    def _index(self) -> int:
        self.next_index += 1
        return self.next_index - 1

    def call(self, service: str, operation: str, depth: int = 0) -> CallDraw:
        w, rng = self.world, self.rng
        svc = w.topology.services[service]
        pods = w.pods[service]
        draw = CallDraw(self._index(), service, operation, pods[int(rng.integers(len(pods)))],
                        float(rng.lognormal(math.log(svc.self_ms), 0.35)),
                        float(rng.lognormal(math.log(0.3), 0.3)), float(rng.random()))
        if depth > 12:
            return draw
        for c in svc.operations[operation]:
            if c.probability < 1.0 and rng.random() >= c.probability:
                continue
            if c.target in w.topology.services:
                draw.children.append(self.call(c.target, c.operation, depth + 1))
            else:
                store = w.topology.datastores[c.target]
                sd = StoreDraw(self._index(), c.target, c.operation,
                               float(rng.lognormal(math.log(store.latency_ms), 0.3)),
                               float(rng.random()))
                if store.consumer:
                    sd.lag_ms = float(rng.lognormal(math.log(5.0), 0.5))
                    sd.consumer = self.call(store.consumer[0], store.consumer[1], depth + 1)
                draw.children.append(sd)
        return draw


class Evaluator:
    """Evaluates drawn requests under a list of faults (empty: the counterfactual)."""

    def __init__(self, world: World, faults: List[Fault], emit: bool, ids: np.random.Generator):
        self.world = world
        self.faults = faults
        self.emit = emit
        self.ids = ids
        self.spans: List[Span] = []
        self.outcomes: Dict[int, Outcome] = {}
        self.trace_id = ""
        # Exclusive (CPU) milliseconds per (pod name, 15 s step), for the pod metrics.
        self.busy: Dict[Tuple[str, int], float] = defaultdict(float)

    # --- fault lookups (at time t) ---------------------------------------------------------
    def _active(self, kind: str, target: str, t: int) -> Optional[Fault]:
        for f in self.faults:
            if f.kind == kind and f.target == target and f.active(t):
                return f
        return None

    def unreachable(self, pod: Pod, t: int) -> bool:
        return bool(self._active("pod_crash", pod.name, t) or
                    self._active("node_failure", pod.node.name, t) or
                    self._active("zone_outage", pod.node.zone, t))

    def routed(self, d: CallDraw, t: int) -> Optional[CallDraw]:
        """`d` as served at `t`: on its drawn pod, else (a load balancer or broker routing
        around a dead pod) on the first live pod of its service; None when none is live."""
        if not self.unreachable(d.pod, t):
            return d
        alive = [p for p in self.world.pods[d.service] if not self.unreachable(p, t)]
        if not alive:
            return None
        return CallDraw(d.index, d.service, d.operation, alive[0], d.self_ms, d.net_ms, d.err_u,
                        d.children)

    def _span_id(self) -> str:
        return "%016x" % int(self.ids.integers(1, 2**63))

    # --- evaluation -------------------------------------------------------------------------
    def request(self, draw: CallDraw, t: int) -> Outcome:
        """An entry request arriving at `t`: the load balancer skips unreachable pods."""
        high, low = int(self.ids.integers(1, 2**63)), int(self.ids.integers(1, 2**63))
        self.trace_id = "%032x" % (high << 64 | low)
        served = self.routed(draw, t)
        if served is None:
            out = Outcome(MS, True, refused=True)
            self.outcomes[draw.index] = out
            return out
        out, _ = self.server(served, t, "", entry=True)
        return out

    def server(self, d: CallDraw, t: int, parent: str, entry: bool = False,
               consumer_of: Optional[str] = None) -> Tuple[Outcome, bool]:
        """Returns the outcome and whether the caller receives a wrong value. `consumer_of`
        names the queue when this is a message's processing (a CONSUMER span)."""
        span_id = self._span_id() if self.emit else ""
        self_ms = d.self_ms
        f = self._active("cpu", d.service, t)
        if f:
            self_ms = self_ms * (1 + 4 * f.magnitude) + 20 * f.magnitude
        error = d.err_u < BASE_ERROR
        f = self._active("exception", d.service, t)
        if f and d.err_u < BASE_ERROR + 0.5 * f.magnitude:
            error = True
        cursor = t + int(self_ms * MS / 2)
        for child in d.children:
            if isinstance(child, StoreDraw):
                out = self.store_call(d, child, cursor, span_id)
            else:
                out, wrong = self.client_call(d, child, cursor, span_id)
                if wrong:
                    error = True  # this service fails on the wrong value it got
            error = error or out.error
            cursor += out.duration_ns
        end = cursor + int(self_ms * MS / 2)
        wrong_value = False
        f = self._active("wrong_return", d.service, t)
        if f and d.err_u < 0.6 * f.magnitude:
            wrong_value = True
        out = Outcome(end - t, error, pod=d.pod.name)
        self.outcomes[d.index] = out
        if self.emit:
            self.busy[(d.pod.name, t // (15 * 1_000_000_000))] += self_ms
        if self.emit:
            name = d.operation
            attrs: Dict[str, Union[str, int]]
            if consumer_of:
                store = self.world.topology.datastores[consumer_of]
                attrs = {"messaging.system": store.system,
                         "messaging.destination.name": consumer_of,
                         "messaging.operation.type": "process"}
                self.spans.append(Span(self.trace_id, span_id, parent, d.pod,
                                       f"process {consumer_of}", 5, t, end, error, attrs))
                return out, wrong_value
            if entry:
                attrs = {"http.request.method": name.split(" ")[0] if " " in name else "GET",
                         "http.route": name.split(" ", 1)[-1],
                         "http.response.status_code": 500 if error else 200}
            else:
                attrs = {"rpc.system": "grpc", "rpc.service": d.service,
                         "rpc.method": d.operation, "rpc.grpc.status_code": 2 if error else 0}
            self.spans.append(Span(self.trace_id, span_id, parent, d.pod, name, 2, t, end, error,
                                   attrs))
        return out, wrong_value

    def client_call(self, caller: CallDraw, d: CallDraw, t: int, parent: str) -> Tuple[Outcome, bool]:
        span_id = self._span_id() if self.emit else ""
        net = d.net_ms
        f = self._active("network_delay", d.pod.name, t)
        if f:
            net += 150 * f.magnitude
        if self.unreachable(d.pod, t):
            out = Outcome(MS, True, refused=True, pod=d.pod.name)
            self.outcomes[d.index] = out
            wrong = False
        else:
            server_out, wrong = self.server(d, t + int(net * MS / 2), span_id if self.emit else "")
            out = Outcome(server_out.duration_ns + int(net * MS), server_out.error)
        if self.emit:
            self.spans.append(Span(self.trace_id, span_id, parent, caller.pod, d.operation, 3,
                                   t, t + out.duration_ns, out.error,
                                   {"rpc.system": "grpc", "rpc.service": d.service,
                                    "rpc.method": d.operation,
                                    "server.address": f"{d.service}.{self.world.topology.namespace}"
                                                      ".svc.cluster.local",
                                    "server.port": 8080}))
        return out, wrong

    def store_call(self, caller: CallDraw, d: StoreDraw, t: int, parent: str) -> Outcome:
        w = self.world
        store = w.topology.datastores[d.store]
        placement = w.stores[d.store]
        latency = d.latency_ms
        for kind in ("db_slowdown", "iac_change"):
            f = self._active(kind, d.store, t)
            if f:
                latency = latency * (1 + 9 * f.magnitude) + 30 * f.magnitude
        wait = 0.0
        for f in self.faults:
            if (f.kind == "pool_exhaustion" and f.target == caller.service and
                    f.datastore == d.store and f.active(t)):
                wait = 80 * f.magnitude
        error = d.err_u < BASE_ERROR / 2
        if self._active("zone_outage", placement.zone, t):
            latency, error = 1.0, True
        out = Outcome(int((latency + wait) * MS), error)
        self.outcomes[d.index] = out
        producer_id = self._span_id() if self.emit else ""
        if d.consumer is not None and not error:
            lag = d.lag_ms
            f = self._active("queue_backlog", d.store, t)
            if f:
                # The backlog grows while the fault lasts: up to a minute behind.
                lag += min(60_000.0, 200.0 * f.magnitude * (t - f.start_ns) / 1e9)
            f = self._active("network_delay", d.consumer.pod.name, t)
            if f:
                lag += 150 * f.magnitude  # the consumer fetches over the slow network
            start = t + out.duration_ns + int(lag * MS)
            consumer = self.routed(d.consumer, start)
            if consumer is None:
                # Nobody consumes: the message waits past the window (counted as refused).
                self.outcomes[d.consumer.index] = Outcome(MS, True, refused=True,
                                                          pod=d.consumer.pod.name)
            else:
                consumed, _ = self.server(consumer, start, producer_id, consumer_of=d.store)
                # For the truth, a message is as late as it waited plus its processing.
                self.outcomes[d.consumer.index] = Outcome(
                    consumed.duration_ns + int(lag * MS), consumed.error, pod=consumer.pod.name)
        if self.emit:
            if store.kind == "queue":
                attrs = {"messaging.system": store.system, "messaging.destination.name": d.store,
                         "messaging.operation.type": "publish",
                         "server.address": placement.address}
                kind = 4
                name = f"publish {d.store}"
            else:
                attrs = {"db.system.name": store.system, "server.address": placement.address,
                         "server.port": placement.port, "db.operation.name": d.operation}
                if store.namespace:
                    attrs["db.namespace"] = store.namespace
                kind = 3
                name = f"{d.operation} {store.namespace}".strip()
            self.spans.append(Span(self.trace_id, producer_id, parent, caller.pod, name, kind,
                                   t, t + out.duration_ns, error, attrs))
        return out


def degraded(faulty: Outcome, normal: Outcome) -> bool:
    """A call is degraded when it failed only because of the faults, or took clearly longer."""
    if faulty.refused or (faulty.error and not normal.error):
        return True
    return faulty.duration_ns > normal.duration_ns * 1.2 + 2 * MS


def walk(draw: CallDraw):
    """Every call and store call of a request (messages' consumers too), in draw order."""
    yield draw
    for c in draw.children:
        if isinstance(c, CallDraw):
            yield from walk(c)
        else:
            yield c
            if c.consumer is not None:
                yield from walk(c.consumer)
