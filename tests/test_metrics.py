"""Metrics as embedded metric format (EMF) lines: the document, the line, the handler's output.

moto extracts no metric from a log line and evaluates no alarm; what these tests prove is
that each line is a document CloudWatch Logs accepts under the specification
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
in the namespace and with the names and no dimensions the alarms watch.
"""

from __future__ import annotations

import io
import json
import logging
import time

import pytest
from paramguard import handler
from paramguard.report import EMF_MAX_METRICS, Counters, emf_document, publish_metrics

from support import emf, iam_policy
from support.awsutil import LambdaContext
from support.builders import gz_log, load_event, log_key, put_parameter, s3_event

from .conftest import Stack

NS = "ParamStoreAnalyser"
ALARMED = ("AnomaliesDetected", "LogFilesProcessed", "LogFileFailures", "DictionaryLoadFailures")


def busy_counters() -> Counters:
    return Counters(
        findings=2,
        log_files=3,
        records=40,
        bytes_scanned=12_345,
        log_file_failures=1,
        inspect_values=True,
        value_read_failures=1,
    )


def test_the_document_follows_the_specification() -> None:
    counters = busy_counters()
    document = emf_document("Team/Paramguard", counters, 1_764_460_800_123)

    assert emf.problems(document) == []
    [directive] = document["_aws"]["CloudWatchMetrics"]
    assert document["_aws"]["Timestamp"] == 1_764_460_800_123
    assert directive["Namespace"] == "Team/Paramguard"
    assert directive["Dimensions"] == [[]]  # no dimensions: what the alarms name
    names = [metric["Name"] for metric in directive["Metrics"]]
    assert names == [name for name, _, _ in counters.metrics()]
    assert len(names) == len(set(names)) <= EMF_MAX_METRICS
    for name, value, unit in counters.metrics():
        assert document[name] == value and type(document[name]) is int
        assert {"Name": name, "Unit": unit} in directive["Metrics"]
    assert (document["AnomaliesDetected"], document["LogFilesProcessed"]) == (2, 3)
    assert {"Name": "LogBytesScanned", "Unit": "Bytes"} in directive["Metrics"]
    assert {"Name": "AnomaliesDetected", "Unit": "Count"} in directive["Metrics"]


def test_a_quiet_invocation_still_gives_the_alarms_their_points() -> None:
    document = emf_document(NS, Counters(log_files=1), 1)
    for name in ALARMED:
        assert name in document  # zero or not: the heartbeat and the finding alarm need a point
    assert document["AnomaliesDetected"] == 0 and document["LogFilesProcessed"] == 1
    assert emf.metric_sum([json.dumps(document)], NS, "AnomaliesDetected") == 0


def test_value_inspection_metrics_only_when_it_is_on() -> None:
    off = emf_document(NS, Counters(), 1)
    on = emf_document(NS, Counters(inspect_values=True), 1)
    assert "ValuesNotInspected" not in off and "ValueReadFailures" not in off
    assert on["ValuesNotInspected"] == 0 and on["ValueReadFailures"] == 0


def test_more_metrics_than_one_directive_holds_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    many = [(f"M{i}", 0, "Count") for i in range(EMF_MAX_METRICS + 1)]
    monkeypatch.setattr(Counters, "metrics", lambda self: many)
    with pytest.raises(ValueError, match="100"):
        emf_document(NS, Counters(), 1)


def test_the_line_is_exactly_one_json_object_with_a_current_timestamp() -> None:
    out = io.StringIO()
    before = int(time.time() * 1000)
    # A namespace with characters JSON escapes or a terminal would show oddly.
    publish_metrics('Team "A"/\u00e9\u2028x', busy_counters(), out)
    after = int(time.time() * 1000)

    text = out.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1  # one log event
    assert text.isascii()
    [document] = emf.documents(text)
    assert text.startswith("{") and json.loads(text) == document  # no prefix, no suffix
    assert before <= document["_aws"]["Timestamp"] <= after
    assert document["_aws"]["CloudWatchMetrics"][0]["Namespace"] == 'Team "A"/\u00e9\u2028x'


def line(metrics: list[object], dimensions: object = None, **members: object) -> str:
    directive = {"Namespace": "N", "Dimensions": dimensions or [[]], "Metrics": metrics}
    document = {"_aws": {"Timestamp": 1, "CloudWatchMetrics": [directive]}, **members}
    return json.dumps(document)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('2026-11-30T02:00:00Z\tc0ffee\tINFO\t{"_aws":{}}', "not exactly one JSON object"),
        ('{"_aws":{"Timestamp":"now","CloudWatchMetrics":[]}}', "Timestamp"),
        ('{"_aws":{"Timestamp":1.5,"CloudWatchMetrics":[]}}', "Timestamp"),
        ('{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]}}', "non-empty"),
        (line([{"Name": "A", "Unit": "Count"}], A="1"), "must be a number"),
        (line([{"Name": "A", "Unit": "Count"}]), "must be a number"),
        (line([{"Name": "A", "Unit": "Count"}], A=True), "must be a number"),
        (line([{"Name": "A", "Unit": "Things"}], A=1), "not a CloudWatch unit"),
        (line([{"Name": "A"}], [["F"]], A=1), "dimension 'F'"),
        (
            line([{"Name": f"M{i}"} for i in range(101)], **{f"M{i}": 0 for i in range(101)}),
            "at most 100",
        ),
    ],
)
def test_the_checker_refuses_what_cloudwatch_would(line: str, reason: str) -> None:
    """The shape checks above are only worth something if the checker can say no."""
    with pytest.raises(emf.InvalidEmf, match=reason):
        emf.documents([line])


# ---- The handler's output ----


def quiet_log(stack: Stack) -> str:
    key = log_key()
    records = [load_event("elastic_integrations_GetParameter.json")] * 20
    stack.s3.put_object(Bucket=stack.log_bucket, Key=key, Body=gz_log(records))
    return key


def test_each_invocation_writes_one_metrics_line(stack: Stack, context: LambdaContext) -> None:
    handler.lambda_handler(s3_event(stack.log_bucket, [quiet_log(stack)]), context)
    key = log_key()
    stack.s3.put_object(
        Bucket=stack.log_bucket, Key=key, Body=gz_log([put_parameter("/prod/db/password")])
    )
    handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)
    handler.lambda_handler(load_event("s3_test_event.json"), context)  # nothing to scan

    documents = stack.metrics.documents()
    assert len(documents) == 3
    assert [d["AnomaliesDetected"] for d in documents] == [0, 1, 0]
    assert [d["LogFilesProcessed"] for d in documents] == [1, 1, 0]
    assert all(d["_aws"]["CloudWatchMetrics"][0]["Namespace"] == NS for d in documents)


def test_a_quiet_log_file_costs_one_aws_call(stack: Stack, context: LambdaContext) -> None:
    # The cold start loads the dictionary; it is then cached for DICTIONARY_TTL_SECONDS.
    handler.lambda_handler(s3_event(stack.log_bucket, [quiet_log(stack)]), context)
    assert not hasattr(handler.runtime(), "cloudwatch")
    key = quiet_log(stack)

    with iam_policy.record_api_calls() as calls:
        result = handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)

    assert result["findings"] == 0
    assert [(service, operation) for service, operation, _ in calls] == [("s3", "GetObject")]
    assert emf.metric_sum(stack.metrics, NS, "LogFilesProcessed") == 2


def test_with_lambdas_json_log_format_the_line_stays_raw(
    stack: Stack,
    context: LambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Lambda's JSON format wraps logging records; the metrics must not go through logging."""
    monkeypatch.setenv("AWS_LAMBDA_LOG_FORMAT", "JSON")
    handler.reset()
    caplog.set_level(logging.DEBUG)

    handler.lambda_handler(s3_event(stack.log_bucket, [quiet_log(stack)]), context)

    [document] = stack.metrics.documents()
    assert document["LogFilesProcessed"] == 1
    assert not [r for r in caplog.records if "_aws" in r.getMessage() or hasattr(r, "_aws")]
