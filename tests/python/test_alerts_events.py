"""Alerts and change events from Python: add_alerts / add_events, read_alerts /
read_events, snapshot.alerts() / snapshot.events(), and the CLI flags."""

import os
from pathlib import Path

import pandas as pd
import pytest

import faultline
from faultline import cli

ROOT = Path(os.environ.get("FAULTLINE_REPO_ROOT", Path(__file__).resolve().parents[2]))
ALERTS = ROOT / "tests" / "data" / "alerts"
EVENTS = ROOT / "tests" / "data" / "events"
T0 = 1_726_671_600_000_000_000  # 2024-09-18T15:00:00Z
S = 1_000_000_000


def test_read_alerts_gives_one_row_per_alert_with_its_entity():
    frame = faultline.read_alerts(ALERTS / "alertmanager.json")
    assert list(frame["name"]) == ["KubePodCrashLooping", "NodeFilesystemSpaceFillingUp", "Watchdog"]
    assert list(frame["entity"]) == [
        "instance:checkout/checkout-58d4b7c9f-7wqzp",
        "node:ip-10-0-1-23.eu-west-1.compute.internal",
        None,
    ]
    assert frame["starts_ns"][0] == T0 + 150 * S + 512_345_678
    assert pd.isna(frame["ends_ns"][0])
    assert frame["ends_ns"][1] == T0 + 20 * 60 * S
    assert frame.attrs["report"]["format"] == "alertmanager"


def test_add_alerts_from_a_list_of_dicts_and_a_dataframe_match_the_file():
    expected = faultline.ModelBuilder()
    expected.add_alerts(ALERTS / "golden" / "list.json", name="x")
    rows = [{"name": "CheckoutErrors", "service": "checkout", "severity": "critical",
             "time": pd.Timestamp("2024-09-18T15:02:00.5Z"), "summary": "checkout is failing"}]
    for source in (rows, pd.DataFrame(rows)):
        b = faultline.ModelBuilder()
        report = b.add_alerts(source)
        assert report["accepted"] == 1 and report["format"] == "json"
        got = b.freeze().alerts()
        want = expected.freeze().alerts()
        pd.testing.assert_frame_equal(got.drop(columns="source"), want.drop(columns="source"))


def test_snapshot_alerts_by_entity_and_window():
    b = faultline.ModelBuilder()
    b.add_alerts([ALERTS / "alertmanager.json", ALERTS / "prometheus.json"])
    snap = b.freeze()
    frame = snap.alerts()
    assert len(frame) == 4
    node = snap.alerts("node:ip-10-0-1-23.eu-west-1.compute.internal")
    assert list(node["name"]) == ["NodeFilesystemSpaceFillingUp"]
    # The disk alert ended at 15:20: a window after it leaves it out.
    later = snap.alerts(window=("2024-09-18T15:30:00Z", "2024-09-18T16:00:00Z"))
    assert "NodeFilesystemSpaceFillingUp" not in set(later["name"])
    assert "KubePodCrashLooping" in set(later["name"])
    with pytest.raises(KeyError):
        snap.alerts("service:nope")


def test_bad_alert_input_raises_with_line_and_column():
    with pytest.raises(ValueError, match=r"truncated.json:1:\d+: malformed JSON"):
        faultline.ModelBuilder().add_alerts(ALERTS / "bad" / "truncated.json")
    with pytest.raises(ValueError, match="unknown alert format"):
        faultline.read_alerts(ALERTS / "list.json", format="nagios")
    with pytest.raises(ValueError, match="mapping: unknown key 'svc'"):
        faultline.read_alerts(ALERTS / "list.json", mapping={"svc": ["x"]})
    report = faultline.ModelBuilder().add_alerts(ALERTS / "bad" / "mixed.jsonl")
    assert report["rejected"] == {"bad timestamp": 1, "malformed JSON": 1, "missing alertname": 1,
                                  "missing start time": 1, "unmapped": 1}


def test_a_label_mapping_names_other_keys():
    rows = [{"name": "A", "labels": {"svc": "cart"}, "time": 1726671600}]
    assert faultline.ModelBuilder().add_alerts(rows)["rejected"] == {"unmapped": 1}
    b = faultline.ModelBuilder()
    assert b.add_alerts(rows, mapping={"service": "svc"})["accepted"] == 1
    assert list(b.freeze().alerts()["entity"]) == ["service:cart"]


def test_events_from_kubectl_and_a_deploy_list():
    frame = faultline.read_events(EVENTS / "kubectl_events.json")
    assert frame.attrs["report"]["format"] == "kubernetes"
    assert len(frame) == 8
    assert set(frame["kind"]) >= {"backoff", "restart", "oom_killed", "scaling", "failed_scheduling"}
    b = faultline.ModelBuilder()
    b.add_events(EVENTS / "kubectl_events.json")
    report = b.add_events(EVENTS / "changes_custom.jsonl",
                          fields={"time": "ts", "service": "svc", "kind": "type", "detail": "what"})
    assert report["by_kind"] == {"deploy": 1, "rollback": 1}
    snap = b.freeze()
    checkout = snap.events("service:checkout")
    assert list(checkout["kind"]) == ["deploy", "rollback"]
    window = snap.events(window=(T0 + 9 * 60 * S, T0 + 20 * 60 * S))
    assert "rollback" in set(window["kind"]) and "scaling" not in set(window["kind"])
    rows = pd.DataFrame([{"time": "2024-09-18T14:59:00Z", "service": "cart", "detail": "v2"}])
    assert b.add_events(rows)["by_kind"] == {"deploy": 1}


def test_cli_build_reads_alerts_and_events(tmp_path, capsys):
    model = tmp_path / "m.flsnap"
    code = cli.main(["build", "--alerts", str(ALERTS / "alertmanager.json"),
                     "--events", str(EVENTS / "kubectl_events.json"), "-o", str(model)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "(alertmanager): 3 alerts, 2 accepted, 0 repeats merged, 1 rejected" in out
    assert "(kubernetes): 8 events, 7 accepted" in out
    assert "no entity for line 26" in out
    snap = faultline.Snapshot.load(model)
    assert len(snap.alerts()) == 2 and len(snap.events()) == 7
