"""`paramguard redrive`: how long a message is held, and that a failed one is back at once."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from paramguard.cli import main as cli_main
from paramguard.redrive import redrive

from support.awsutil import ACCOUNT, REGION
from support.builders import gz_log, log_key, put_parameter, s3_event
from support.iam_policy import record_api_calls

from .conftest import Stack, fail_reads_of

FUNCTION = "paramguard-analyzer"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli_main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def counts(sqs: Any, queue_url: str) -> tuple[int, int]:
    """(visible, in flight) messages of the queue."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


def visibility_timeouts(calls: list[tuple[str, str, dict[str, Any]]]) -> set[int]:
    """The VisibilityTimeout of every ReceiveMessage call recorded."""
    return {p["VisibilityTimeout"] for s, o, p in calls if (s, o) == ("sqs", "ReceiveMessage")}


def test_a_failed_message_is_in_the_queue_for_the_next_run(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Held for ten minutes while re-processed: a rerun within that time must still see it.
    queue_url = stack.sqs.create_queue(
        QueueName="paramguard-failures", Attributes={"VisibilityTimeout": "600"}
    )["QueueUrl"]
    good = log_key()
    stack.s3.put_object(
        Bucket=stack.log_bucket, Key=good, Body=gz_log([put_parameter("/prod/db/password")])
    )
    stuck = log_key()
    for key in (good, stuck):
        stack.sqs.send_message(
            QueueUrl=queue_url, MessageBody=json.dumps(s3_event(stack.log_bucket, [key]))
        )
    fail_reads_of(monkeypatch, stuck, "SlowDown", 503)

    code, out, err = run(["redrive", queue_url], capsys)

    assert code == 2
    assert "2 messages, 1 re-processed and deleted, 1 kept" in out
    assert counts(stack.sqs, queue_url) == (1, 0)
    # The re-processing's metrics line goes to stderr: stdout is the command's report.
    assert '"_aws"' not in out and '"_aws"' in err

    code, out, err = run(["redrive", queue_url], capsys)

    assert code == 2
    assert "1 messages, 0 re-processed and deleted, 1 kept" in out
    assert "SlowDown" in err


def test_each_message_is_tried_once_per_run(aws: None) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="paramguard-failures")["QueueUrl"]
    for number in range(13):
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"n": number}))
    tried: list[int] = []

    def fail(event: Any) -> Any:
        tried.append(event["n"])
        raise RuntimeError("still broken")

    report = redrive(sqs, queue_url, fail, visibility_timeout=300)

    assert sorted(tried) == list(range(13))
    assert (report.received, report.succeeded, len(report.failed)) == (13, 0, 13)
    assert report.returned == 13 and report.return_errors == []
    assert counts(sqs, queue_url) == (13, 0)


def test_the_queue_visibility_timeout_is_the_default_without_a_function(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    queue_url = stack.sqs.create_queue(
        QueueName="paramguard-failures", Attributes={"VisibilityTimeout": "77"}
    )["QueueUrl"]
    stack.sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"not": "an event"}))

    with record_api_calls() as calls:
        code, _, err = run(["redrive", queue_url], capsys)
    assert code == 2
    assert visibility_timeouts(calls) == {77}
    assert "holding each message 77 s (the queue's visibility timeout)" in err

    with record_api_calls() as calls:
        code, _, err = run(["redrive", queue_url, "--visibility-timeout", "45"], capsys)
    assert visibility_timeouts(calls) == {45}
    assert "holding each message 45 s (--visibility-timeout)" in err


@pytest.mark.parametrize("value", ["0", "43201", "ten"])
def test_a_bad_visibility_timeout_is_refused(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    queue_url = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/paramguard-failures"
    code, _, err = run(["redrive", queue_url, "--visibility-timeout", value], capsys)
    assert code == 2
    assert "1-43200" in err


@pytest.fixture
def function_stack(aws_credentials: None) -> Iterator[str]:
    """moto with a deployed function (timeout 123 s); moto answers invokes without running it."""
    with mock_aws(config={"lambda": {"use_docker": False}}):
        role = boto3.client("iam").create_role(
            RoleName="paramguard-analyzer",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )["Role"]["Arn"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("paramguard/handler.py", "def lambda_handler(e, c):\n    return e\n")
        boto3.client("lambda", region_name=REGION).create_function(
            FunctionName=FUNCTION,
            Runtime="python3.13",
            Role=role,
            Handler="paramguard.handler.lambda_handler",
            Code={"ZipFile": code.getvalue()},
            Timeout=123,
        )
        yield boto3.client("sqs", region_name=REGION).create_queue(
            QueueName="paramguard-failures", Attributes={"VisibilityTimeout": "30"}
        )["QueueUrl"]


def test_the_function_timeout_decides_how_long_a_message_is_held(
    function_stack: str, capsys: pytest.CaptureFixture[str]
) -> None:
    queue_url = function_stack
    sqs = boto3.client("sqs", region_name=REGION)
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"Records": []}))

    with record_api_calls() as calls:
        code, out, err = run(["redrive", queue_url, "--function", FUNCTION], capsys)

    # Not the queue's 30 s: a synchronous invoke may take the function's whole timeout.
    assert visibility_timeouts(calls) == {123 + 30}
    assert f"holding each message 153 s ({FUNCTION}'s timeout 123 s + 30 s)" in err
    assert [o for s, o, _ in calls if s == "lambda"] == ["GetFunctionConfiguration", "Invoke"]
    # moto answers without running the code, and without an error: re-processed.
    assert code == 0 and "1 messages, 1 re-processed and deleted, 0 kept" in out
    assert counts(sqs, queue_url) == (0, 0)


def test_a_missing_function_is_a_clear_error(
    function_stack: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["redrive", function_stack, "--function", "no-such-function"], capsys)
    assert code == 2 and "no-such-function" in err and "Traceback" not in err
