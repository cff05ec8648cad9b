"""Logs from Python: faultline.read_logs(), builder.add_logs(), the snapshot's log views,
the template miner binding and the CLI."""

import gzip

import pandas as pd
import pytest

import faultline
from faultline import _core
from faultline.cli import main

from conftest import REPO_ROOT

LOGS = REPO_ROOT / "tests" / "data" / "logs"
NEZHA_SLICE = LOGS / "nezha-2022-08-22-0519-slice.csv"
NEZHA = REPO_ROOT.parent / "shared" / "datasets" / "nezha-online-boutique"
CART_POD = "instance:cartservice/cartservice-579f59597d-wc2lz"
T0 = 1_700_000_000_000_000_000
SEC = 1_000_000_000


def text_log(lines):
    return "".join(lines).encode()


# --- read_logs ---------------------------------------------------------------------------------


def test_read_logs_reads_the_nezha_slice():
    frame = faultline.read_logs(NEZHA_SLICE)
    assert list(frame.columns) == ["time_ns", "entity", "severity", "template_id", "template",
                                   "message", "trace_id", "span_id", "operation"]
    assert len(frame) == 59
    assert frame["severity"].value_counts().to_dict() == {"info": 56, "unspecified": 3}
    assert frame["entity"].nunique() == 10
    assert (frame[frame["entity"] == CART_POD]["severity"] == "unspecified").all()
    assert frame["message"].str.contains("TraceID: ").all()  # adservice puts a time first
    assert frame["template"].str.contains("TraceID: <*> SpanID: <*> ", regex=False).all()
    report = frame.attrs["report"]
    assert report["format"] == "csv"
    assert report["records_read"] == report["records_accepted"] == 59
    assert report["entities"] == 10


def test_read_logs_of_a_dataframe_with_datetimes_and_labels():
    frame = pd.DataFrame({
        "time": pd.to_datetime(["2024-01-02T03:04:05Z", "2024-01-02T03:04:06Z"]),
        "message": ["payment 17 failed", "payment 18 failed"],
        "severity": ["ERROR", "error"],
        "service": ["pay", "pay"],
    })
    rows = faultline.read_logs(frame)
    assert rows["time_ns"].tolist() == [1_704_164_645 * SEC, 1_704_164_646 * SEC]
    assert rows["entity"].tolist() == ["service:pay", "service:pay"]
    assert rows["severity"].tolist() == ["error", "error"]
    assert rows["template"].tolist() == ["payment <*> failed"] * 2
    assert rows["template_id"].tolist() == [0, 0]


def test_read_logs_of_plain_text_with_a_regex_and_static_labels():
    data = text_log([
        "2024-01-02T03:04:05Z web-1 WARN slow upstream\n",
        "2024-01-02T03:04:06Z web-2 ERROR upstream timed out after 30 s\n",
        "garbage\n",
    ])
    rows = faultline.read_logs(
        data, regex=r"^(?P<time>\S+) (?P<pod>\S+) (?P<severity>\w+) (?P<message>.*)$",
        labels={"service": "web"})
    assert rows["entity"].tolist() == ["instance:web/web-1", "instance:web/web-2"]
    assert rows["severity"].tolist() == ["warn", "error"]
    report = rows.attrs["report"]
    assert report["format"] == "text"
    assert report["rejected"] == {"line does not match the regex": 1}
    assert report["errors"] == ["<bytes>: line 3: line does not match the regex"]


def test_read_logs_keeps_unmapped_records_without_an_entity():
    rows = faultline.read_logs(b"time,message,color\n1700000000,hello,red\n")
    assert rows["entity"].tolist() == [None]
    assert rows.attrs["report"]["rejected"] == {"unmapped": 1}
    assert rows.attrs["report"]["unmapped_labels"] == ["{color=red}"]


def test_bad_arguments_and_bad_input_are_errors():
    with pytest.raises(ValueError, match="unknown log format"):
        faultline.read_logs(NEZHA_SLICE, format="syslog")
    with pytest.raises(ValueError, match="mapping: unknown key"):
        faultline.read_logs(NEZHA_SLICE, mapping={"when": "x"})
    with pytest.raises(ValueError, match="no time column"):
        faultline.read_logs(b"when,message\n1,x\n", name="a.csv")
    with pytest.raises(ValueError, match="not OTLP logs"):
        faultline.read_logs(b'{"resourceSpans": []}\n')
    with pytest.raises(KeyError):
        faultline.read_logs(REPO_ROOT / "no-such-file.log")


# --- the template miner binding -------------------------------------------------------------


def test_mine_log_templates_matches_the_documented_drain_behaviour():
    result = _core._mine_log_templates([
        "connection to db failed", "connection to cache failed", "user 12 logged in",
        "connection refused by peer",
    ])
    assert result["ids"].tolist() == [0, 0, 1, 2]
    assert result["templates"] == ["connection to <*> failed", "user <*> logged in",
                                   "connection refused by peer"]
    assert result["seconds"] >= 0


# --- into the model ---------------------------------------------------------------------------


def golden_csv():
    rows = ["time,severity,message,service"]
    rows.append(f"{T0 + 1 * SEC},error,payment 1 failed,checkout")
    rows.append(f"{T0 + 2 * SEC},error,payment 2 failed,checkout")
    rows.append(f"{T0 + 3 * SEC},info,order 7 placed,checkout")
    rows.append(f"{T0 + 12 * SEC},info,order 8 placed,checkout")
    rows.append(f"{T0 + 13 * SEC},,cache miss,cart")
    return ("\n".join(rows) + "\n").encode()


def test_add_logs_counts_per_bucket_by_severity_and_template():
    b = faultline.ModelBuilder()
    report = b.add_logs(golden_csv(), name="app.csv")
    assert report["records_accepted"] == 5
    assert report["templates"] == 3
    snap = b.freeze()
    counts = snap.log_counts("service:checkout")
    assert counts["bucket_start_ns"].tolist() == [T0, T0 + 10 * SEC]
    assert counts["total"].tolist() == [3, 1]
    assert counts["error"].tolist() == [2, 0]
    assert counts["info"].tolist() == [1, 1]
    templates = snap.log_templates("service:checkout")
    assert templates["template"].tolist() == ["payment <*> failed", "order <*> placed"]
    assert templates["count"].tolist() == [2, 2]
    assert templates["buckets"].tolist() == [1, 2]
    all_templates = snap.log_templates()
    assert set(all_templates["entity"]) == {"service:checkout", "service:cart"}
    assert snap.log_counts(window=(T0 + 10 * SEC, T0 + 20 * SEC))["total"].sum() == 2
    assert "logs/default" in set(snap.subgraphs()["id"])


def test_a_template_absent_from_the_baseline_window_is_visible():
    b = faultline.ModelBuilder()
    lines = [f"{T0 + i * SEC},info,request {i} served,api" for i in range(30)]
    lines += [f"{T0 + 40 * SEC + i},error,connection pool exhausted for db-{i},api"
              for i in range(300)]
    b.add_logs(("time,severity,message,service\n" + "\n".join(lines) + "\n").encode())
    snap = b.freeze()
    baseline = snap.log_templates("service:api", window=(T0, T0 + 30 * SEC))
    incident = snap.log_templates("service:api", window=(T0 + 40 * SEC, T0 + 50 * SEC))
    new = set(incident["template"]) - set(baseline["template"])
    assert new == {"connection pool exhausted for <*>"}
    assert incident[incident["template"].isin(new)]["count"].tolist() == [300]


def test_add_logs_of_a_dataframe_and_of_several_files(tmp_path):
    frame = pd.DataFrame({"time": [T0, T0 + SEC], "message": ["a 1", "a 2"], "service": ["s", "s"]})
    b = faultline.ModelBuilder()
    assert b.add_logs(frame)["records_accepted"] == 2
    first = tmp_path / "one.log"
    second = tmp_path / "two.log.gz"
    first.write_text("2024-01-02T03:04:05Z ERROR disk 1 full\n")
    second.write_bytes(gzip.compress(b"2024-01-02T03:04:15Z ERROR disk 2 full\n"))
    result = b.add_logs([first, second], labels={"service": "s"})
    assert [f["records_accepted"] for f in result["files"]] == [1, 1]
    assert result["templates"] == 1
    snap = b.freeze()
    assert snap.log_counts("service:s")["total"].sum() == 4
    assert set(snap.log_templates("service:s")["template"]) == {"a <*>", "disk <*> full"}


def test_the_same_records_in_every_format_give_the_same_counts():
    def counts(data, **kwargs):
        b = faultline.ModelBuilder()
        b.add_logs(data, **kwargs)
        snap = b.freeze()
        return (snap.log_counts().to_dict("list"),
                snap.log_templates().drop(columns=["template_id"]).to_dict("list"))

    csv = golden_csv()
    text = "".join(
        f"{pd.Timestamp(T0 + s * SEC, unit='ns', tz='UTC').isoformat().replace('+00:00', 'Z')} "
        f"{sev} {svc} {msg}\n"
        for s, sev, svc, msg in [(1, "ERROR", "checkout", "payment 1 failed"),
                                 (2, "ERROR", "checkout", "payment 2 failed"),
                                 (3, "INFO", "checkout", "order 7 placed"),
                                 (12, "INFO", "checkout", "order 8 placed"),
                                 (13, "-", "cart", "cache miss")]).encode()
    regex = r"^(?P<time>\S+) (?:(?P<severity>[A-Z]+)|-) (?P<service>\S+) (?P<message>.*)$"
    assert counts(csv) == counts(text, regex=regex)


def test_snapshot_log_views_survive_save_and_load(tmp_path):
    b = faultline.ModelBuilder()
    b.add_logs(golden_csv())
    snap = b.freeze()
    path = tmp_path / "m.flsnap"
    snap.save(path)
    loaded = faultline.Snapshot.load(path)
    pd.testing.assert_frame_equal(loaded.log_templates(), snap.log_templates())
    pd.testing.assert_frame_equal(loaded.log_counts(), snap.log_counts())


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_build_with_logs(tmp_path, capsys):
    model = tmp_path / "m.flsnap"
    assert main(["build", "--logs", str(NEZHA_SLICE), "--logs-format", "nezha",
                 "-o", str(model)]) == 0
    out = capsys.readouterr().out
    assert "59 log records, 59 accepted, 0 rejected" in out
    snap = faultline.Snapshot.load(model)
    assert snap.log_counts()["total"].sum() == 59


def test_cli_build_with_a_missing_log_file_is_an_input_error(tmp_path, capsys):
    assert main(["build", "--logs", str(tmp_path / "nope.log"), "-o", str(tmp_path / "m")]) == 1
    assert "no such file" in capsys.readouterr().err
