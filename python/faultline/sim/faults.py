"""Faults the simulator injects, with what each does to requests and what the truth is.

A fault is active during [start_ns, end_ns). Its effect is applied when a request is
evaluated with faults on; the same request evaluated with faults off is the counterfactual
that defines the true blast radius."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

# Every fault kind, with what it targets.
FAULT_KINDS = {
    "cpu": "service",              # CPU contention: the service's own work is slow
    "exception": "service",        # the service throws: its requests fail, errors originate there
    "wrong_return": "service",     # a wrong value: no error at the service, its callers fail
    "network_delay": "pod",        # network delay on one instance: its callers wait
    "pod_crash": "pod",            # crash loop: calls to the pod are refused
    "node_failure": "node",        # every pod on the node is unreachable
    "zone_outage": "zone",         # every pod and datastore in the zone is unreachable
    "db_slowdown": "datastore",    # a database (shared by its clients) is slow
    "pool_exhaustion": "service",  # the service's connection pool to a datastore is exhausted
    "iac_change": "datastore",     # a Terraform change (smaller instance) slows a database
    "queue_backlog": "queue",      # the consumer falls behind: messages wait in the queue
}


@dataclass
class Fault:
    kind: str
    target: str  # a service, pod, node or zone name, or a datastore name
    start_ns: int
    end_ns: int
    magnitude: float = 1.0  # scales the effect
    datastore: Optional[str] = None  # pool_exhaustion: the pool's datastore

    def active(self, t_ns: int) -> bool:
        return self.start_ns <= t_ns < self.end_ns


@dataclass
class Nuisance:
    """Imperfections of real telemetry added to a case."""

    drop_spans: float = 0.0            # share of spans lost
    clock_skew_service: Optional[str] = None
    clock_skew_ms: float = 0.0
    uninstrumented_service: Optional[str] = None  # its spans are never exported
    noisy_alert_service: Optional[str] = None     # an alert on a healthy service

    def names(self) -> List[str]:
        out = []
        if self.drop_spans:
            out.append(f"{self.drop_spans:.0%} of spans dropped")
        if self.clock_skew_service:
            out.append(f"clock skew {self.clock_skew_ms:+.0f} ms on {self.clock_skew_service}")
        if self.uninstrumented_service:
            out.append(f"{self.uninstrumented_service} uninstrumented")
        if self.noisy_alert_service:
            out.append(f"noisy alert on {self.noisy_alert_service}")
        return out
