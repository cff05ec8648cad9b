"""The Terraform fixtures (tests/data/iac/README.md) end to end: three linked AWS stacks,
a GCP and a Kubernetes stack, traces of the same shop, change events, bad inputs, and no
fake secret anywhere in the model, the snapshot file, the DOT/JSON export or an error."""

import json

import pytest

import faultline
from faultline.cli import main

from conftest import REPO_ROOT

IAC = REPO_ROOT / "tests" / "data" / "iac"
BACKEND = "s3://acme-tfstate/{}/terraform.tfstate"

SECRETS = [
    "0rders-Fake-Pa55word!31",
    "0rders-Fake-Pa55word!32-rotated",
    "FakeRedisAuthToken-cart-0123456789abcdef",
    "fake-api-key-thumbnailer-7c1e9a2b4d6f8e0a",
    "fake-webhook-signing-secret-5e6f7a8b",
    "Fake-Cloud-SQL-R00t-Pa55!",
    "fake-memorystore-auth-3f1d2c4b-9a8e-4d7c-b6a5-0f1e2d3c4b5a",
    "Payments-Fake-Pa55word!",
    "fake-psp-api-key-payments-4b1d9c7e",
    "MIIEfakefakefake",
    "fake-fraud-api-token-a1b2c3d4e5f6",
    "Trunc4ted-Fake-Pa55word!",
    "Legacy-V3-Fake-Pa55word!",
    "Rep0rts-Fake-Pa55word!",
    "fake-invoice-signing-secret-77aa0c3e",
]


def assert_no_secret(text, where):
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked into {where}"


@pytest.fixture
def shop():
    b = faultline.ModelBuilder()
    reports = {}
    # apps first: its remote states resolve when network and data arrive later.
    for stack in ["apps", "data", "network"]:
        reports[stack] = b.add_terraform_state(str(IAC / "aws" / f"{stack}.tfstate"),
                                               backend=BACKEND.format(stack))
    reports["gcp"] = b.add_terraform_state(str(IAC / "gcp" / "show.json"), stack="gcp")
    reports["k8s"] = b.add_terraform_state(str(IAC / "k8s" / "kubernetes.tfstate"), stack="k8s")
    b.add_traces(str(IAC / "traces" / "shop.otlp.json"))
    links = b.link_infrastructure()
    return b, reports, links


def edge_set(snapshot, kind=None):
    e = snapshot.edges()
    if kind:
        e = e[e.kind == kind]
    return set(zip(e.source, e.target, e.kind))


def test_stacks_modules_and_counts(shop):
    b, reports, _ = shop
    assert reports["network"]["instances"] == 14
    assert reports["data"]["instances"] == 7
    assert reports["apps"]["instances"] == 22
    assert reports["network"]["transitive_dependencies_removed"] == 9
    assert reports["data"]["transitive_dependencies_removed"] == 2
    assert reports["apps"]["transitive_dependencies_removed"] == 33
    snap = b.freeze()
    subgraphs = snap.subgraphs().set_index("id")
    assert subgraphs.loc["iac/network/module.vpc", "parent"] == "iac/network"
    assert subgraphs.loc["iac/data", "version"] == 31


def test_remote_states_link_the_stacks_whatever_the_load_order(shop):
    b, reports, _ = shop
    snap = b.freeze()
    deps = edge_set(snap, "depends_on")
    assert ("tf:data:data.terraform_remote_state.network", "stack:network", "depends_on") in deps
    assert ("tf:apps:data.terraform_remote_state.network", "stack:network", "depends_on") in deps
    assert ("tf:apps:data.terraform_remote_state.data", "stack:data", "depends_on") in deps
    meta = {(s, t) for s, t, _ in snap.meta_edges()}
    assert ("iac/apps", "iac/data") in meta and ("iac/data", "iac/network") in meta
    assert snap.freeze_report["dropped_cross_links"] == 0


def test_direct_dependencies_and_placement(shop):
    b, _, _ = shop
    snap = b.freeze()
    deps = edge_set(snap, "depends_on")
    assert ("tf:data:aws_db_instance.orders", "tf:data:aws_db_subnet_group.orders",
            "depends_on") in deps
    assert ("tf:data:aws_db_instance.orders", "tf:data:data.terraform_remote_state.network",
            "depends_on") not in deps
    runs_on = edge_set(snap, "runs_on")
    assert ("tf:data:aws_db_instance.orders", "zone:eu-west-1a", "runs_on") in runs_on
    assert ("zone:eu-west-1a", "region:eu-west-1", "runs_on") in runs_on
    assert ('tf:network:module.vpc.aws_subnet.private["a"]', "zone:eu-west-1a",
            "runs_on") in runs_on
    assert ("tf:data:aws_db_subnet_group.orders",
            'tf:network:module.vpc.aws_subnet.private["b"]', "runs_on") in runs_on


def test_traced_entities_link_to_their_resources(shop):
    b, _, links = shop
    assert links["links_by_rule"].get("endpoint") == 2
    assert links["links_by_rule"].get("queue") == 1  # producer and consumer share the queue entity
    assert links["links_by_rule"].get("k8s", 0) >= 4
    snap = b.freeze()
    e = snap.edges()
    linked = e[e.link_set == "iac_traces"]
    pairs = {(s, t, r) for s, t, r in zip(linked.source, linked.target, linked.link_rule)}
    assert any(t == "tf:data:aws_db_instance.orders" and r == "endpoint" for _, t, r in pairs)
    assert any(t == "tf:data:aws_elasticache_replication_group.cart" and r == "endpoint"
               for _, t, r in pairs)
    assert any(s == "service:checkout" and t.startswith("tf:apps:kubernetes_deployment")
               and r == "k8s" for s, t, r in pairs)
    # The Lambda function by its ARN (cloud.resource_id), not by a name that happens to match.
    assert ("service:thumbnailer", "tf:apps:aws_lambda_function.thumbnailer", "function") in pairs
    # Workloads keep the service name their environment gives their telemetry, and nothing
    # else of the environment.
    ents = snap.entities().set_index("id")
    cart = ents.loc["tf:apps:kubernetes_deployment.cart", "attributes"]
    assert cart["otel.service.name"] == "cart"
    assert not any(".env." in k or "variables" in k for k in cart)
    # Nothing of the unrelated stacks is linked to the shop's traces.
    assert not any(t.startswith(("tf:gcp:", "tf:k8s:")) for _, t, _ in pairs)
    assert any(x.startswith("tf:k8s:kubernetes_deployment_v1") for x in
               links["unlinked_infrastructure"])


def test_change_events_between_serials_without_secrets(shop):
    b, _, _ = shop
    report = b.add_terraform_state(str(IAC / "aws" / "data.serial32.tfstate"), stack="data",
                                   backend=BACKEND.format("data"), seen_at_ns=1_700_000_000_000_000_000)
    assert report["previous_serial"] == 31 and report["serial"] == 32
    changes = {(c["kind"], c["address"]): c["attributes"] for c in report["changes"]}
    assert ("added", "aws_sqs_queue.orders_dlq") in changes
    assert ("removed", "aws_sns_topic.events") in changes
    changed = changes[("changed", "aws_db_instance.orders")]
    assert "instance_class" in changed and "tags.team" in changed
    assert not any("password" in a for a in changed)
    snap = b.freeze()
    db = snap.entities().set_index("id").loc["tf:data:aws_db_instance.orders", "attributes"]
    assert db["iac.changed_at_ns"] == "1700000000000000000"
    assert_no_secret(json.dumps(report.to_dict()), "the change report")


def test_no_secret_in_snapshot_exports_or_errors(shop, tmp_path, capsys):
    b, reports, links = shop
    snap = b.freeze()
    path = tmp_path / "shop.flsnap"
    snap.save(str(path))
    assert_no_secret(path.read_bytes().decode("latin-1"), "the snapshot file")
    assert_no_secret(json.dumps(snap.entities()["attributes"].tolist()), "entities()")
    assert_no_secret(json.dumps({k: r.to_dict() for k, r in reports.items()})
                     + json.dumps(links.to_dict()), "the reports")
    for fmt in ("dot", "json"):
        assert main(["graph", str(path), "--format", fmt]) == 0
        assert_no_secret(capsys.readouterr().out, f"the {fmt} export")
    for bad in sorted((IAC / "bad").glob("*.tfstate")):
        try:
            report = faultline.ModelBuilder().add_terraform_state(str(bad))
            assert_no_secret(json.dumps(report.to_dict()), bad.name)
        except (ValueError, KeyError, faultline.Error) as error:
            assert_no_secret(str(error), f"the error for {bad.name}")


def test_bad_inputs_give_clear_errors_or_reports():
    b = faultline.ModelBuilder()
    with pytest.raises(ValueError, match=r"truncated\.tfstate:\d+:\d+"):
        b.add_terraform_state(str(IAC / "bad" / "truncated.tfstate"))
    with pytest.raises(faultline.Error, match="version 3"):
        b.add_terraform_state(str(IAC / "bad" / "version3.tfstate"))
    with pytest.raises(faultline.Error, match="decrypt"):
        b.add_terraform_state(str(IAC / "bad" / "encrypted.tfstate"))
    dangling = b.add_terraform_state(str(IAC / "bad" / "dangling_dependency.tfstate"))
    assert any("aws_db_parameter_group.reports" in d for d in dangling["dangling_dependencies"])
    duplicate = b.add_terraform_state(str(IAC / "bad" / "duplicate_address.tfstate"))
    assert duplicate["warnings"]
    unloaded = b.add_terraform_state(str(IAC / "bad" / "remote_state_unloaded.tfstate"))
    assert any("s3://acme-tfstate/platform/terraform.tfstate" in u
               for u in unloaded["unresolved_remote_states"])
    b.freeze()  # reported, not fatal
