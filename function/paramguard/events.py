"""Recognising the events the function is invoked with (pure functions).

Every way CloudTrail activity reaches the function in real accounts: S3 notifications
(direct, or wrapped in SNS, SQS, or SNS inside SQS), CloudTrail's own SNS notification,
EventBridge (CloudTrail API calls, Parameter Store Change, scheduled sweeps) and
S3 Batch Operations.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

CLOUDTRAIL_API_CALL = "AWS API Call via CloudTrail"
PARAMETER_STORE_CHANGE = "Parameter Store Change"
SCHEDULED_EVENT = "Scheduled Event"


class UnrecognisedEvent(ValueError):
    """The function was invoked with an event it does not understand; nothing was processed."""


@dataclass(frozen=True)
class ObjectRef:
    """An S3 object to scan."""

    bucket: str
    key: str
    version_id: str | None = None
    size: int | None = None

    @property
    def uri(self) -> str:
        """s3://bucket/key of the object."""
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True)
class ParameterChange:
    """A `Parameter Store Change` event: name and type, but no actor."""

    name: str
    type: str | None
    operation: str
    account_id: str | None
    region: str | None
    time: str | None
    event_id: str | None


@dataclass
class Item:
    """A unit whose outcome is reported back on its own (an SQS message, a batch task)."""

    ident: str
    objects: list[ObjectRef] = field(default_factory=list)
    records: list[tuple[Any, str]] = field(default_factory=list)  # (CloudTrail record, source)
    changes: list[ParameterChange] = field(default_factory=list)
    sweep: bool = False
    error: str | None = None  # why this item could not be understood


@dataclass
class Work:
    """What one invocation has to do."""

    kind: str  # s3, sns, sqs, eventbridge, s3-batch, s3-test-event, schedule
    items: list[Item] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # reasons, for the log
    batch: Mapping[str, Any] | None = None  # the S3 Batch Operations request, to answer it

    @property
    def objects(self) -> list[ObjectRef]:
        """Every object of every item."""
        return [ref for item in self.items for ref in item.objects]


def _describe(event: Any) -> str:
    if isinstance(event, Mapping):
        keys = ", ".join(sorted(str(k) for k in event)[:10])
        return f"an object with keys [{keys}]"
    return f"a {type(event).__name__}"


def _s3_records(records: list[Any], item: Item, ignored: list[str]) -> None:
    for index, record in enumerate(records):
        if not isinstance(record, Mapping) or not isinstance(record.get("s3"), Mapping):
            raise UnrecognisedEvent(f"S3 notification record {index} has no 's3' object")
        event_name = str(record.get("eventName", ""))
        s3 = record["s3"]
        bucket = s3.get("bucket") if isinstance(s3.get("bucket"), Mapping) else {}
        obj = s3.get("object") if isinstance(s3.get("object"), Mapping) else {}
        name, key = bucket.get("name"), obj.get("key")
        if not isinstance(name, str) or not isinstance(key, str) or not name or not key:
            raise UnrecognisedEvent(f"S3 notification record {index} lacks bucket name or key")
        if event_name and not event_name.startswith("ObjectCreated:"):
            ignored.append(f"{event_name} for s3://{name}/{unquote_plus(key)}")
            continue
        size = obj.get("size")
        version = obj.get("versionId")
        item.objects.append(
            ObjectRef(
                bucket=name,
                key=unquote_plus(key),
                version_id=version if isinstance(version, str) and version else None,
                size=size if isinstance(size, int) else None,
            )
        )


def _is_s3_notification(payload: Mapping[str, Any]) -> bool:
    records = payload.get("Records")
    if not isinstance(records, list) or not records or not isinstance(records[0], Mapping):
        return False
    first = records[0]
    # Hand-written test events (the workshop's) omit eventSource.
    return first.get("eventSource") == "aws:s3" or ("s3" in first and "eventSource" not in first)


def _parameter_change(event: Mapping[str, Any]) -> ParameterChange | None:
    detail = event.get("detail")
    if not isinstance(detail, Mapping) or not isinstance(detail.get("name"), str):
        raise UnrecognisedEvent("Parameter Store Change event without detail.name")
    operation = str(detail.get("operation", ""))
    if operation not in {"Create", "Update"}:
        return None
    kind = detail.get("type")
    return ParameterChange(
        name=detail["name"],
        type=kind if isinstance(kind, str) else None,
        operation=operation,
        account_id=event.get("account") if isinstance(event.get("account"), str) else None,
        region=event.get("region") if isinstance(event.get("region"), str) else None,
        time=event.get("time") if isinstance(event.get("time"), str) else None,
        event_id=event.get("id") if isinstance(event.get("id"), str) else None,
    )


def _payload(payload: Any, item: Item, ignored: list[str], depth: int = 0) -> None:
    """Add what a (possibly wrapped) payload asks for to item; raise if it is not understood."""
    if depth > 3:
        raise UnrecognisedEvent("payload nested more than three envelopes deep")
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            raise UnrecognisedEvent(f"message body is not JSON: {payload[:80]!r}") from None
    if not isinstance(payload, Mapping):
        raise UnrecognisedEvent(f"unrecognised payload: {_describe(payload)}")
    if _is_s3_notification(payload):
        _s3_records(payload["Records"], item, ignored)
    elif payload.get("Event") == "s3:TestEvent":
        ignored.append(f"s3:TestEvent for {payload.get('Bucket')}")
    elif "s3Bucket" in payload and "s3ObjectKey" in payload:
        # CloudTrail's own SNS notification: keys are not URL-encoded here.
        bucket, keys = payload["s3Bucket"], payload["s3ObjectKey"]
        if not isinstance(bucket, str) or not isinstance(keys, list):
            raise UnrecognisedEvent("CloudTrail notification with malformed s3Bucket/s3ObjectKey")
        item.objects.extend(ObjectRef(bucket, key) for key in keys if isinstance(key, str))
    elif payload.get("Type") == "Notification" and isinstance(payload.get("Message"), str):
        _payload(payload["Message"], item, ignored, depth + 1)  # SNS envelope inside SQS
    elif "detail-type" in payload:
        _eventbridge(payload, item, ignored)
    else:
        raise UnrecognisedEvent(f"unrecognised payload: {_describe(payload)}")


def _eventbridge(event: Mapping[str, Any], item: Item, ignored: list[str]) -> None:
    detail_type = event.get("detail-type")
    source = event.get("source")
    if detail_type == CLOUDTRAIL_API_CALL:
        detail = event.get("detail")
        if not isinstance(detail, Mapping):
            raise UnrecognisedEvent("CloudTrail API call event without a detail object")
        item.records.append((detail, f"eventbridge:{event.get('id', '')}"))
    elif detail_type == PARAMETER_STORE_CHANGE and source == "aws.ssm":
        change = _parameter_change(event)
        if change is None:
            operation = event["detail"].get("operation")
            ignored.append(f"Parameter Store Change {operation} of {event['detail']['name']}")
        else:
            item.changes.append(change)
    elif detail_type == SCHEDULED_EVENT and source == "aws.events":
        item.sweep = True
    else:
        raise UnrecognisedEvent(
            f"unrecognised EventBridge event: source {source!r}, detail-type {detail_type!r}"
        )


def _batch(event: Mapping[str, Any]) -> Work:
    version = event.get("invocationSchemaVersion")
    if version not in {"1.0", "2.0"}:
        raise UnrecognisedEvent(f"S3 Batch Operations schema {version!r} is not 1.0 or 2.0")
    tasks = event.get("tasks")
    if not isinstance(tasks, list) or not isinstance(event.get("invocationId"), str):
        raise UnrecognisedEvent("S3 Batch Operations request without invocationId or tasks")
    work = Work("s3-batch", batch=event)
    for index, task in enumerate(tasks):
        if not isinstance(task, Mapping) or not isinstance(task.get("taskId"), str):
            raise UnrecognisedEvent(f"S3 Batch Operations task {index} has no taskId")
        item = Item(task["taskId"])
        bucket = task.get("s3Bucket")
        if not bucket and isinstance(task.get("s3BucketArn"), str):
            bucket = task["s3BucketArn"].rsplit(":", 1)[-1]
        key = task.get("s3Key")
        if isinstance(bucket, str) and bucket and isinstance(key, str) and key:
            version_id = task.get("s3VersionId")
            item.objects.append(
                ObjectRef(
                    bucket,
                    unquote_plus(key),  # manifest keys arrive URL-encoded
                    version_id if isinstance(version_id, str) and version_id else None,
                )
            )
        else:
            item.error = "task has no bucket or key"
        work.items.append(item)
    return work


def recognise(event: Any) -> Work:
    """Tell what kind of event this is and what it asks for; raise UnrecognisedEvent if unknown."""
    if not isinstance(event, Mapping):
        raise UnrecognisedEvent(f"unrecognised event: got {_describe(event)}")
    if "invocationSchemaVersion" in event:
        return _batch(event)
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], Mapping):
        source = records[0].get("eventSource") or records[0].get("EventSource")
        if source == "aws:sqs":
            return _sqs(records)
        if source == "aws:sns":
            work = Work("sns")
            item = Item("sns")
            for record in records:
                sns = record.get("Sns") if isinstance(record, Mapping) else None
                if not isinstance(sns, Mapping) or not isinstance(sns.get("Message"), str):
                    raise UnrecognisedEvent("SNS record without a Message")
                _payload(sns["Message"], item, work.ignored, 1)
            work.items.append(item)
            return work
    if _is_s3_notification(event):
        work = Work("s3")
        item = Item("s3")
        _s3_records(event["Records"], item, work.ignored)
        work.items.append(item)
        return work
    if event.get("Event") == "s3:TestEvent":
        return Work("s3-test-event", ignored=[f"s3:TestEvent for {event.get('Bucket')}"])
    if "detail-type" in event:
        work = Work("eventbridge")
        item = Item(str(event.get("id", "eventbridge")))
        _eventbridge(event, item, work.ignored)
        if item.sweep:
            work.kind = "schedule"
        work.items.append(item)
        return work
    raise UnrecognisedEvent(f"unrecognised event: got {_describe(event)}")


def _sqs(records: list[Any]) -> Work:
    """Each message is its own item, so one bad message does not fail the batch."""
    work = Work("sqs")
    for index, record in enumerate(records):
        ident = record.get("messageId") if isinstance(record, Mapping) else None
        item = Item(ident if isinstance(ident, str) else f"message-{index}")
        try:
            if not isinstance(record, Mapping) or "body" not in record:
                raise UnrecognisedEvent("SQS record without a body")
            _payload(record["body"], item, work.ignored, 1)
        except UnrecognisedEvent as exc:
            item = Item(item.ident, error=str(exc))  # nothing of a bad message is processed
        work.items.append(item)
    return work
