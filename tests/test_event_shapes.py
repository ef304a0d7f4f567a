"""Every event shape the function meets, each built from a real payload in tests/events/."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from paramguard import handler
from paramguard.events import TransientError, UnrecognisedEvent

from support.awsutil import ACCOUNT, REGION, LambdaContext, drain_messages
from support.builders import gz_log, load_event, log_key, put_parameter, s3_event, sqs_event
from support.emf import metric_sum

from .conftest import Stack, fail_reads_of


def deliver(stack: Stack, name: str = "/prod/db/password", event_id: str = "evt-1") -> str:
    key = log_key()
    stack.s3.put_object(
        Bucket=stack.log_bucket, Key=key, Body=gz_log([put_parameter(name, event_id=event_id)])
    )
    return key


def sns_wrapped(message: Any) -> dict[str, Any]:
    """The Lambda SNS event sample with our message in it."""
    event = load_event("sns_event_lambda-go.json")
    event["Records"][0]["Sns"]["Message"] = json.dumps(message)
    return dict(event)


def sns_envelope(message: Any) -> str:
    """The SNS envelope SQS receives from a topic (non-raw delivery), from the same sample."""
    sns = copy.deepcopy(load_event("sns_event_lambda-go.json")["Records"][0]["Sns"])
    sns["Message"] = json.dumps(message)
    return json.dumps(sns)


def subjects(stack: Stack) -> list[str]:
    return [m["Subject"] for m in drain_messages(stack.sqs, stack.queue_url)]


def test_s3_notification_in_sns(stack: Stack, context: LambdaContext) -> None:
    key = deliver(stack)
    result = handler.lambda_handler(sns_wrapped(s3_event(stack.log_bucket, [key])), context)
    assert result["kind"] == "sns" and result["findings"] == 1
    assert len(subjects(stack)) == 1


def test_s3_notification_in_sqs_with_partial_batch_response(
    stack: Stack, context: LambdaContext
) -> None:
    key = deliver(stack)
    event = sqs_event(
        json.dumps(s3_event(stack.log_bucket, [key])),
        "this is not json",
        json.dumps(load_event("s3_test_event.json")),
    )

    result = handler.lambda_handler(event, context)

    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}
    assert len(subjects(stack)) == 1


def test_sns_envelope_in_sqs(stack: Stack, context: LambdaContext) -> None:
    key = deliver(stack)
    event = sqs_event(sns_envelope(s3_event(stack.log_bucket, [key])))

    assert handler.lambda_handler(event, context) == {"batchItemFailures": []}
    assert len(subjects(stack)) == 1


def test_sqs_message_with_throttled_read_is_retried_alone(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, slow = deliver(stack), deliver(stack, "/prod/api_token", "evt-2")
    fail_reads_of(monkeypatch, slow, "SlowDown", 503)
    event = sqs_event(
        json.dumps(s3_event(stack.log_bucket, [good])),
        json.dumps(s3_event(stack.log_bucket, [slow])),
    )

    assert handler.lambda_handler(event, context) == {
        "batchItemFailures": [{"itemIdentifier": "msg-1"}]
    }


def test_cloudtrail_own_sns_notification(stack: Stack, context: LambdaContext) -> None:
    key = deliver(stack)
    message = load_event("cloudtrail_sns_message_single_key.json")
    message["s3Bucket"], message["s3ObjectKey"] = stack.log_bucket, [key]

    result = handler.lambda_handler(sns_wrapped(message), context)

    assert result["objects"] == 1 and result["findings"] == 1


def eventbridge(detail_type: str, detail: dict[str, Any]) -> dict[str, Any]:
    """An EventBridge event, on the envelope of the documented SSM sample."""
    event = load_event("eventbridge_ssm_parameter_store_change_create.json")
    event["detail-type"], event["detail"] = detail_type, detail
    event["account"], event["region"] = ACCOUNT, REGION
    return dict(event)


def test_eventbridge_cloudtrail_api_call(stack: Stack, context: LambdaContext) -> None:
    record = put_parameter("/prod/db/password", event_id="evt-eb")
    result = handler.lambda_handler(eventbridge("AWS API Call via CloudTrail", record), context)

    assert result["kind"] == "eventbridge" and result["findings"] == 1
    [message] = drain_messages(stack.sqs, stack.queue_url)
    assert "arn:aws:iam::123456789012:user/alice" in message["Message"]


@pytest.mark.parametrize(
    ("sample", "found"),
    [
        ("eventbridge_ssm_parameter_store_change_create.json", True),
        ("eventbridge_ssm_parameter_store_change_update.json", True),
        ("eventbridge_ssm_parameter_store_change_delete.json", False),
    ],
)
def test_parameter_store_change(
    stack: Stack, context: LambdaContext, sample: str, found: bool
) -> None:
    event = load_event(sample)
    assert handler.lambda_handler(event, context)["findings"] == 0  # MyExampleParameter

    event["detail"]["name"] = "/prod/db/password"
    assert handler.lambda_handler(event, context)["findings"] == int(found)
    messages = drain_messages(stack.sqs, stack.queue_url)
    if found:
        assert "does not say who made the change" in messages[0]["Message"]
        assert "Who:            unknown" in messages[0]["Message"]


@pytest.mark.parametrize(
    "sample",
    [
        "s3_batch_ops_request_schema1.0_powertools.json",
        "s3_batch_ops_request_schema2.0_powertools.json",
    ],
)
def test_s3_batch_operations(stack: Stack, context: LambdaContext, sample: str) -> None:
    key = deliver(stack)
    event = load_event(sample)
    task = event["tasks"][0]
    task["s3Key"] = key.replace("_", "%5F")  # manifests hold URL-encoded keys
    if "s3BucketArn" in task:
        task["s3BucketArn"] = f"arn:aws:s3:::{stack.log_bucket}"
    else:
        task["s3Bucket"] = stack.log_bucket
    task["s3VersionId"] = None
    missing = dict(task, taskId="missing", s3Key=log_key())
    event["tasks"].append(missing)

    answer = handler.lambda_handler(event, context)

    documented = load_event("s3_batch_ops_response_lambda-go.json")
    assert answer.keys() == documented.keys()
    assert answer["invocationSchemaVersion"] == event["invocationSchemaVersion"]
    assert answer["invocationId"] == event["invocationId"]
    assert answer["treatMissingKeysAs"] == "PermanentFailure"
    codes = {r["taskId"]: r["resultCode"] for r in answer["results"]}
    assert codes == {task["taskId"]: "Succeeded", "missing": "PermanentFailure"}
    assert all(r.keys() == documented["results"][0].keys() for r in answer["results"])
    assert len(subjects(stack)) == 1


def test_s3_batch_operations_throttled_is_temporary(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = load_event("s3_batch_ops_request_schema2.0_powertools.json")
    event["tasks"][0].update(s3Bucket=stack.log_bucket, s3Key=deliver(stack))
    rt = handler.runtime()

    def throttled(**kwargs: Any) -> Any:
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "x"}}, "GetObject")

    monkeypatch.setattr(rt.s3, "get_object", throttled)
    [result] = handler.lambda_handler(event, context)["results"]
    assert result["resultCode"] == "TemporaryFailure"


def test_direct_s3_event_with_throttled_read_raises_for_retry(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, slow = deliver(stack), deliver(stack, "/prod/api_token", "evt-2")
    fail_reads_of(monkeypatch, slow, "Throttling", 400)
    with pytest.raises(TransientError, match="Throttling"):
        handler.lambda_handler(s3_event(stack.log_bucket, [slow, good]), context)
    assert len(subjects(stack)) == 1  # the readable object was still reported


@pytest.mark.parametrize(
    ("event", "named"),
    [
        ({"hello": "world"}, "keys [hello]"),
        ([1, 2], "a list"),
        ({"detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2"}, "aws.ec2"),
        ({"invocationSchemaVersion": "3.0", "invocationId": "x", "tasks": []}, "'3.0'"),
    ],
)
def test_unrecognised_events_raise_naming_what_came(
    stack: Stack, context: LambdaContext, event: Any, named: str
) -> None:
    with pytest.raises(UnrecognisedEvent, match=named.replace("[", r"\[")):
        handler.lambda_handler(event, context)
    assert metric_sum(stack.metrics, "ParamStoreAnalyser", "AnomaliesDetected") is None


def test_both_paths_notify_once(dedup_stack: Stack, context: LambdaContext) -> None:
    stack = dedup_stack
    record = put_parameter("/prod/db/password", event_id="evt-both")
    change = load_event("eventbridge_ssm_parameter_store_change_create.json")
    change["detail"]["name"] = "/prod/db/password"
    change["account"], change["region"] = ACCOUNT, REGION
    change["time"] = "2026-11-20T10:15:31Z"  # the same write, a second after CloudTrail's
    key = log_key()
    stack.s3.put_object(Bucket=stack.log_bucket, Key=key, Body=gz_log([record]))

    first = handler.lambda_handler(eventbridge("AWS API Call via CloudTrail", record), context)
    second = handler.lambda_handler(change, context)
    third = handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)
    again = handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)

    assert [r["findings"] for r in (first, second, third, again)] == [1, 0, 0, 0]
    assert [r["repeats"] for r in (first, second, third, again)] == [0, 1, 1, 1]
    assert len(subjects(stack)) == 1
    assert metric_sum(stack.metrics, "ParamStoreAnalyser", "AnomaliesDetected") == 1


def test_dedup_table_down_still_notifies(
    dedup_stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = handler.runtime()
    assert rt.dedup is not None

    def down(**kwargs: Any) -> Any:
        raise ClientError({"Error": {"Code": "InternalServerError", "Message": "x"}}, "PutItem")

    monkeypatch.setattr(rt.dedup._db, "put_item", down)
    key = deliver(dedup_stack)
    assert handler.lambda_handler(s3_event(dedup_stack.log_bucket, [key]), context)["findings"] == 1
    assert len(subjects(dedup_stack)) == 1


def scheduled_event() -> dict[str, Any]:
    """EventBridge Scheduler's classic 'Scheduled Event', as documented by EventBridge."""
    event = load_event("eventbridge_ssm_parameter_store_change_create.json")
    event.update(
        {
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": ACCOUNT,
            "region": REGION,
            "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/paramguard-inventory"],
            "detail": {},
        }
    )
    return dict(event)


def test_scheduled_sweep_reports_once_until_changed(
    dedup_stack: Stack, context: LambdaContext
) -> None:
    ssm = dedup_stack.ssm
    ssm.put_parameter(Name="/legacy/db_password", Value="v", Type="String")
    ssm.put_parameter(Name="/legacy/api_key", Value="v", Type="SecureString")
    ssm.put_parameter(Name="/legacy/colour", Value="v", Type="String")

    first = handler.lambda_handler(scheduled_event(), context)
    second = handler.lambda_handler(scheduled_event(), context)
    ssm.put_parameter(Name="/legacy/db_password", Value="v2", Type="String", Overwrite=True)
    third = handler.lambda_handler(scheduled_event(), context)

    assert first["kind"] == "schedule"
    assert [r["findings"] for r in (first, second, third)] == [1, 0, 1]
    messages = drain_messages(dedup_stack.sqs, dedup_stack.queue_url)
    assert len(messages) == 2 and all("/legacy/db_password" in m["Subject"] for m in messages)


def test_distinct_writes_of_one_name_are_each_notified(
    dedup_stack: Stack, context: LambdaContext
) -> None:
    stack = dedup_stack
    first = put_parameter("/prod/db/password", event_id="w1")
    later = {
        **put_parameter("/prod/db/password", event_id="w2"),
        "eventTime": "2026-11-20T10:45:00Z",
    }
    # Deleted and created again: version 1 once more, a new write all the same.
    recreated = {
        **put_parameter("/prod/db/password", event_id="w3"),
        "eventTime": "2026-11-21T09:00:00Z",
    }
    keys = [log_key() for _ in range(3)]
    for key, record in zip(keys, (first, later, recreated), strict=True):
        stack.s3.put_object(Bucket=stack.log_bucket, Key=key, Body=gz_log([record]))

    results = [handler.lambda_handler(s3_event(stack.log_bucket, [k]), context) for k in keys]

    assert [r["findings"] for r in results] == [1, 1, 1]
    assert len(subjects(stack)) == 3


def test_a_change_event_minutes_away_is_a_different_write(
    dedup_stack: Stack, context: LambdaContext
) -> None:
    record = put_parameter("/prod/db/password", event_id="w1")
    change = load_event("eventbridge_ssm_parameter_store_change_update.json")
    change["detail"]["name"] = "/prod/db/password"
    change.update(account=ACCOUNT, region=REGION, time="2026-11-20T10:20:00Z")

    first = handler.lambda_handler(eventbridge("AWS API Call via CloudTrail", record), context)
    second = handler.lambda_handler(change, context)

    assert (first["findings"], second["findings"]) == (1, 1)
