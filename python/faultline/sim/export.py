"""Writers for what the simulator produces: OTLP/JSON traces (JSON Lines, one TracesData
per line, spans grouped by resource as SDK exporters batch them), Terraform raw v4 state in
three stacks (network, data, apps) and an Alertmanager webhook payload."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import datetime, timezone
from typing import Dict, Iterable, List, Optional

from faultline.sim.traffic import Span
from faultline.sim.world import Pod, World

AWS = 'provider["registry.terraform.io/hashicorp/aws"]'
K8S = 'provider["registry.terraform.io/hashicorp/kubernetes"]'


def _value(v):
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    return {"stringValue": str(v)}


def _kv(attrs: Dict) -> List[Dict]:
    return [{"key": k, "value": _value(v)} for k, v in attrs.items()]


def resource_attributes(world: World, pod: Pod) -> Dict[str, str]:
    return {
        "service.name": pod.service,
        "service.instance.id": pod.name,
        "service.namespace": world.topology.namespace,
        "deployment.environment.name": "prod",
        "k8s.cluster.name": world.cluster,
        "k8s.namespace.name": world.topology.namespace,
        "k8s.deployment.name": pod.service,
        "k8s.pod.name": pod.name,
        "k8s.node.name": pod.node.name,
        "host.id": pod.node.host_id,
        "cloud.provider": "aws",
        "cloud.region": world.region,
        "cloud.availability_zone": pod.node.zone,
    }


def write_otlp_json(world: World, spans: Iterable[Span], path, batch: int = 512) -> int:
    """Writes spans as OTLP/JSON Lines; returns the number written."""
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        pending: List[Span] = []

        def flush():
            by_pod: Dict[str, List[Span]] = defaultdict(list)
            pods: Dict[str, Pod] = {}
            for s in pending:
                by_pod[s.pod.name].append(s)
                pods[s.pod.name] = s.pod
            resource_spans = []
            for name, spans_of in by_pod.items():
                resource_spans.append({
                    "resource": {"attributes": _kv(resource_attributes(world, pods[name]))},
                    "scopeSpans": [{"scope": {"name": "faultline.sim"}, "spans": [
                        {"traceId": s.trace_id, "spanId": s.span_id,
                         "parentSpanId": s.parent_id, "name": s.name, "kind": s.kind,
                         "startTimeUnixNano": str(s.start_ns),
                         "endTimeUnixNano": str(s.end_ns),
                         "attributes": _kv(s.attributes),
                         "status": {"code": 2} if s.error else {}}
                        for s in spans_of]}],
                })
            out.write(json.dumps({"resourceSpans": resource_spans}, separators=(",", ":")))
            out.write("\n")
            pending.clear()

        for s in spans:
            pending.append(s)
            n += 1
            if len(pending) >= batch:
                flush()
        if pending:
            flush()
    return n


# --- Terraform --------------------------------------------------------------------------------

def _resource(type_, name, instances, provider=AWS, mode="managed", module=None, deps=None):
    out = {"mode": mode, "type": type_, "name": name, "provider": provider,
           "instances": [{"schema_version": 0, "attributes": attrs, "sensitive_attributes": [],
                          "dependencies": list(deps or []), **({"index_key": key}
                                                                if key is not None else {})}
                         for key, attrs in instances]}
    if module:
        out["module"] = module
    return out


def _state(resources, serial: int, lineage: str) -> Dict:
    return {"version": 4, "terraform_version": "1.9.5", "serial": serial, "lineage": lineage,
            "outputs": {}, "resources": resources}


def _remote(stack: str) -> Dict:
    return _resource("terraform_remote_state", stack, [(None, {
        "backend": "s3", "config": {"value": {"bucket": "sim-tfstate",
                                              "key": f"{stack}/terraform.tfstate",
                                              "region": "eu-west-1"},
                                    "type": ["object", {"bucket": "string"}]},
        "outputs": {"value": {}, "type": ["object", {}]}})],
        provider='provider["terraform.io/builtin/terraform"]', mode="data")


def backend(stack: str) -> str:
    return f"s3://sim-tfstate/{stack}/terraform.tfstate"


def terraform_states(world: World, instance_class_changes: Optional[Dict[str, str]] = None,
                     serial: int = 10) -> Dict[str, Dict]:
    """The three stacks. `instance_class_changes` (datastore -> class) gives the data stack a
    later serial with those changes, for IaC-change faults."""
    t = world.topology
    subnets = {z: f"subnet-{i:017x}" for i, z in enumerate(world.zones, start=0xa1)}
    network = _state([
        _resource("aws_vpc", "main", [(None, {"id": "vpc-0sim", "cidr_block": "10.0.0.0/16",
                                              "arn": f"arn:aws:ec2:{world.region}:{world.account}:vpc/vpc-0sim"})],
                  module="module.vpc"),
        _resource("aws_subnet", "private", [
            (z[-1], {"id": subnets[z], "availability_zone": z, "vpc_id": "vpc-0sim",
                     "cidr_block": f"10.0.{i + 1}.0/24"}) for i, z in enumerate(world.zones)],
            module="module.vpc", deps=["module.vpc.aws_vpc.main"]),
    ], serial, "sim-network")
    classes = instance_class_changes or {}
    data_resources = [_remote("network")]
    for store in t.datastores.values():
        p = world.stores[store.name]
        tags = {"service": store.name, "team": "data"}
        if store.kind == "cache":
            data_resources.append(_resource("aws_elasticache_replication_group", store.name, [(None, {
                "id": store.name, "replication_group_id": store.name,
                "primary_endpoint_address": p.address, "port": p.port,
                "preferred_cache_cluster_azs": [p.zone], "node_type": "cache.r6g.large",
                "tags": tags})], deps=["data.terraform_remote_state.network"]))
        elif store.kind == "queue":
            data_resources.append(_resource("aws_mq_broker", store.name, [(None, {
                "id": store.name, "broker_name": store.name, "engine_type": "RabbitMQ",
                "instances": [{"endpoints": [f"amqps://{p.address}:{p.port}"]}],
                "subnet_ids": [subnets[p.zone]], "tags": tags})],
                deps=["data.terraform_remote_state.network"]))
        else:
            engine = {"mongodb": "docdb"}.get(store.system, store.system)
            data_resources.append(_resource("aws_db_instance", store.name, [(None, {
                "id": f"db-{store.name}", "identifier": store.name, "address": p.address,
                "endpoint": f"{p.address}:{p.port}", "port": p.port, "engine": engine,
                "availability_zone": p.zone,
                "instance_class": classes.get(store.name, "db.r6g.large"),
                "db_subnet_group_name": "data", "password": "Sim-Fake-Pa55word!",
                "tags": tags})], deps=["data.terraform_remote_state.network"]))
    data_serial = serial + (1 if classes else 0)
    data = _state(data_resources, data_serial, "sim-data")

    apps_resources = [_remote("network"), _remote("data")]
    apps_resources.append(_resource("aws_eks_cluster", "this", [(None, {
        "id": world.cluster, "name": world.cluster,
        "arn": f"arn:aws:eks:{world.region}:{world.account}:cluster/{world.cluster}",
        "vpc_config": [{"subnet_ids": list(subnets.values())}]})], module="module.eks",
        deps=["data.terraform_remote_state.network"]))
    apps_resources.append(_resource("aws_instance", "node", [
        (i, {"id": n.host_id, "availability_zone": n.zone, "subnet_id": subnets[n.zone],
             "private_dns": n.name, "instance_type": "m6i.xlarge",
             "tags": {"eks:cluster-name": world.cluster}})
        for i, n in enumerate(world.nodes)], module="module.eks",
        deps=["module.eks.aws_eks_cluster.this"]))
    apps_resources.append(_resource("kubernetes_namespace", "app", [(None, {
        "id": t.namespace, "metadata": [{"name": t.namespace, "labels": {}}]})], provider=K8S,
        deps=["module.eks.aws_eks_cluster.this"]))
    for svc in t.services.values():
        apps_resources.append(_resource("kubernetes_deployment", svc.name, [(None, {
            "id": f"{t.namespace}/{svc.name}",
            "metadata": [{"name": svc.name, "namespace": t.namespace,
                          "labels": {"app.kubernetes.io/name": svc.name}}],
            "spec": [{"replicas": str(svc.replicas), "template": [{"spec": [{"container": [{
                "name": svc.name, "image": f"registry.example/{svc.name}:1.0",
                "env": [{"name": "OTEL_SERVICE_NAME", "value": svc.name, "value_from": []},
                        {"name": "DB_PASSWORD", "value": "Sim-Fake-Pa55word!",
                         "value_from": []}]}]}]}]}]})], provider=K8S,
            deps=["kubernetes_namespace.app", "data.terraform_remote_state.data"]))
    apps = _state(apps_resources, serial, "sim-apps")
    return {"network": network, "data": data, "apps": apps}


# --- Alerts -----------------------------------------------------------------------------------

def _rfc3339(t_ns: int) -> str:
    return datetime.fromtimestamp(t_ns / 1e9, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def alertmanager_payload(alerts: List[Dict]) -> Dict:
    """An Alertmanager webhook (version 4) carrying `alerts`: dicts with name, service,
    severity, starts_ns and summary."""
    out = []
    for a in alerts:
        labels = {"alertname": a["name"], "service": a["service"],
                  "severity": a.get("severity", "page"), "namespace": a.get("namespace", "")}
        out.append({"status": "firing", "labels": labels,
                    "annotations": {"summary": a["summary"]},
                    "startsAt": _rfc3339(a["starts_ns"]), "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "http://prometheus.sim/graph",
                    "fingerprint": hashlib.sha256(
                        json.dumps(labels, sort_keys=True).encode()).hexdigest()[:16]})
    return {"version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0, "status": "firing",
            "receiver": "oncall", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
            "externalURL": "http://alertmanager.sim", "alerts": out}


# --- Metrics ----------------------------------------------------------------------------------

STEP_S = 15


def prometheus_matrix(world: World, busy: Dict, faults, start_ns: int, end_ns: int,
                      rng) -> Dict:
    """Pod and node metrics as Prometheus `/api/v1/query_range` results (15 s steps):

    - ``pod:cpu_usage:rate1m`` (cores) per pod: the simulated exclusive work, plus idle noise
      and, under a CPU fault, the contending load;
    - ``pod:memory_working_set_bytes`` per pod;
    - ``kube_pod_container_status_restarts_total`` per pod (crash loops restart);
    - ``node:cpu_utilisation:ratio`` per node (the pods' CPU over 4 cores).
    Pods and nodes that are down (pod crash, node failure, zone outage) have no samples.
    """
    step_ns = STEP_S * 1_000_000_000
    steps = list(range(start_ns // step_ns, end_ns // step_ns))
    ns = world.topology.namespace

    def active(kind, target, t):
        return any(f.kind == kind and f.target == target and f.active(t) for f in faults)

    def down(pod, t):
        return (active("pod_crash", pod.name, t) or active("node_failure", pod.node.name, t) or
                active("zone_outage", pod.node.zone, t))

    result = []
    node_cpu: Dict[str, Dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for service, pods in sorted(world.pods.items()):
        for pod in pods:
            labels = {"namespace": ns, "pod": pod.name, "container": service,
                      "node": pod.node.name}
            cpu, mem, restarts = [], [], []
            count = 0
            base_mem = float(rng.uniform(120, 400)) * 2**20
            for k in steps:
                t = k * step_ns
                ts = t / 1e9
                if active("pod_crash", pod.name, t):
                    count += 1  # restarted (and crashed again) every step
                restarts.append([ts, str(count)])
                if down(pod, t):
                    continue
                cores = busy.get((pod.name, k), 0.0) / 1000.0 / STEP_S + float(rng.uniform(0.005, 0.02))
                if active("cpu", service, t):
                    cores += 0.9
                node_cpu[pod.node.name][k] += cores
                cpu.append([ts, f"{cores:.4f}"])
                mem.append([ts, f"{base_mem * float(rng.uniform(0.98, 1.02)):.0f}"])
            result.append({"metric": {"__name__": "pod:cpu_usage:rate1m", **labels}, "values": cpu})
            result.append({"metric": {"__name__": "pod:memory_working_set_bytes", **labels},
                           "values": mem})
            result.append({"metric": {"__name__": "kube_pod_container_status_restarts_total",
                                      **labels}, "values": restarts})
    for node in world.nodes:
        values = []
        for k in steps:
            t = k * step_ns
            if active("node_failure", node.name, t) or active("zone_outage", node.zone, t):
                continue
            values.append([t / 1e9, f"{min(1.0, 0.05 + node_cpu[node.name][k] / 4):.4f}"])
        result.append({"metric": {"__name__": "node:cpu_utilisation:ratio", "node": node.name,
                                  "instance": node.name, "zone": node.zone}, "values": values})
    return {"status": "success", "data": {"resultType": "matrix", "result": result}}
