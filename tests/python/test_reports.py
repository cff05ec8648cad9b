"""Report objects: every input call returns one, of one shape for one source or a list."""

import copy
import json
import pickle

import pytest

import faultline

from conftest import REPO_ROOT

TRACES = REPO_ROOT / "tests" / "data" / "traces"
IAC = REPO_ROOT / "tests" / "data" / "iac"
TOPOLOGY = REPO_ROOT / "datasets" / "topology" / "online-boutique.json"
BACKEND = "s3://acme-tfstate/{}/terraform.tfstate"


def mini_topology(tmp_path, name, services):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"name": name, "services": [{"name": s} for s in services]}))
    return path


def links_file(tmp_path):
    path = tmp_path / "links.json"
    path.write_text(json.dumps([{"from": "zone:eu-west-1a", "to": "region:eu-west-1",
                                 "kind": "runs_on", "detail": "by hand"}]))
    return path


# Each input call with one source: (call, report class, the fields the report must have).
CALLS = {
    "add_topology": (lambda b, s: b.add_topology(s), faultline.TopologyReport),
    "add_traces": (lambda b, s: b.add_traces(s), faultline.TraceReport),
    "add_terraform_state": (lambda b, s: b.add_terraform_state(s), faultline.TerraformStateReport),
    "add_terraform_plan": (lambda b, s: b.add_terraform_plan(s), faultline.TerraformPlanReport),
    "add_links": (lambda b, s: b.add_links(s), faultline.LinkMappingReport),
}


def source_for(call, tmp_path):
    return {
        "add_topology": TOPOLOGY,
        "add_traces": TRACES / "canonical.otlp.json",
        "add_terraform_state": IAC / "aws" / "data.tfstate",
        "add_terraform_plan": IAC / "aws" / "data.plan.json",
        "add_links": links_file(tmp_path),
    }[call]


def prepared_builder(call):
    b = faultline.ModelBuilder()
    if call == "add_terraform_plan":
        b.add_terraform_state(str(IAC / "aws" / "data.tfstate"))
    return b


@pytest.mark.parametrize("call", sorted(CALLS))
def test_one_source_and_a_list_of_it_give_the_same_report(call, tmp_path):
    run, cls = CALLS[call]
    source = source_for(call, tmp_path)
    single = run(prepared_builder(call), source)
    listed = run(prepared_builder(call), [str(source)])
    assert type(single) is cls and type(listed) is cls
    assert isinstance(single, faultline.Report)
    assert single.to_dict() == listed.to_dict()
    assert single.sources == [str(source)]
    assert len(single.files) == 1 and single.files[0]["source"] == str(source)
    # JSON-ready as it is, and the same data back.
    assert json.loads(json.dumps(single.to_dict())) == single.to_dict()
    frame = single.to_dataframe()
    assert list(frame.index) == [0] and frame.index.name == "file"
    assert list(frame.columns) == list(single.files[0])
    assert frame["source"].tolist() == [str(source)]


def test_trace_report_totals_over_files_and_the_stream_summary():
    b = faultline.ModelBuilder()
    good = (TRACES / "canonical.otlp.json").read_text().strip().replace("\n", " ")
    broken = (good + "\n{\"resourceSpans\": [ broken\n").encode()
    report = b.add_traces([str(TRACES / "canonical.csv"), broken], name="mixed.jsonl")
    assert report.sources == [str(TRACES / "canonical.csv"), "mixed.jsonl"]
    assert [f.format for f in report.files] == ["csv", "otlp-json"]
    assert report.spans_read == sum(f.spans_read for f in report.files)
    assert report.spans_accepted == 14
    assert report.spans_rejected == sum(report.rejected.values()) >= 1
    assert report.rejected == report.files[1].rejected and report.files[0].rejected == {}
    assert report.errors == report.files[1].errors and "mixed.jsonl" in report.errors[0]
    # The second copy of the trace duplicates the first: one trace.
    assert report.summary.traces == 1 and report["summary"]["duplicate_spans"] == 7
    frame = report.to_dataframe()
    assert frame["format"].tolist() == ["csv", "otlp-json"]
    assert frame["spans_accepted"].tolist() == [7, 7]


def test_per_file_fields_are_read_from_files_when_there_are_several():
    b = faultline.ModelBuilder()
    one = b.add_traces(str(TRACES / "canonical.otlp.json"))
    assert one.format == one["format"] == "otlp-json"
    assert "format" in one and one.get("format") == "otlp-json"
    two = faultline.ModelBuilder().add_traces(
        [str(TRACES / "canonical.otlp.json"), str(TRACES / "canonical.otlp.pb")])
    with pytest.raises(KeyError, match="per-file field.*2 files"):
        two["format"]
    with pytest.raises(AttributeError, match="format"):
        two.format
    assert "format" not in two and two.get("format") is None
    assert [f.format for f in two.files] == ["otlp-json", "otlp-proto"]


def test_topology_report_over_several_documents(tmp_path):
    b = faultline.ModelBuilder()
    a = mini_topology(tmp_path, "a", ["x", "y"])
    c = mini_topology(tmp_path, "c", ["z"])
    report = b.add_topology([a, c], subgraph=[None, "catalogue/c"])
    assert report.subgraphs == ["topology/a", "catalogue/c"]
    assert report.services == 3 and report.entities == 3 and report.edges == 0
    assert [f.services for f in report.files] == [2, 1]
    assert b.subgraph_ids() == ["topology/a", "catalogue/c"]
    assert "topology/a" in repr(report) and "services=3" in repr(report)


def test_terraform_state_report_over_several_stacks():
    b = faultline.ModelBuilder()
    paths = [str(IAC / "aws" / f"{s}.tfstate") for s in ("apps", "data", "network")]
    report = b.add_terraform_state(paths, backend=[BACKEND.format(s)
                                                   for s in ("apps", "data", "network")])
    assert report.stacks == ["apps", "data", "network"]
    assert report.subgraphs == ["iac/apps", "iac/data", "iac/network"]
    assert [f.instances for f in report.files] == [22, 7, 14]
    assert report.instances == 43
    assert report.transitive_dependencies_removed == 33 + 2 + 9
    # Each stack's remote states were unresolved when it was read (their producers came
    # later): apps reads data and network, data reads network.
    assert [len(f.unresolved_remote_states) for f in report.files] == [2, 1, 0]
    assert report.unresolved_remote_states == (report.files[0].unresolved_remote_states
                                               + report.files[1].unresolved_remote_states)
    frame = report.to_dataframe()
    assert frame[["stack", "instances", "serial"]].values.tolist() == [
        ["apps", 22, 57], ["data", 7, 31], ["network", 14, 12]]

    again = b.add_terraform_state(str(IAC / "aws" / "data.serial32.tfstate"), stack="data",
                                  backend=BACKEND.format("data"))
    assert (again.previous_serial, again.serial) == (31, 32)
    assert again.changes == again.files[0].changes and len(again.changes) == 3


def test_link_reports():
    b = faultline.ModelBuilder()
    for stack in ("apps", "data", "network"):
        b.add_terraform_state(str(IAC / "aws" / f"{stack}.tfstate"), backend=BACKEND.format(stack))
    b.add_traces(str(IAC / "traces" / "shop.otlp.json"))
    links = b.link_infrastructure()
    assert isinstance(links, faultline.LinkReport)
    assert links.links_by_rule == {"endpoint": 2, "function": 1, "k8s": 4, "queue": 1}
    assert links.links == 8
    assert links.unlinked_infrastructure == ["tf:data:aws_sns_topic.events"]
    frame = links.to_dataframe()
    assert frame.values.tolist() == [["endpoint", 2], ["function", 1], ["k8s", 4], ["queue", 1]]
    assert links.to_dict()["links_by_rule"] == links.links_by_rule

    inline = b.add_links([
        {"from": "zone:eu-west-1a", "to": "region:eu-west-1", "detail": "a"},
        {"from": "zone:eu-west-1b", "to": "region:eu-west-1", "detail": "b"},
    ])
    assert inline.sources == ["<list>"] and inline.links == 2
    assert inline.to_dataframe().values.tolist() == [["<list>", 2]]


def test_reports_are_read_only_mappings_that_copy_and_pickle():
    report = faultline.ModelBuilder().add_traces(str(TRACES / "canonical.otlp.json"))
    with pytest.raises(AttributeError, match="read-only"):
        report.spans_read = 0
    assert list(report) == ["files", "sources", "spans_read", "spans_accepted", "rejected",
                            "errors", "spans_rejected", "summary"]
    assert dict(report)["spans_read"] == 7
    assert "summary" in dir(report)
    for clone in (pickle.loads(pickle.dumps(report)), copy.deepcopy(report)):
        assert type(clone) is faultline.TraceReport
        assert clone == report and clone.to_dict() == report.to_dict()
        assert clone.summary.paired_calls == 2


def test_per_source_options_must_match_the_sources(tmp_path):
    b = faultline.ModelBuilder()
    a = mini_topology(tmp_path, "a", ["x"])
    c = mini_topology(tmp_path, "c", ["z"])
    with pytest.raises(ValueError, match="subgraph: a single value names one source"):
        b.add_topology([a, c], subgraph="same")
    with pytest.raises(ValueError, match="backend: expected a str or a list of 2 values"):
        b.add_terraform_state([str(IAC / "aws" / "data.tfstate")] * 2, backend=["s3://x"])
    with pytest.raises(ValueError, match="no sources given"):
        b.add_traces([])
    with pytest.raises(TypeError, match=r"stack\[1\]"):
        b.add_terraform_plan([b"{}", b"{}"], stack=[None, 3])
    assert b.subgraph_ids() == []
