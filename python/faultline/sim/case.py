"""One simulated incident: telemetry and infrastructure files plus the ground truth.

``generate_case(topology, fault_kind, seed, out_dir)`` writes into `out_dir`:

- ``traces.otlp.jsonl``: OTLP/JSON traces of a healthy baseline and the fault window;
- ``network.tfstate``, ``data.tfstate``, ``apps.tfstate`` (and ``data.changed.tfstate``,
  a later serial, for IaC-change faults): Terraform raw v4 state of the three stacks;
- ``alerts.json``: the Alertmanager webhook the incident would send (SLO alerts on the
  degraded entry points, plus a noisy alert when asked for);
- ``metrics.json``: pod and node metrics as a Prometheus ``query_range`` matrix (CPU from
  the simulated work, memory, container restarts), 15 s steps;
- ``case.json``: the manifest: inputs, windows, the fault, and the truth: the root cause
  entity with its acceptable equivalents, and the blast radius (the services, instances,
  datastores and entry points whose requests degraded, by the counterfactual).

Everything is a function of the arguments: the same seed gives the same bytes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union

import numpy as np

from faultline.sim import export
from faultline.sim.faults import FAULT_KINDS, Fault, Nuisance
from faultline.sim.topology import Topology, by_name
from faultline.sim.traffic import Drawer, Evaluator, StoreDraw, degraded, walk
from faultline.sim.world import World, place

SECOND = 1_000_000_000
T0 = 1_760_000_000 * SECOND  # a fixed epoch: cases do not depend on the wall clock

# A call counts towards an entity's blast radius when at least this share of the entity's
# calls in the fault window degraded, and at least this many did.
BLAST_SHARE = 0.05
BLAST_MIN_CALLS = 3


@dataclass
class CaseOptions:
    baseline_s: int = 300
    incident_s: int = 300
    rate_per_s: float = 4.0
    magnitude: float = 1.0
    nuisance: Optional[Nuisance] = None
    # More faults at the same time (kinds; targets drawn from the seed): a case with several
    # root causes. The truth lists each (root_causes); the first is root_cause.
    concurrent: List[str] = field(default_factory=list)


def _reachable(t: Topology) -> set:
    """Services and datastores some entry operation reaches (a fault elsewhere hurts no one)."""
    seen, todo = set(), [(s, op) for s, op, _ in t.entries]
    done = set()
    while todo:
        s, op = todo.pop()
        if (s, op) in done:
            continue
        done.add((s, op))
        seen.add(s)
        for c in t.services[s].operations[op]:
            if c.target in t.services:
                todo.append((c.target, c.operation))
            else:
                seen.add(c.target)
                consumer = t.datastores[c.target].consumer
                if consumer:
                    todo.append(consumer)
    return seen


def _pick_target(world: World, kind: str, rng: np.random.Generator) -> Tuple[str, Optional[str]]:
    t = world.topology
    target_type = FAULT_KINDS[kind]
    reachable = _reachable(t)
    services = sorted(s for s in t.services if s in reachable)
    # At an entry service a pod fault is absorbed by the load balancer (it routes around a
    # crashed pod; users' network paths are not the cluster's), and a wrong value reaches
    # no caller inside the system: those faults go to services behind the entry.
    entry_services = {s for s, _, _ in t.entries}
    if target_type == "pod" or kind == "wrong_return":
        behind = [s for s in services if s not in entry_services]
        services = behind or services
    if kind == "pool_exhaustion":
        pairs = sorted({(s.name, c.target) for s in t.services.values() if s.name in reachable
                        for calls in s.operations.values() for c in calls
                        if c.target in t.datastores and t.datastores[c.target].kind != "queue"})
        s, d = pairs[int(rng.integers(len(pairs)))]
        return s, d
    if target_type == "service":
        return services[int(rng.integers(len(services)))], None
    if target_type == "pod":
        pods = sorted(p.name for s in services for p in world.pods[s])
        return pods[int(rng.integers(len(pods)))], None
    if target_type == "node":
        used = sorted({p.node.name for pods in world.pods.values() for p in pods})
        return used[int(rng.integers(len(used)))], None
    if target_type == "zone":
        return world.zones[int(rng.integers(len(world.zones)))], None
    if target_type == "queue":
        queues = sorted(n for n, d in t.datastores.items()
                        if d.kind == "queue" and d.consumer and n in reachable)
        if not queues:
            raise ValueError(f"{t.name} has no queue with a consumer for a {kind} fault")
        return queues[int(rng.integers(len(queues)))], None
    stores = sorted(n for n, d in t.datastores.items() if n in reachable and
                    d.kind != "queue" and (kind != "iac_change" or d.kind == "database"))
    if not stores:
        raise ValueError(f"{t.name} has no datastore for a {kind} fault")
    return stores[int(rng.integers(len(stores)))], None


def _truth(world: World, fault: Fault) -> Tuple[str, List[str]]:
    """The root-cause entity id and its acceptable equivalents."""
    t = world.topology
    kind, target = fault.kind, fault.target
    if FAULT_KINDS[kind] == "service":
        return f"service:{target}", [f"tf:apps:kubernetes_deployment.{target}"] + [
            f"instance:{target}/{p.name}" for p in world.pods[target]]
    if FAULT_KINDS[kind] == "pod":
        pod = next(p for ps in world.pods.values() for p in ps if p.name == target)
        return f"instance:{pod.service}/{pod.name}", [f"service:{pod.service}"]
    if kind == "node_failure":
        index = next(i for i, n in enumerate(world.nodes) if n.name == target)
        return f"node:{target}", [f"tf:apps:module.eks.aws_instance.node[{index}]"]
    if kind == "zone_outage":
        return f"zone:{target}", []
    if kind == "queue_backlog":
        consumer = t.datastores[target].consumer[0]
        return f"service:{consumer}", [world.store_entity(target),
                                       f"tf:apps:kubernetes_deployment.{consumer}"]
    store = t.datastores[target]
    tf_type = "aws_elasticache_replication_group" if store.kind == "cache" else "aws_db_instance"
    resource = f"tf:data:{tf_type}.{target}"
    if kind == "iac_change":
        return resource, [world.store_entity(target)]
    return world.store_entity(target), [resource]


def generate_case(topology: Union[str, Topology], fault_kind: str, seed: int, out_dir,
                  options: CaseOptions = None, topology_seed: int = 1,
                  target: Optional[str] = None) -> Dict:
    """Writes a case into `out_dir` and returns its manifest. `topology` is a name
    (topology.by_name) or a Topology; `target` overrides the seeded choice of what fails."""
    if fault_kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault {fault_kind!r}: one of {sorted(FAULT_KINDS)}")
    options = options or CaseOptions()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    topo: Topology = topology if isinstance(topology, Topology) else by_name(topology, topology_seed)
    topology = topo.name
    world = place(topo, topology_seed)
    rng = np.random.default_rng([seed, 1])
    target_picked, datastore = _pick_target(world, fault_kind, rng)
    target = target or target_picked
    fault_start = T0 + options.baseline_s * SECOND
    fault_end = fault_start + options.incident_s * SECOND
    fault = Fault(fault_kind, target, fault_start, fault_end, options.magnitude, datastore)
    faults = [fault]
    for extra in options.concurrent:
        if extra not in FAULT_KINDS:
            raise ValueError(f"unknown fault {extra!r}")
        for _ in range(20):  # a different target than the faults so far
            t_extra, d_extra = _pick_target(world, extra, rng)
            if all(f.target != t_extra for f in faults):
                break
        faults.append(Fault(extra, t_extra, fault_start, fault_end, options.magnitude, d_extra))
    nuisance = options.nuisance or Nuisance()
    if nuisance.uninstrumented_service:
        # A root cause with no spans at all is not an uninstrumented *dependency*: keep the
        # faulty services instrumented.
        faulty_services = {f.target for f in faults} | {
            p.service for ps in world.pods.values() for p in ps
            if any(f.target == p.name for f in faults)}
        if nuisance.uninstrumented_service in faulty_services:
            nuisance = Nuisance(nuisance.drop_spans, nuisance.clock_skew_service,
                                nuisance.clock_skew_ms, None, nuisance.noisy_alert_service)

    drawer = Drawer(world, np.random.default_rng([seed, 2]))
    faulty = Evaluator(world, faults, emit=True, ids=np.random.default_rng([seed, 3]))
    normal = Evaluator(world, [], emit=False, ids=np.random.default_rng([seed, 4]))
    arrivals = np.random.default_rng([seed, 5])
    weights = np.array([w for _, _, w in topo.entries], dtype=float)
    weights /= weights.sum()

    calls: Dict[str, List[int]] = defaultdict(lambda: [0, 0])  # entity -> [calls, degraded]
    t = T0
    end = fault_end
    while True:
        t += int(arrivals.exponential(1.0 / options.rate_per_s) * SECOND)
        if t >= end:
            break
        service, operation, _ = topo.entries[int(arrivals.choice(len(weights), p=weights))]
        draw = drawer.call(service, operation)
        faulty.outcomes.clear()
        normal.outcomes.clear()
        faulty.request(draw, t)
        normal.request(draw, t)
        if not any(f.active(t) for f in faults):
            continue
        for d in walk(draw):
            if d.index not in faulty.outcomes or d.index not in normal.outcomes:
                continue  # not reached in one of the regimes (a caller failed first)
            bad = degraded(faulty.outcomes[d.index], normal.outcomes[d.index])
            if isinstance(d, StoreDraw):
                keys = [world.store_entity(d.store)]
            else:
                pod = faulty.outcomes[d.index].pod or d.pod.name  # rerouted: who served it
                keys = [f"service:{d.service}", f"instance:{d.service}/{pod}"]
                if d is draw:
                    keys.append(f"entry_point:{d.service}/{d.operation}")
            for k in keys:
                calls[k][0] += 1
                calls[k][1] += bad

    spans = faulty.spans
    # Nuisances: what real telemetry pipelines do to spans.
    noise = np.random.default_rng([seed, 6])
    if nuisance.uninstrumented_service:
        spans = [s for s in spans if s.pod.service != nuisance.uninstrumented_service]
    if nuisance.drop_spans:
        keep = noise.random(len(spans)) >= nuisance.drop_spans
        spans = [s for s, k in zip(spans, keep) if k]
    if nuisance.clock_skew_service:
        shift = int(nuisance.clock_skew_ms * 1_000_000)
        for s in spans:
            if s.pod.service == nuisance.clock_skew_service:
                s.start_ns += shift
                s.end_ns += shift
    spans.sort(key=lambda s: (s.start_ns, s.span_id))
    n_spans = export.write_otlp_json(world, spans, out / "traces.otlp.jsonl")

    states = export.terraform_states(world)
    inputs_states = []
    for stack in ("network", "data", "apps"):
        (out / f"{stack}.tfstate").write_text(json.dumps(states[stack], indent=1))
        inputs_states.append({"path": f"{stack}.tfstate", "stack": stack,
                              "backend": export.backend(stack), "seen_at_ns": T0})
    iac_changes = {f.target: "db.t3.micro" for f in faults if f.kind == "iac_change"}
    if iac_changes:
        changed = export.terraform_states(world, iac_changes)["data"]
        (out / "data.changed.tfstate").write_text(json.dumps(changed, indent=1))
        inputs_states.append({"path": "data.changed.tfstate", "stack": "data",
                              "backend": export.backend("data"),
                              "seen_at_ns": fault_start - 120 * SECOND})

    blast = sorted(k for k, (n, bad) in calls.items()
                   if bad >= BLAST_MIN_CALLS and bad >= BLAST_SHARE * n)
    alerts = [{"name": "EntryPointSLOBurn", "service": k.split(":", 1)[1].split("/", 1)[0],
               "severity": "page", "namespace": topo.namespace,
               "starts_ns": fault_start + 60 * SECOND,
               "summary": f"{k.split(':', 1)[1]}: error or latency SLO burning"}
              for k in blast if k.startswith("entry_point:")]
    if nuisance.noisy_alert_service:
        alerts.append({"name": "HighMemoryUsage", "service": nuisance.noisy_alert_service,
                       "severity": "warning", "namespace": topo.namespace,
                       "starts_ns": fault_start - 30 * SECOND,
                       "summary": "memory above 80 % (a known, harmless pattern)"})
    (out / "alerts.json").write_text(json.dumps(export.alertmanager_payload(alerts), indent=1))
    (out / "metrics.json").write_text(json.dumps(export.prometheus_matrix(
        world, faulty.busy, faults, T0, fault_end, np.random.default_rng([seed, 7])),
        separators=(",", ":")))

    root, equivalents = _truth(world, fault)
    roots = [dict(zip(("root_cause", "equivalents"), _truth(world, f))) for f in faults]
    manifest = {
        "name": f"{topology}/{fault_kind}/{seed}",
        "topology": topology,
        "seed": seed,
        "fault": {"kind": fault_kind, "target": target, "datastore": datastore,
                  "start_ns": fault_start, "end_ns": fault_end, "magnitude": options.magnitude},
        "concurrent": [{"kind": f.kind, "target": f.target, "datastore": f.datastore}
                       for f in faults[1:]],
        "nuisance": nuisance.names(),
        "window": {"start_ns": fault_start, "end_ns": fault_end},
        "baseline": {"start_ns": T0, "end_ns": fault_start},
        "inputs": {"traces": ["traces.otlp.jsonl"], "states": inputs_states,
                   "alerts": "alerts.json", "metrics": "metrics.json"},
        "truth": {"root_cause": root, "equivalents": equivalents, "root_causes": roots,
                  "blast_radius": blast,
                  "entry_points": [k for k in blast if k.startswith("entry_point:")]},
        "stats": {"spans": n_spans, "degraded_calls": int(sum(b for _, b in calls.values()))},
    }
    (out / "case.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest
