"""Where a topology runs: a region with three zones, Kubernetes nodes in each zone, pods of
every service spread over the nodes, and managed datastores in zones.

Identifiers follow what real telemetry and Terraform would carry, so the ids faultline
builds from them are predictable (``entity_ids``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

import numpy as np

from faultline.sim.topology import Topology


@dataclass
class Node:
    name: str  # k8s.node.name, the EC2 private DNS name
    zone: str
    host_id: str  # host.id, the EC2 instance id
    subnet: str


@dataclass
class Pod:
    name: str  # k8s.pod.name = service.instance.id
    service: str
    node: Node


@dataclass
class Placement:
    """A datastore's managed instance."""

    name: str
    zone: str
    address: str  # server.address clients connect to
    port: int


@dataclass
class World:
    topology: Topology
    region: str
    zones: List[str]
    nodes: List[Node]
    pods: Dict[str, List[Pod]]  # by service
    stores: Dict[str, Placement]
    cluster: str = "prod"
    account: str = "123456789012"

    def pods_on_node(self, node: str) -> List[Pod]:
        return [p for pods in self.pods.values() for p in pods if p.node.name == node]

    def pods_in_zone(self, zone: str) -> List[Pod]:
        return [p for pods in self.pods.values() for p in pods if p.node.zone == zone]

    def store_entity(self, name: str) -> str:
        """The entity id faultline gives the datastore from client spans."""
        store = self.topology.datastores[name]
        placement = self.stores[name]
        if store.kind == "queue":
            return f"queue:{store.system}/{name}"
        if store.namespace:
            return f"database:{placement.address}/{store.namespace}"
        return f"database:{placement.address}"


def _hex(rng: np.random.Generator, n: int) -> str:
    return "".join("0123456789abcdef"[int(x)] for x in rng.integers(0, 16, n))


def place(topology: Topology, seed: int = 1, nodes_per_zone: int = 2) -> World:
    rng = np.random.default_rng(seed + 7919)
    region = "eu-west-1"
    zones = [f"{region}{z}" for z in "abc"]
    nodes: List[Node] = []
    for zi, zone in enumerate(zones):
        for k in range(nodes_per_zone):
            ip = f"10.0.{zi + 1}.{10 + k * 7 + int(rng.integers(0, 5))}"
            nodes.append(Node(f"ip-{ip.replace('.', '-')}.{region}.compute.internal", zone,
                              f"i-0{_hex(rng, 16)}", f"subnet-{zi}"))
    pods: Dict[str, List[Pod]] = {}
    for i, svc in enumerate(topology.services.values()):
        replicaset = _hex(rng, 9)
        pods[svc.name] = []
        for r in range(svc.replicas):
            node = nodes[(i + r * (nodes_per_zone + 1)) % len(nodes)]
            pods[svc.name].append(Pod(f"{svc.name}-{replicaset}-{_hex(rng, 5)}", svc.name, node))
    stores: Dict[str, Placement] = {}
    for i, store in enumerate(topology.datastores.values()):
        zone = zones[i % len(zones)]
        suffix = _hex(rng, 8)
        if store.kind == "cache":
            address, port = f"{store.name}.{suffix}.ng.0001.euw1.cache.amazonaws.com", 6379
        elif store.kind == "queue":
            address, port = f"{store.name}.mq.{region}.amazonaws.com", 5671
        else:
            address = f"{store.name}.{suffix}.{region}.rds.amazonaws.com"
            port = {"mysql": 3306, "mongodb": 27017}.get(store.system, 5432)
        stores[store.name] = Placement(store.name, zone, address, port)
    return World(topology, region, zones, nodes, pods, stores)
