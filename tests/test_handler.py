"""The handler end to end on moto: a log object in S3 -> metric and notification out."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from paramguard import handler
from paramguard.events import UnrecognisedEvent

from support.awsutil import ACCOUNT, REGION, LambdaContext, drain_messages
from support.builders import SECRET_VALUE, gz_log, load_event, log_key, put_parameter, s3_event
from support.emf import metric_sum

from .conftest import Stack


def deliver(stack: Stack, records: list[Any], key: str | None = None) -> str:
    """Put a log file where CloudTrail would and return its key."""
    key = key or log_key()
    stack.s3.put_object(Bucket=stack.log_bucket, Key=key, Body=gz_log(records))
    return key


def test_plaintext_password_is_reported(stack: Stack, context: LambdaContext) -> None:
    key = deliver(
        stack,
        [
            load_event("elastic_integrations_GetParameter.json"),
            put_parameter("/prod/db/password", "String", event_id="evt-1"),
        ],
    )

    result = handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)

    assert result["findings"] == 1
    assert metric_sum(stack.metrics, "ParamStoreAnalyser", "AnomaliesDetected") == 1
    assert metric_sum(stack.metrics, "ParamStoreAnalyser", "LogFilesProcessed") == 1
    # A log this small (2 KB, under logfile.WHOLE_PARSE_BELOW) is parsed whole, so the rule
    # looks at both records; in a larger one only the PutParameter record is parsed.
    assert metric_sum(stack.metrics, "ParamStoreAnalyser", "RecordsEvaluated") == 2
    assert (metric_sum(stack.metrics, "ParamStoreAnalyser", "LogBytesScanned") or 0) > 1000
    [envelope] = drain_messages(stack.sqs, stack.queue_url)
    assert "/prod/db/password" in envelope["Subject"]
    body = envelope["Message"]
    for fact in (
        "/prod/db/password",
        "String",
        "password",
        ACCOUNT,
        REGION,
        "arn:aws:iam::123456789012:user/alice",
        "198.51.100.7",
        "aws-cli/2.17.60",
        "2026-11-20T10:15:30Z",
        "evt-1",
        f"s3://{stack.log_bucket}/{key}",
        "console.aws.amazon.com/systems-manager/parameters/%252Fprod%252Fdb%252Fpassword",
        "SecureString",
        "delete-parameter",
    ):
        assert fact in body, fact
    facts = json.loads(body.split("--- finding (JSON) ---", 1)[1])
    assert facts["parameter_name"] == "/prod/db/password"
    assert facts["matched"] == "password"
    attributes = envelope["MessageAttributes"]
    assert attributes["parameter_name"]["Value"] == "/prod/db/password"
    assert attributes["event_id"]["Value"] == "evt-1"


def test_clean_log_publishes_zero_and_sends_nothing(stack: Stack, context: LambdaContext) -> None:
    key = deliver(
        stack,
        [
            put_parameter("/prod/db/password", "SecureString"),
            put_parameter("/prod/app/feature_flags", "String"),
            put_parameter("/prod/db/password", "String", error_code="AccessDenied"),
        ],
    )

    result = handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)

    assert result["findings"] == 0
    assert metric_sum(stack.metrics, "ParamStoreAnalyser", "AnomaliesDetected") == 0
    assert drain_messages(stack.sqs, stack.queue_url) == []


def test_many_objects_in_one_event_and_org_trail_keys(stack: Stack, context: LambdaContext) -> None:
    keys = [
        deliver(stack, [put_parameter("/a/api_key", "String")]),
        deliver(
            stack,
            [put_parameter("/b/DB_PASSWORD", "StringList", account="210987654321")],
            key=log_key(account="210987654321", org="o-abcdefghij"),
        ),
        deliver(stack, [put_parameter("/c/name", "String")]),
    ]

    result = handler.lambda_handler(s3_event(stack.log_bucket, keys), context)

    assert result == {**result, "objects": 3, "scanned": 3, "findings": 2}
    subjects = sorted(m["Subject"] for m in drain_messages(stack.sqs, stack.queue_url))
    assert len(subjects) == 2
    assert "/a/api_key" in subjects[0] and "/b/DB_PASSWORD" in subjects[1]


def test_url_encoded_keys_are_decoded(stack: Stack, context: LambdaContext) -> None:
    key = log_key().replace("CloudTrail/", "CloudTrail/", 1)
    key = "custom prefix+x/" + key  # a space and a plus, encoded as + and %2B by S3
    deliver(stack, [put_parameter("/p/secret", "String")], key=key)

    result = handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)

    assert result["findings"] == 1


def test_digest_and_other_objects_are_skipped(stack: Stack, context: LambdaContext) -> None:
    digest_key = (
        f"AWSLogs/{ACCOUNT}/CloudTrail-Digest/{REGION}/2026/11/20/"
        f"{ACCOUNT}_CloudTrail-Digest_{REGION}_trail_{REGION}_20261120T101530Z.json.gz"
    )
    stack.s3.put_object(
        Bucket=stack.log_bucket,
        Key=digest_key,
        Body=gzip.compress(json.dumps(load_event("awsdocs_ctguide_digest_sample.json")).encode()),
    )
    stack.s3.put_object(Bucket=stack.log_bucket, Key="AWSLogs/readme.txt", Body=b"hello")

    result = handler.lambda_handler(
        s3_event(stack.log_bucket, [digest_key, "AWSLogs/readme.txt"]), context
    )

    assert result["skipped"] == 2 and result["failed"] == 0
    assert metric_sum(stack.metrics, "ParamStoreAnalyser", "ObjectsSkipped") == 2


def test_s3_test_event_is_ignored(stack: Stack, context: LambdaContext) -> None:
    result = handler.lambda_handler(load_event("s3_test_event.json"), context)

    assert result["kind"] == "s3-test-event" and result["objects"] == 0


def test_unrecognised_event_names_what_it_got(stack: Stack, context: LambdaContext) -> None:
    with pytest.raises(UnrecognisedEvent, match=r"keys \[detail, source\]"):
        handler.lambda_handler({"source": "x", "detail": {}}, context)


def test_corrupt_object_does_not_block_the_others(stack: Stack, context: LambdaContext) -> None:
    good = deliver(stack, [put_parameter("/prod/token", "String")])
    bad = log_key()
    stack.s3.put_object(Bucket=stack.log_bucket, Key=bad, Body=gz_log([])[:20])

    result = handler.lambda_handler(s3_event(stack.log_bucket, [bad, good]), context)

    assert result["failed"] == 1 and result["findings"] == 1
    assert metric_sum(stack.metrics, "ParamStoreAnalyser", "LogFileFailures") == 1


def test_missing_object_is_counted_not_raised(stack: Stack, context: LambdaContext) -> None:
    result = handler.lambda_handler(s3_event(stack.log_bucket, [log_key()]), context)

    assert result["failed"] == 1


def test_overwrite_without_type_is_looked_up(stack: Stack, context: LambdaContext) -> None:
    stack.ssm.put_parameter(Name="/x/db_password", Value="v", Type="String")
    stack.ssm.put_parameter(Name="/x/api_token", Value="v", Type="SecureString")
    key = deliver(
        stack,
        [
            put_parameter("/x/db_password", None, overwrite=True),
            put_parameter("/x/api_token", None, overwrite=True),
            put_parameter("/x/gone_secret", None, overwrite=True),
        ],
    )

    handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)

    found = {
        m["MessageAttributes"]["parameter_name"]["Value"]: m["MessageAttributes"]["parameter_type"][
            "Value"
        ]
        for m in drain_messages(stack.sqs, stack.queue_url)
    }
    assert found == {"/x/db_password": "String", "/x/gone_secret": "unknown"}


def test_notifications_are_capped_with_a_summary(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_NOTIFICATIONS_PER_INVOCATION", "3")
    handler.reset()
    key = deliver(stack, [put_parameter(f"/svc{i}/password", "String") for i in range(7)])

    result = handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)

    messages = drain_messages(stack.sqs, stack.queue_url)
    assert result["findings"] == 7 and len(messages) == 4
    summary = [m for m in messages if m["MessageAttributes"]["kind"]["Value"] == "summary"]
    assert len(summary) == 1 and "4 more" in summary[0]["Subject"]
    for i in range(3, 7):
        assert f"/svc{i}/password" in summary[0]["Message"]
    assert metric_sum(stack.metrics, "ParamStoreAnalyser", "AnomaliesDetected") == 7


def test_value_never_leaves_the_function(
    stack: Stack, context: LambdaContext, caplog: pytest.LogCaptureFixture
) -> None:
    key = deliver(stack, [put_parameter("/prod/db/password", "String")])
    caplog.set_level("DEBUG")

    handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)

    messages = drain_messages(stack.sqs, stack.queue_url)
    assert messages and SECRET_VALUE not in json.dumps(messages)
    assert caplog.records and SECRET_VALUE not in caplog.text
    assert all(SECRET_VALUE not in json.dumps(r.__dict__, default=str) for r in caplog.records)


def test_one_structured_log_line_per_finding(
    stack: Stack, context: LambdaContext, caplog: pytest.LogCaptureFixture
) -> None:
    key = deliver(
        stack, [put_parameter("/a/password", "String"), put_parameter("/b/pwd", "String")]
    )
    caplog.set_level("INFO")

    handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)

    findings = [r for r in caplog.records if getattr(r, "event", None) == "finding"]
    assert sorted(r.__dict__["parameter_name"] for r in findings) == ["/a/password", "/b/pwd"]


def test_warm_invocation_makes_no_dictionary_request(stack: Stack, context: LambdaContext) -> None:
    key = deliver(stack, [put_parameter("/a/password")])
    event = s3_event(stack.log_bucket, [key])
    handler.lambda_handler(event, context)  # cold: loads the dictionary
    reads: list[str] = []
    handler.runtime().s3.meta.events.register(
        "provide-client-params.s3.GetObject", lambda params, **_: reads.append(params["Key"])
    )

    handler.lambda_handler(event, context)

    assert reads == [key]  # the log object only, no dictionary request within the TTL
