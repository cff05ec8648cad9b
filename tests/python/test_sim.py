"""faultline.sim: deterministic cases whose truth follows from the fault, and files that
faultline reads back into a model where every truth entity exists."""

import json

import pytest

import faultline
from faultline.sim import (CaseOptions, FAULT_KINDS, Nuisance, generate_case, generated,
                           online_boutique, sock_shop)
from faultline.sim.topology import (Call, Datastore, Service, Topology, dowhy_shop,
                                   social_network, train_ticket)


def tiny():
    """web -> api -> db; api is the only caller of the database."""
    return Topology(
        "tiny",
        {"web": Service("web", {"GET /": [Call("api", "get")]}, 2.0, 2),
         "api": Service("api", {"get": [Call("db", "SELECT")]}, 1.0, 2),
         "idle": Service("idle", {"noop": []}, 1.0, 1)},
        {"db": Datastore("db", "postgresql", "database", 1.0, "app")},
        [("web", "GET /", 1.0)], namespace="tiny")


OPTIONS = CaseOptions(baseline_s=60, incident_s=60, rate_per_s=5)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = generate_case("online-boutique", "exception", 3, tmp_path / "a", OPTIONS)
    b = generate_case("online-boutique", "exception", 3, tmp_path / "b", OPTIONS)
    c = generate_case("online-boutique", "exception", 4, tmp_path / "c", OPTIONS)
    for name in ["traces.otlp.jsonl", "network.tfstate", "data.tfstate", "apps.tfstate",
                 "alerts.json", "case.json"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert a == b
    assert c["stats"] != a["stats"]
    assert (tmp_path / "a" / "traces.otlp.jsonl").read_bytes() != \
        (tmp_path / "c" / "traces.otlp.jsonl").read_bytes()


def test_a_slow_service_hurts_its_callers_and_not_its_database(tmp_path):
    m = generate_case(tiny(), "cpu", 1, tmp_path, OPTIONS, target="api")
    t = m["truth"]
    assert t["root_cause"] == "service:api"
    assert "tf:apps:kubernetes_deployment.api" in t["equivalents"]
    blast = set(t["blast_radius"])
    assert {"service:api", "service:web", "entry_point:web/GET /"} <= blast
    assert not any(e.startswith("database:") for e in blast)
    assert "service:idle" not in blast


def test_a_slow_database_hurts_everything_above_it(tmp_path):
    m = generate_case(tiny(), "db_slowdown", 1, tmp_path, OPTIONS, target="db")
    t = m["truth"]
    assert t["root_cause"].startswith("database:") and t["root_cause"].endswith("/app")
    assert t["equivalents"] == ["tf:data:aws_db_instance.db"]
    assert {t["root_cause"], "service:api", "service:web", "entry_point:web/GET /"} <= \
        set(t["blast_radius"])


def test_a_wrong_value_fails_the_caller_but_not_the_service_that_returned_it(tmp_path):
    m = generate_case(tiny(), "wrong_return", 1, tmp_path, OPTIONS, target="api")
    blast = set(m["truth"]["blast_radius"])
    assert m["truth"]["root_cause"] == "service:api"
    assert "service:web" in blast and "service:api" not in blast


def test_a_healthy_case_has_no_blast_radius(tmp_path):
    m = generate_case(tiny(), "cpu", 1, tmp_path, CaseOptions(baseline_s=60, incident_s=60,
                                                             rate_per_s=5, magnitude=0.0),
                      target="api")
    assert m["truth"]["blast_radius"] == []
    assert json.loads((tmp_path / "alerts.json").read_text())["alerts"] == []


@pytest.mark.parametrize("kind", sorted(FAULT_KINDS))
def test_every_fault_reads_back_with_its_truth_in_the_model(tmp_path, kind):
    topo = "sock-shop" if kind in ("iac_change", "queue_backlog") else "online-boutique"
    m = generate_case(topo, kind, 2, tmp_path, OPTIONS)
    b = faultline.ModelBuilder()
    report = b.add_traces(str(tmp_path / "traces.otlp.jsonl"))
    assert report["spans_accepted"] == m["stats"]["spans"] and not report["rejected"]
    changes = []
    for s in m["inputs"]["states"]:
        r = b.add_terraform_state(str(tmp_path / s["path"]), stack=s["stack"],
                                  backend=s["backend"], seen_at_ns=s["seen_at_ns"])
        changes += r["changes"]
    b.link_infrastructure()
    snap = b.freeze()
    assert m["truth"]["root_cause"] in snap
    assert all(e in snap for e in m["truth"]["equivalents"])
    assert all(e in snap for e in m["truth"]["blast_radius"])
    assert m["truth"]["blast_radius"], "every fault of magnitude 1 hurts someone"
    if kind == "iac_change":
        assert [c["kind"] for c in changes] == ["changed"]
    # The fake secrets in the generated state never reach the model.
    assert "Sim-Fake-Pa55word!" not in json.dumps(snap.entities()["attributes"].tolist())


def test_nuisances_change_the_telemetry_not_the_truth(tmp_path):
    clean = generate_case("online-boutique", "exception", 5, tmp_path / "clean", OPTIONS)
    noisy = generate_case("online-boutique", "exception", 5, tmp_path / "noisy", CaseOptions(
        baseline_s=60, incident_s=60, rate_per_s=5,
        nuisance=Nuisance(drop_spans=0.1, clock_skew_service="currencyservice",
                          clock_skew_ms=250, uninstrumented_service="emailservice",
                          noisy_alert_service="adservice")))
    assert noisy["truth"] == clean["truth"]
    assert noisy["stats"]["spans"] < 0.92 * clean["stats"]["spans"]
    assert len(noisy["nuisance"]) == 4
    alerts = json.loads((tmp_path / "noisy" / "alerts.json").read_text())["alerts"]
    assert any(a["labels"]["service"] == "adservice" for a in alerts)


def test_topologies_have_the_published_shapes():
    assert len(online_boutique().services) == 10 and len(online_boutique().datastores) == 1
    shop = sock_shop()
    assert len(shop.services) + len(shop.datastores) == 13
    assert len(dowhy_shop().services) + len(dowhy_shop().datastores) == 11
    tt = train_ticket()
    assert 40 <= len(tt.services) <= 60 and len(tt.services) + len(tt.datastores) >= 60
    sn = social_network()
    assert sn.datastores["write-home-timeline-rabbitmq"].consumer[0] in sn.services
    g = generated(1000, seed=3)
    assert len(g.services) == 1000
    entry = {s for s, _, _ in g.entries}
    assert 0.10 <= len(entry) / 1000 <= 0.16
    assert generated(1000, seed=3).entries == g.entries  # deterministic


def test_a_queue_backlog_delays_the_consumer_not_the_producer(tmp_path):
    m = generate_case("sock-shop", "queue_backlog", 1, tmp_path,
                      CaseOptions(baseline_s=60, incident_s=120, rate_per_s=5))
    t = m["truth"]
    assert t["root_cause"] == "service:queue-master"
    assert "queue:rabbitmq/shipping-queue" in t["equivalents"]
    assert "service:queue-master" in t["blast_radius"]
    assert "service:shipping" not in t["blast_radius"]  # publishing is not slower
    b = faultline.ModelBuilder()
    b.add_traces(str(tmp_path / "traces.otlp.jsonl"))
    edges = b.freeze().edges()
    async_edges = set(zip(edges[edges.kind == "async"].source, edges[edges.kind == "async"].target))
    assert ("queue:rabbitmq/shipping-queue", "service:queue-master") in async_edges


def test_concurrent_faults_are_each_a_root_cause(tmp_path):
    m = generate_case("online-boutique", "cpu", 1, tmp_path,
                      CaseOptions(baseline_s=60, incident_s=60, rate_per_s=5,
                                  concurrent=["db_slowdown"]))
    roots = [r["root_cause"] for r in m["truth"]["root_causes"]]
    assert len(roots) == 2 and roots[0] == m["truth"]["root_cause"]
    assert roots[1].startswith("database:")
    assert m["concurrent"][0]["kind"] == "db_slowdown"


def test_metrics_follow_the_fault(tmp_path):
    m = generate_case(tiny(), "cpu", 1, tmp_path, OPTIONS, target="api")
    series = json.loads((tmp_path / "metrics.json").read_text())["data"]["result"]
    start = m["fault"]["start_ns"] / 1e9

    def mean_cpu(service, during):
        values = [float(v) for s in series if s["metric"]["__name__"] == "pod:cpu_usage:rate1m"
                  and s["metric"]["container"] == service
                  for t, v in s["values"] if (t >= start) == during]
        return sum(values) / len(values)

    assert mean_cpu("api", True) > mean_cpu("api", False) + 0.5
    assert mean_cpu("web", True) < mean_cpu("web", False) + 0.1


def test_same_bytes_across_processes_whatever_the_hash_seed(tmp_path):
    import os
    import subprocess
    import sys
    script = ("import sys; from faultline.sim import generate_case, CaseOptions, Nuisance; "
              "generate_case('sock-shop', 'pool_exhaustion', 2, sys.argv[1], CaseOptions("
              "baseline_s=20, incident_s=20, concurrent=['pod_crash'], "
              "nuisance=Nuisance(0.1, 'user', 250, 'payment', 'user')))")
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-c", script, str(tmp_path / seed)], check=True, env=env)
    for name in ["traces.otlp.jsonl", "case.json", "apps.tfstate", "alerts.json", "metrics.json"]:
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_unknown_faults_topologies_and_impossible_targets_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="unknown fault 'disk_full'"):
        generate_case("online-boutique", "disk_full", 1, tmp_path)
    with pytest.raises(ValueError, match="unknown topology 'shop'"):
        generate_case("shop", "cpu", 1, tmp_path)
    with pytest.raises(ValueError, match="no queue with a consumer"):
        generate_case("online-boutique", "queue_backlog", 1, tmp_path)
    with pytest.raises(ValueError, match="unknown fault 'typo'"):
        generate_case("online-boutique", "cpu", 1, tmp_path, CaseOptions(concurrent=["typo"]))
