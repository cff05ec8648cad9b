"""Terraform/OpenTofu state from Python and the CLI: stacks, placement, no secrets."""

import json

import pytest

import faultline
from faultline.cli import main


NETWORK_STATE = b"""{
  "version": 4, "terraform_version": "1.9.5", "serial": 3, "lineage": "l-net",
  "resources": [
    {"mode": "managed", "type": "aws_subnet", "name": "private",
     "provider": "provider[\\"registry.terraform.io/hashicorp/aws\\"]",
     "instances": [{"index_key": "a", "schema_version": 1,
       "attributes": {"id": "subnet-a", "availability_zone": "eu-west-1a",
                      "tags": {"team": "net"}, "secret_token": "tok-should-never-appear"},
       "sensitive_attributes": []}]}
  ]
}"""


def test_add_terraform_state_builds_a_stack_subgraph_without_secrets(tmp_path):
    b = faultline.ModelBuilder()
    report = b.add_terraform_state(NETWORK_STATE, name="network.tfstate",
                                   backend="s3://acme/network.tfstate")
    assert report["stack"] == "network"
    assert report["serial"] == 3
    assert report["instances"] == 1
    snap = b.freeze()
    assert "iac/network" in set(snap.subgraphs()["id"])
    edges = snap.edges()
    subnet = 'tf:network:aws_subnet.private["a"]'
    assert ((edges.source == subnet) & (edges.target == "zone:eu-west-1a")).any()
    path = tmp_path / "model.flsnap"
    snap.save(str(path))
    assert b"tok-should-never-appear" not in path.read_bytes()
    assert "tok-should-never-appear" not in json.dumps(snap.entities()["attributes"].tolist())


def test_cli_build_with_state(tmp_path, capsys):
    state = tmp_path / "network.tfstate"
    state.write_bytes(NETWORK_STATE)
    model = tmp_path / "m.flsnap"
    assert main(["build", "--state", f"{state}=s3://acme/network.tfstate", "-o", str(model)]) == 0
    out = capsys.readouterr().out
    assert "stack network (serial 3)" in out
    assert main(["graph", str(model), "--format", "dot"]) == 0
    dot = capsys.readouterr().out
    assert "iac/network" in dot and "tok-should-never-appear" not in dot


def test_encrypted_state_is_a_clear_error(tmp_path):
    encrypted = b'{"meta": {"key_provider.pbkdf2.main": "x"}, "encrypted_data": "QUJD", "encryption_version": "v0"}'
    with pytest.raises(faultline.Error, match="decrypt"):
        faultline.ModelBuilder().add_terraform_state(encrypted, name="enc.tfstate")


def test_explicit_links_from_a_mapping_file_in_python_and_the_cli(tmp_path, capsys):
    state = tmp_path / "network.tfstate"
    state.write_bytes(NETWORK_STATE)
    mapping = tmp_path / "links.json"
    mapping.write_text(json.dumps({"links": [
        {"from": "zone:eu-west-1a", "to": 'tf:network:aws_subnet.private["a"]',
         "kind": "contains", "detail": "by hand"}]}))
    b = faultline.ModelBuilder()
    b.add_terraform_state(str(state))
    b.add_links(mapping)
    e = b.freeze().edges()
    row = e[e.link_set == "mapping"]
    assert list(zip(row.source, row.kind, row.link_detail)) == [
        ("zone:eu-west-1a", "contains", "by hand")]

    bad = tmp_path / "bad.json"
    bad.write_text('[{"from": "a", "too": "b"}]')
    with pytest.raises(ValueError, match=r"bad\.json:1:.*\[0\]\.too"):
        faultline.ModelBuilder().add_links(bad)

    model = tmp_path / "m.flsnap"
    assert main(["build", "--state", str(state), "--links", str(mapping), "-o", str(model)]) == 0
    assert f"links from {mapping}" in capsys.readouterr().out
    assert main(["build", "--state", str(state), "--links", str(bad), "-o", str(model)]) != 0
    assert "bad.json:1:" in capsys.readouterr().err


def test_read_link_mapping_gives_the_links_add_links_takes(tmp_path):
    mapping = tmp_path / "links.json"
    mapping.write_text(json.dumps({"links": [
        {"from": "zone:eu-west-1a", "to": 'tf:network:aws_subnet.private["a"]',
         "kind": "contains", "detail": "by hand"},
        {"from": "zone:eu-west-1a", "to": "region:eu-west-1"}]}))
    links = faultline.read_link_mapping(mapping)
    assert links == [
        {"from": "zone:eu-west-1a", "to": 'tf:network:aws_subnet.private["a"]',
         "kind": "contains", "detail": "by hand"},
        {"from": "zone:eu-west-1a", "to": "region:eu-west-1", "kind": "runs_on", "detail": ""}]
    assert faultline.read_link_mapping(mapping.read_bytes(), name="upload.json") == links
    with pytest.raises(ValueError, match=r"upload\.json:1:"):
        faultline.read_link_mapping(b'[{"from": "a", "too": "b"}]', name="upload.json")

    b = faultline.ModelBuilder()
    b.add_terraform_state(NETWORK_STATE, name="network.tfstate")
    report = b.add_links(links[:1])
    assert report.links == 1
    e = b.freeze().edges()
    assert e[e.link_set == "mapping"][["source", "kind", "link_detail"]].values.tolist() == [
        ["zone:eu-west-1a", "contains", "by hand"]]
