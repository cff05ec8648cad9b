"""The suites of the accuracy harness: each yields cases, a case builds its model.

- synthetic: faultline.sim cases from committed topologies, fault kinds and seeds (the
  data is generated, not committed); every second seed adds nuisances (10 % of spans
  dropped, clock skew on one service, a noisy alert on a healthy one).
- nezha: the Nezha Online Boutique captures in ../shared/datasets (25 cases with their
  injection-minute traces; service-level truth: the injected pod's Deployment, or the
  pod; no blast-radius truth).
- dowhy: the web shop of DoWhy's microservice example, simulated, root cause the Caching
  Service (a latency fault).
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import faultline
from faultline.sim import CaseOptions, FAULT_KINDS, Nuisance, generate_case

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FAULTLINE_SHARED", REPO.parent / "shared"))
SECOND = 1_000_000_000


@dataclass
class Case:
    suite: str
    name: str
    fault_type: str
    truth: set  # the root cause and its equivalents
    blast_radius: Optional[set]  # None: the suite has no blast-radius truth
    window: Tuple[int, int]
    baseline: Tuple[int, int]
    build: Callable[[], "faultline.Snapshot"]
    notes: List[str] = field(default_factory=list)


# --- synthetic -----------------------------------------------------------------------------

SYNTHETIC_TOPOLOGIES = ["online-boutique", "sock-shop"]
SYNTHETIC_SEEDS = [1, 2]


def _nuisance_for(topology: str, seed: int) -> Optional[Nuisance]:
    if seed % 2 == 1:
        return None
    svc = {"online-boutique": "currencyservice", "sock-shop": "user",
           "dowhy-shop": "shipping-cost-service"}.get(topology)
    return Nuisance(drop_spans=0.1, clock_skew_service=svc, clock_skew_ms=250,
                    noisy_alert_service=svc)


def build_sim_case(case_dir: Path) -> "faultline.Snapshot":
    manifest = json.loads((case_dir / "case.json").read_text())
    b = faultline.ModelBuilder()
    for path in manifest["inputs"]["traces"]:
        b.add_traces(str(case_dir / path))
    for s in manifest["inputs"]["states"]:
        b.add_terraform_state(str(case_dir / s["path"]), stack=s["stack"], backend=s["backend"],
                              seen_at_ns=s["seen_at_ns"])
    b.link_infrastructure()
    return b.freeze()


def _sim_case(suite: str, case_dir: Path, manifest: Dict) -> Case:
    t = manifest["truth"]
    return Case(suite, manifest["name"], manifest["fault"]["kind"],
                {t["root_cause"], *t["equivalents"]}, set(t["blast_radius"]),
                (manifest["window"]["start_ns"], manifest["window"]["end_ns"]),
                (manifest["baseline"]["start_ns"], manifest["baseline"]["end_ns"]),
                lambda d=case_dir: build_sim_case(d), manifest["nuisance"])


def synthetic(cases_dir: Path, topologies=None, faults=None, seeds=None) -> Iterator[Case]:
    for topology in topologies or SYNTHETIC_TOPOLOGIES:
        for fault in faults or sorted(FAULT_KINDS):
            for seed in seeds or SYNTHETIC_SEEDS:
                d = cases_dir / topology / fault / str(seed)
                try:
                    manifest = generate_case(topology, fault, seed, d,
                                             CaseOptions(nuisance=_nuisance_for(topology, seed)))
                except ValueError:
                    continue  # the topology has nothing this fault can target
                yield _sim_case("synthetic", d, manifest)


def dowhy(cases_dir: Path, seeds=(1, 2, 3)) -> Iterator[Case]:
    for seed in seeds:
        d = cases_dir / "dowhy-shop" / str(seed)
        manifest = generate_case("dowhy-shop", "cpu", seed, d, CaseOptions(magnitude=0.5),
                                 target="caching-service")
        yield _sim_case("dowhy", d, manifest)


# --- nezha ---------------------------------------------------------------------------------

NEZHA_TYPES = {"cpu_contention": "cpu", "cpu_consumed": "cpu", "network_delay": "network_delay",
               "return": "wrong_return", "exception": "exception"}


def _deployment(pod: str) -> str:
    parts = pod.split("-")
    return "-".join(parts[:-2]) if len(parts) > 2 else pod


def nezha(root: Path = None) -> Iterator[Case]:
    root = root or SHARED / "datasets" / "nezha-online-boutique"
    if not root.is_dir():
        return
    for day in sorted(p for p in root.iterdir() if p.is_dir()):
        lists = list(day.glob("*-fault_list.json"))
        if not lists:
            continue
        faults = json.loads(lists[0].read_text())
        for hour in sorted(faults):
            for f in faults[hour]:
                inject = datetime.strptime(f["inject_time"], "%Y-%m-%d %H:%M:%S").replace(
                    tzinfo=timezone.utc)
                minute = day / "trace" / f"{inject:%H_%M}_trace.csv.gz"
                if not minute.is_file():
                    continue
                ts = int(inject.timestamp())
                files = []
                for delta in range(-3, 4):
                    m = datetime.fromtimestamp(ts + 60 * delta, tz=timezone.utc)
                    p = day / "trace" / f"{m:%H_%M}_trace.csv.gz"
                    if p.is_file():
                        files.append(str(p))
                service = _deployment(f["inject_pod"])
                window = (ts * SECOND, (ts + 180) * SECOND)
                baseline = ((ts - 180) * SECOND, ts * SECOND)

                def build(files=files):
                    b = faultline.ModelBuilder()
                    b.add_traces(files, format="nezha")
                    return b.freeze()

                yield Case("nezha", f"{day.name} {f['inject_time'][11:]} {f['inject_pod']}",
                           NEZHA_TYPES.get(f["inject_type"], f["inject_type"]),
                           {f"service:{service}", f"instance:{service}/{f['inject_pod']}"},
                           None, window, baseline, build)
