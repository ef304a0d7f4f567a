"""Faults survived, bad input refused, nothing lost, nothing leaked (the handler on moto)."""

from __future__ import annotations

import gzip
import json
import logging
import random
import zlib
from typing import Any

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paramguard import handler
from paramguard.cli import main as cli_main
from paramguard.events import TransientError
from paramguard.logfile import LogFormatError, scan_document
from paramguard.matcher import load_default
from paramguard.rule import evaluate_record

from support.awsutil import ACCOUNT, REGION, LambdaContext, client_error, drain_messages
from support.builders import SECRET_VALUE, gz_log, log_document, log_key, put_parameter, s3_event
from support.emf import metric_sum

from .conftest import Stack, fail_reads_of

NS = "ParamStoreAnalyser"


def deliver(stack: Stack, body: bytes, key: str | None = None, **extra: Any) -> str:
    key = key or log_key()
    stack.s3.put_object(Bucket=stack.log_bucket, Key=key, Body=body, **extra)
    return key


def good_log(stack: Stack, name: str = "/prod/db/password") -> str:
    return deliver(stack, gz_log([put_parameter(name)]))


# ---- Faults ----


@pytest.mark.parametrize(("code", "status"), [("SlowDown", 503), ("InternalError", 500)])
def test_transient_read_errors_retry_after_the_rest_is_done(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch, code: str, status: int
) -> None:
    broken, good = log_key(), good_log(stack)
    fail_reads_of(monkeypatch, broken, code, status)

    with pytest.raises(TransientError, match=code):
        handler.lambda_handler(s3_event(stack.log_bucket, [broken, good]), context)

    assert len(drain_messages(stack.sqs, stack.queue_url)) == 1
    assert metric_sum(stack.metrics, NS, "AnomaliesDetected") == 1


@pytest.mark.parametrize(("code", "status"), [("AccessDenied", 403), ("NoSuchKey", 404)])
def test_permanent_read_errors_are_counted_not_retried(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch, code: str, status: int
) -> None:
    broken, good = log_key(), good_log(stack)
    fail_reads_of(monkeypatch, broken, code, status)

    result = handler.lambda_handler(s3_event(stack.log_bucket, [broken, good]), context)

    assert (result["failed"], result["findings"]) == (1, 1)
    assert metric_sum(stack.metrics, NS, "LogFileFailures") == 1


def test_dictionary_bucket_unreachable_on_cold_start(stack: Stack, context: LambdaContext) -> None:
    stack.s3.delete_object(Bucket=stack.dictionary_bucket, Key=stack.dictionary_key)
    stack.s3.delete_bucket(Bucket=stack.dictionary_bucket)

    result = handler.lambda_handler(s3_event(stack.log_bucket, [good_log(stack)]), context)

    assert result["findings"] == 1 and result["dictionary"] == "bundled default"
    assert metric_sum(stack.metrics, NS, "DictionaryLoadFailures") == 1


def flaky_publish(monkeypatch: pytest.MonkeyPatch, failures: int) -> list[float]:
    """SNS answers the first `failures` publishes with a 500; returns the backoff sleeps."""
    rt = handler.runtime()
    real = rt.sns.publish
    calls: list[int] = []
    sleeps: list[float] = []

    def publish(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) <= failures:
            raise client_error("InternalError", "Publish", 500)
        return real(**kwargs)

    monkeypatch.setattr(rt.sns, "publish", publish)
    monkeypatch.setattr("paramguard.aws_io.time.sleep", sleeps.append)
    return sleeps


def test_sns_publish_is_retried_with_backoff(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleeps = flaky_publish(monkeypatch, failures=2)

    result = handler.lambda_handler(s3_event(stack.log_bucket, [good_log(stack)]), context)

    assert result["notifications_sent"] == 1
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] * 0.6  # backs off
    assert len(drain_messages(stack.sqs, stack.queue_url)) == 1


def test_sns_down_keeps_the_finding_in_log_and_metric(
    stack: Stack,
    context: LambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    flaky_publish(monkeypatch, failures=100)
    caplog.set_level(logging.INFO)

    result = handler.lambda_handler(s3_event(stack.log_bucket, [good_log(stack)]), context)

    assert result["notifications_failed"] == 1
    assert metric_sum(stack.metrics, NS, "AnomaliesDetected") == 1
    assert metric_sum(stack.metrics, NS, "NotificationFailures") == 1
    assert [r for r in caplog.records if getattr(r, "event", "") == "finding"]


def test_sse_kms_log_objects_are_read(stack: Stack, context: LambdaContext) -> None:
    key_id = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["KeyId"]
    key = deliver(
        stack,
        gz_log([put_parameter("/org/db_password")]),
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key_id,
    )
    assert stack.s3.head_object(Bucket=stack.log_bucket, Key=key)["ServerSideEncryption"] == (
        "aws:kms"
    )

    assert handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)["findings"] == 1


# ---- Bad input ----


def _bomb() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1024 * 1024)
    return b"".join(compressor.compress(block) for _ in range(64)) + compressor.flush()


BAD_OBJECTS = {
    "truncated-gzip": gz_log([put_parameter("/a/password")] * 50)[:-40],
    "not-gzip": b"PK\x03\x04 this is a zip file, not gzip",
    "empty": b"",
    "invalid-utf8": gzip.compress(b'{"Records": [{"eventName": "PutParameter", "x": "\xff\xfe"}]}'),
    "utf16": gzip.compress(log_document([put_parameter("/a/password")]).decode().encode("utf-16")),
    "json-array": gzip.compress(json.dumps([put_parameter("/a/password")]).encode()),
    "deeply-nested": gzip.compress(
        b'{"Records": [{"eventName": "PutParameter", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}]}"
    ),
    "gzip-bomb": _bomb(),
}


@pytest.mark.parametrize("kind", sorted(BAD_OBJECTS))
def test_bad_objects_are_counted_and_do_not_block_the_batch(
    stack: Stack,
    context: LambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    monkeypatch.setenv("MAX_DECOMPRESSED_BYTES", str(16 * 1024 * 1024))
    handler.reset()
    bad = deliver(stack, BAD_OBJECTS[kind])
    caplog.set_level(logging.INFO)

    result = handler.lambda_handler(s3_event(stack.log_bucket, [bad, good_log(stack)]), context)

    assert (result["failed"], result["findings"]) == (1, 1)
    [failure] = [r for r in caplog.records if getattr(r, "event", "") == "object_failed"]
    assert bad in failure.__dict__["object"] and failure.__dict__["error"]
    assert metric_sum(stack.metrics, NS, "LogFileFailures") == 1
    if kind == "gzip-bomb":
        assert metric_sum(stack.metrics, NS, "DecompressionLimitExceeded") == 1


@pytest.mark.parametrize(
    "name",
    [
        "/" + "a" * 2030 + "/db_password",
        "/prod/пароль/db_password",
        "/产品/数据库/secret",
        "/emoji/🔑/api_key",
    ],
)
def test_long_and_unicode_names_are_reported_cleanly(
    stack: Stack, context: LambdaContext, name: str
) -> None:
    key = deliver(stack, gz_log([put_parameter(name), {"eventName": "PutParameter"}, 7, None]))

    result = handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)

    assert result["findings"] == 1
    [message] = drain_messages(stack.sqs, stack.queue_url)
    assert len(message["Subject"]) <= 100 and name in message["Message"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)
RECORDISH = st.fixed_dictionaries(
    {
        "eventSource": st.sampled_from(["ssm.amazonaws.com", "s3.amazonaws.com", None, 3]),
        "eventName": st.sampled_from(["PutParameter", "GetParameter", None, []]),
        "requestParameters": JSON
        | st.fixed_dictionaries(
            {"name": JSON | st.text(), "type": st.sampled_from(["String", None, 1, "StringList"])}
        ),
        "userIdentity": JSON,
        "responseElements": JSON,
        "errorCode": st.none() | st.text(),
    }
)


@settings(max_examples=300, deadline=None)
@given(record=JSON | RECORDISH)
def test_the_rule_never_raises(record: Any) -> None:
    evaluate_record(record, load_default(), "fuzz")


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=300)
    | JSON.map(lambda v: json.dumps({"Records": [v, "PutParameter"]}).encode())
)
def test_scanning_raises_only_log_format_errors(data: bytes) -> None:
    try:
        scan_document(data, load_default(), "fuzz")
    except LogFormatError:
        pass


# ---- Nothing lost ----


def test_redrive_reprocesses_and_deletes_only_what_succeeded(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    queue_url = stack.sqs.create_queue(QueueName="paramguard-failures")["QueueUrl"]
    good = good_log(stack)
    stuck = log_key()
    destination_record = {  # the on-failure destination's envelope
        "version": "1.0",
        "timestamp": "2026-11-20T10:30:00.000Z",
        "requestContext": {
            "requestId": "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
            "functionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:paramguard:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 3,
        },
        "requestPayload": s3_event(stack.log_bucket, [good]),
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": "Unhandled",
        },
        "responsePayload": {"errorMessage": "transient errors: ..."},
    }
    stack.sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(destination_record))
    stack.sqs.send_message(  # a dead-letter queue holds the bare event
        QueueUrl=queue_url, MessageBody=json.dumps(s3_event(stack.log_bucket, [stuck]))
    )
    fail_reads_of(monkeypatch, stuck, "SlowDown", 503)

    code = cli_main(["redrive", queue_url])

    assert code == 2
    assert "2 messages, 1 re-processed and deleted, 1 kept" in capsys.readouterr().out
    assert len(drain_messages(stack.sqs, stack.queue_url)) == 1
    # The one kept is back in the queue at once, for the next run (tests/test_redrive.py).
    attributes = stack.sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "1"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_reprocessing_a_log_file_does_not_notify_twice(
    dedup_stack: Stack, context: LambdaContext
) -> None:
    event = s3_event(dedup_stack.log_bucket, [good_log(dedup_stack)])
    assert handler.lambda_handler(event, context)["findings"] == 1
    assert handler.lambda_handler(event, context)["findings"] == 0
    assert len(drain_messages(dedup_stack.sqs, dedup_stack.queue_url)) == 1


@pytest.mark.slow
def test_load_1000_events_every_finding_exactly_once(
    dedup_stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_NOTIFICATIONS_PER_INVOCATION", "1000")
    handler.reset()
    rng = random.Random(7)
    expected: set[str] = set()
    events = []
    noise = [
        {"eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances", "eventTime": "t"}
    ] * 40
    for index in range(1000):
        records: list[Any] = list(noise)
        if index % 4 == 0:
            name = f"/svc{index}/db_password"
            records.insert(rng.randrange(len(records)), put_parameter(name, event_id=f"e{index}"))
            expected.add(name)
        key = deliver(dedup_stack, gz_log(records))
        events.append(s3_event(dedup_stack.log_bucket, [key]))
    events += rng.sample(events, 100)  # at-least-once delivery repeats some

    for event in events:
        handler.lambda_handler(event, context)

    messages = drain_messages(dedup_stack.sqs, dedup_stack.queue_url)
    names = [m["MessageAttributes"]["parameter_name"]["Value"] for m in messages]
    assert sorted(names) == sorted(expected)
    assert metric_sum(dedup_stack.metrics, NS, "AnomaliesDetected") == len(expected)


# ---- Nothing leaked ----


def test_the_value_appears_nowhere(
    stack: Stack,
    context: LambdaContext,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
) -> None:
    records = [put_parameter("/prod/db/password"), put_parameter("/x/token", None, overwrite=True)]
    key = deliver(stack, gz_log(records))
    caplog.set_level(logging.DEBUG)

    handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)
    (tmp_path / "log.json.gz").write_bytes(gz_log(records))
    cli_main(["scan", str(tmp_path)])
    cli_main(["scan", "--json", str(tmp_path)])

    messages = drain_messages(stack.sqs, stack.queue_url)
    metrics = stack.metrics.documents()
    captured = capsys.readouterr()
    assert len(messages) == 2 and metrics
    for text in (
        json.dumps(messages),
        json.dumps(metrics, default=str),
        caplog.text,
        json.dumps([r.__dict__ for r in caplog.records], default=str),
        captured.out,
        captured.err,
    ):
        assert SECRET_VALUE not in text


def test_a_lone_surrogate_in_a_name_is_reported_not_a_crash(
    stack: Stack, context: LambdaContext
) -> None:
    document = log_document([put_parameter("/prod/db_password")]).replace(
        b"/prod/db_password", b"/prod/db_password\\ud800"
    )
    key = deliver(stack, gzip.compress(document))

    assert handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)["findings"] == 1
    [message] = drain_messages(stack.sqs, stack.queue_url)
    assert "/prod/db_password\\ud800" in message["Message"]


def test_any_publish_error_is_counted_never_raised(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = handler.runtime()

    def broken(**kwargs: Any) -> Any:
        raise ValueError("not a botocore error")

    monkeypatch.setattr(rt.sns, "publish", broken)

    result = handler.lambda_handler(s3_event(stack.log_bucket, [good_log(stack)]), context)

    assert result["notifications_failed"] == 1
    assert metric_sum(stack.metrics, NS, "AnomaliesDetected") == 1


def test_running_out_of_time_sends_a_summary_and_still_the_metric(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    class HurriedContext(LambdaContext):
        def get_remaining_time_in_millis(self) -> int:
            return 5_000  # less than the reserve kept for the summary and the metric

    records = [put_parameter(f"/svc{i}/password") for i in range(3)]
    key = deliver(stack, gz_log(records))

    result = handler.lambda_handler(s3_event(stack.log_bucket, [key]), HurriedContext())

    messages = drain_messages(stack.sqs, stack.queue_url)
    assert result["findings"] == 3 and len(messages) == 1
    assert "3 more" in messages[0]["Subject"]
    assert metric_sum(stack.metrics, NS, "AnomaliesDetected") == 3
