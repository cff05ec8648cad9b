"""Terraform plan JSON from Python: the plan subgraph over the stack's entities, no secrets."""

import json
from pathlib import Path

import pytest

import faultline

DATA = Path(__file__).resolve().parents[1] / "data" / "iac" / "aws"
PASSWORD = "0rders-Fake-Pa55word!31"


def test_add_terraform_plan_marks_the_planned_changes(tmp_path):
    b = faultline.ModelBuilder()
    b.add_terraform_state(str(DATA / "data.tfstate"))
    report = b.add_terraform_plan(str(DATA / "data.plan.json"))
    assert report["stack"] == "data"
    assert report["subgraph"] == "plan/data"
    assert (report["creates"], report["updates"], report["deletes"], report["replaces"]) == (
        2, 1, 1, 1)
    assert report["skipped"] == 3
    assert report["references_added"] == 1

    snap = b.freeze()
    assert "plan/data" in set(snap.subgraphs()["id"])
    entities = snap.entities()
    db = entities[entities["id"] == "tf:data:aws_db_instance.orders"].iloc[0]
    attributes = dict(db["attributes"])
    assert attributes["plan.actions"] == "update"
    assert attributes["plan.changed"] == "instance_class"
    edges = snap.edges()
    assert ((edges.source == "tf:data:aws_cloudwatch_metric_alarm.orders_dlq_depth")
            & (edges.target == "tf:data:aws_sqs_queue.orders_dlq")).any()

    path = tmp_path / "model.flsnap"
    snap.save(str(path))
    assert PASSWORD.encode() not in path.read_bytes()
    assert PASSWORD not in json.dumps(entities["attributes"].tolist())


def test_add_terraform_plan_rejects_state_and_newer_formats():
    b = faultline.ModelBuilder()
    with pytest.raises(ValueError, match="looks like Terraform state"):
        b.add_terraform_plan((DATA / "data.tfstate").read_bytes(), name="data.tfstate")
    with pytest.raises(faultline.Error, match="2.x"):
        b.add_terraform_plan(b'{"format_version": "2.0"}', stack="data", name="p.json")
