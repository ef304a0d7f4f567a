"""The events the function is invoked with: recognising them, and answering in their terms.

Pure functions. Each kind of invocation is paired with its answer (_INVOCATIONS): the SQS
partial batch response, the S3 Batch Operations result, or, for an asynchronous event, the
summary or an exception so that Lambda retries.

Every way CloudTrail activity reaches the function in real accounts: S3 notifications
(direct, or wrapped in SNS, SQS, or SNS inside SQS), CloudTrail's own SNS notification,
EventBridge (CloudTrail API calls, Parameter Store Change, scheduled sweeps) and
S3 Batch Operations; and the organization sweep's one SQS message per account.
"""

from __future__ import annotations

import json
import re
import reprlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
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
    type: Any  # the detail's `type` as it came (any JSON); the rule decides what it means
    operation: str
    account_id: str | None
    region: str | None
    time: str | None
    event_id: str | None


@dataclass(frozen=True)
class SweepRequest:
    """One account of the organization sweep, sent through the sweep queue by the schedule."""

    account: str
    regions: tuple[str, ...]  # empty: the function's INVENTORY_REGIONS


@dataclass
class Item:
    """A unit whose outcome is reported back on its own (an SQS message, a batch task)."""

    ident: str
    objects: list[ObjectRef] = field(default_factory=list)
    records: list[tuple[Any, str]] = field(default_factory=list)  # (CloudTrail record, source)
    changes: list[ParameterChange] = field(default_factory=list)
    sweep: bool = False
    sweep_account: SweepRequest | None = None
    error: str | None = None  # why this item could not be understood


# How the function was invoked; the answer follows from it (see handler._answer).
WorkKind = Literal["s3", "sns", "sqs", "eventbridge", "s3-batch", "s3-test-event", "schedule"]


@dataclass
class Work:
    """What one invocation has to do."""

    kind: WorkKind
    items: list[Item] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # reasons, for the log
    batch: Mapping[str, Any] | None = None  # the S3 Batch Operations request, to answer it

    @property
    def objects(self) -> list[ObjectRef]:
        """Every object of every item."""
        return [ref for item in self.items for ref in item.objects]


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlevel = 2


def _brief(value: Any) -> str:
    """A short printable repr of any JSON value, for error messages (bounded, never recursive)."""
    return _SHORT.repr(value).encode("ascii", "backslashreplace").decode("ascii")


def _text(value: Any) -> str | None:
    """value if it is a non-empty string that is valid Unicode (no lone surrogates), else None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return value


def _unquote(key: str) -> str | None:
    """A URL-encoded key decoded, or None if it does not decode to UTF-8 text."""
    try:
        return _text(unquote_plus(key, errors="strict"))
    except UnicodeDecodeError:
        return None


def _describe(event: Any) -> str:
    if isinstance(event, Mapping):
        keys = ", ".join(sorted(_brief(k) if not isinstance(k, str) else k for k in event)[:10])
        return f"an object with keys [{_brief(keys)[1:-1]}]"
    return f"a {type(event).__name__}"


def _s3_records(records: list[Any], item: Item, ignored: list[str]) -> None:
    for index, record in enumerate(records):
        if not isinstance(record, Mapping) or not isinstance(record.get("s3"), Mapping):
            raise UnrecognisedEvent(f"S3 notification record {index} has no 's3' object")
        event_name = record.get("eventName")
        s3 = record["s3"]
        bucket = s3.get("bucket") if isinstance(s3.get("bucket"), Mapping) else {}
        obj = s3.get("object") if isinstance(s3.get("object"), Mapping) else {}
        name, key = _text(bucket.get("name")), _text(obj.get("key"))
        if name is None or key is None:
            raise UnrecognisedEvent(f"S3 notification record {index} lacks bucket name or key")
        # S3 keys are UTF-8; one that decodes to something else was not written by S3.
        key = _unquote(key)
        if key is None:
            raise UnrecognisedEvent(f"S3 notification record {index}: key is not UTF-8 text")
        if event_name is not None and not isinstance(event_name, str):
            raise UnrecognisedEvent(
                f"S3 notification record {index}: eventName is {_brief(event_name)}"
            )
        if event_name and not event_name.startswith("ObjectCreated:"):
            ignored.append(f"{_brief(event_name)} for s3://{name}/{key}")
            continue
        size = obj.get("size")
        version = _text(obj.get("versionId"))
        item.objects.append(
            ObjectRef(
                bucket=name,
                key=key,
                version_id=version,
                size=size if isinstance(size, int) and not isinstance(size, bool) else None,
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
    operation = detail.get("operation")
    # Delete (and a Create/Update as SecureString) can only fix a finding: handler decides.
    if not isinstance(operation, str) or operation not in ("Create", "Update", "Delete"):
        return None
    return ParameterChange(
        name=detail["name"],
        type=detail.get("type"),
        operation=operation,
        account_id=_text(event.get("account")),
        region=_text(event.get("region")),
        time=_text(event.get("time")),
        event_id=_text(event.get("id")),
    )


def _eventbridge(event: Mapping[str, Any], item: Item, ignored: list[str]) -> None:
    detail_type = event.get("detail-type")
    source = event.get("source")
    if detail_type == CLOUDTRAIL_API_CALL:
        detail = event.get("detail")
        if not isinstance(detail, Mapping):
            raise UnrecognisedEvent("CloudTrail API call event without a detail object")
        item.records.append((detail, f"eventbridge:{_text(event.get('id')) or ''}"))
    elif detail_type == PARAMETER_STORE_CHANGE and source == "aws.ssm":
        change = _parameter_change(event)
        if change is None:
            detail = event["detail"]
            ignored.append(
                f"Parameter Store Change {_brief(detail.get('operation'))} of "
                f"{_brief(detail['name'])}"
            )
        else:
            item.changes.append(change)
    elif detail_type == SCHEDULED_EVENT and source == "aws.events":
        item.sweep = True
    else:
        raise UnrecognisedEvent(
            f"unrecognised EventBridge event: source {_brief(source)}, "
            f"detail-type {_brief(detail_type)}"
        )


# ---- payloads: what one message, notification or event asks for -----------------------------

Reader = Callable[[Mapping[str, Any], Item, list[str], int], None]


def _read_s3(payload: Mapping[str, Any], item: Item, ignored: list[str], depth: int) -> None:
    _s3_records(payload["Records"], item, ignored)


def _read_s3_test(payload: Mapping[str, Any], item: Item, ignored: list[str], depth: int) -> None:
    ignored.append(f"s3:TestEvent for {_brief(payload.get('Bucket'))}")


def _read_cloudtrail_sns(
    payload: Mapping[str, Any], item: Item, ignored: list[str], depth: int
) -> None:
    # CloudTrail's own SNS notification: keys are not URL-encoded here.
    bucket, keys = _text(payload["s3Bucket"]), payload["s3ObjectKey"]
    if bucket is None or not isinstance(keys, list):
        raise UnrecognisedEvent("CloudTrail notification with malformed s3Bucket/s3ObjectKey")
    if not all(_text(key) for key in keys):
        # Not skipped one by one: a key that is not a string would be a log never read.
        raise UnrecognisedEvent("CloudTrail notification with a key that is not a string")
    item.objects.extend(ObjectRef(bucket, key) for key in keys)


def _read_sns_envelope(
    payload: Mapping[str, Any], item: Item, ignored: list[str], depth: int
) -> None:
    _payload(payload["Message"], item, ignored, depth + 1)  # SNS envelope inside SQS


def _read_eventbridge(
    payload: Mapping[str, Any], item: Item, ignored: list[str], depth: int
) -> None:
    _eventbridge(payload, item, ignored)


SWEEP_ACCOUNT = "sweep-account"
_ACCOUNT_RE = re.compile(r"^\d{12}$")
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def _read_sweep_account(
    payload: Mapping[str, Any], item: Item, ignored: list[str], depth: int
) -> None:
    # {"paramguard": "sweep-account", "account": "123456789012", "regions": ["eu-west-1"]}
    account, regions = payload.get("account"), payload.get("regions", [])
    if not isinstance(account, str) or not _ACCOUNT_RE.match(account):
        raise UnrecognisedEvent(f"sweep message: account {_brief(account)} is not an account ID")
    if not isinstance(regions, list) or not all(
        isinstance(r, str) and _REGION_RE.match(r) for r in regions
    ):
        raise UnrecognisedEvent(f"sweep message: regions {_brief(regions)} are not region names")
    item.sweep_account = SweepRequest(account, tuple(dict.fromkeys(regions)))


@dataclass(frozen=True)
class _Shape:
    """A payload the function understands: how to tell it, and what it asks for."""

    kind: WorkKind  # the invocation's kind when the event itself has this shape
    test: Callable[[Mapping[str, Any]], bool]
    read: Reader
    direct: bool = True  # False: understood only inside an SNS or SQS envelope


# The one dispatch of payloads, for the event itself and for what envelopes carry: the
# first shape whose test passes reads it.
_SHAPES = (
    _Shape("s3", _is_s3_notification, _read_s3),
    _Shape("s3-test-event", lambda p: p.get("Event") == "s3:TestEvent", _read_s3_test),
    _Shape("sns", lambda p: "s3Bucket" in p and "s3ObjectKey" in p, _read_cloudtrail_sns, False),
    _Shape(
        "sns",
        lambda p: p.get("Type") == "Notification" and isinstance(p.get("Message"), str),
        _read_sns_envelope,
        False,
    ),
    _Shape("eventbridge", lambda p: "detail-type" in p, _read_eventbridge),
    # The organization sweep's one message per account (organization.sweep_message).
    _Shape("sqs", lambda p: p.get("paramguard") == SWEEP_ACCOUNT, _read_sweep_account, False),
)


def _shape(payload: Mapping[str, Any], *, direct: bool) -> _Shape | None:
    return next((s for s in _SHAPES if (s.direct or not direct) and s.test(payload)), None)


def _payload(payload: Any, item: Item, ignored: list[str], depth: int) -> None:
    """Add what a payload inside an envelope asks for to item; raise if it is not understood."""
    if depth > 3:
        raise UnrecognisedEvent("payload nested more than three envelopes deep")
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except (ValueError, RecursionError):
            raise UnrecognisedEvent(f"message body is not JSON: {_brief(payload)}") from None
    shape = _shape(payload, direct=False) if isinstance(payload, Mapping) else None
    if shape is None:
        raise UnrecognisedEvent(f"unrecognised payload: {_describe(payload)}")
    shape.read(payload, item, ignored, depth)


# ---- invocations: each kind of event, read into Work and answered in its own terms --------


class TransientError(RuntimeError):
    """Objects that failed for reasons a retry can fix; raised so Lambda retries the event."""


class ProcessingError(RuntimeError):
    """Items that failed unexpectedly; raised after the rest was reported, to keep the event."""


@dataclass(frozen=True)
class ItemResult:
    """How one item went, in the terms an event's answer needs."""

    ident: str
    reported: int = 0  # findings reported from it
    transient: str | None = None  # a retry can help
    error: str | None = None  # failed unexpectedly (a bug): retried, then kept for a redrive
    unrecognised: str | None = None  # the message was not understood
    failed: str | None = None  # objects that failed for good

    @property
    def permanent(self) -> str | None:
        """Why the item failed for good, if it did."""
        return self.unrecognised or self.failed


def _batch(event: Mapping[str, Any]) -> Work:
    version = event.get("invocationSchemaVersion")
    if not isinstance(version, str) or version not in ("1.0", "2.0"):
        raise UnrecognisedEvent(f"S3 Batch Operations schema {_brief(version)} is not 1.0 or 2.0")
    tasks = event.get("tasks")
    if not isinstance(tasks, list) or not isinstance(event.get("invocationId"), str):
        raise UnrecognisedEvent("S3 Batch Operations request without invocationId or tasks")
    work = Work("s3-batch", batch=event)
    for index, task in enumerate(tasks):
        if not isinstance(task, Mapping) or not isinstance(task.get("taskId"), str):
            raise UnrecognisedEvent(f"S3 Batch Operations task {index} has no taskId")
        item = Item(task["taskId"])
        bucket = _text(task.get("s3Bucket"))
        arn = _text(task.get("s3BucketArn"))
        if bucket is None and arn is not None:
            bucket = arn.rsplit(":", 1)[-1] or None
        key = _text(task.get("s3Key"))
        # Manifest keys arrive URL-encoded; one that decodes to invalid UTF-8 names no object.
        key = _unquote(key) if key is not None else None
        if bucket is not None and key is not None:
            item.objects.append(ObjectRef(bucket, key, _text(task.get("s3VersionId"))))
        else:
            item.error = "task has no bucket or key"
        work.items.append(item)
    return work


def _batch_answer(work: Work, results: list[ItemResult], summary: dict[str, Any]) -> Any:
    """The S3 Batch Operations response: one result per task."""
    assert work.batch is not None
    answers = []
    for result in results:
        if result.transient:
            code, text = "TemporaryFailure", result.transient
        elif result.error:
            code, text = "PermanentFailure", f"internal error: {result.error}"
        elif result.permanent:
            code, text = "PermanentFailure", result.permanent
        else:
            code, text = "Succeeded", f"{result.reported} finding(s)"
        answers.append({"taskId": result.ident, "resultCode": code, "resultString": text})
    return {
        "invocationSchemaVersion": work.batch["invocationSchemaVersion"],
        "treatMissingKeysAs": "PermanentFailure",
        "invocationId": work.batch["invocationId"],
        "results": answers,
    }


def _sqs(event: Mapping[str, Any]) -> Work:
    """Each message is its own item, so one bad message does not fail the batch."""
    work = Work("sqs")
    for index, record in enumerate(event["Records"]):
        ident = _text(record.get("messageId")) if isinstance(record, Mapping) else None
        item = Item(ident or f"message-{index}")
        try:
            if not isinstance(record, Mapping) or "body" not in record:
                raise UnrecognisedEvent("SQS record without a body")
            _payload(record["body"], item, work.ignored, 1)
        except UnrecognisedEvent as exc:
            item = Item(item.ident, error=str(exc))  # nothing of a bad message is processed
        except Exception as exc:  # noqa: BLE001 - one message must never cost the batch
            item = Item(item.ident, error=f"message not understood: {_brief(exc)}")
        work.items.append(item)
    return work


def _sqs_answer(work: Work, results: list[ItemResult], summary: dict[str, Any]) -> Any:
    """Partial batch response: only the messages a retry can help are redelivered, and
    one that failed unexpectedly; one not understood is failed too, so it ends in the
    queue's DLQ, not in silence. The others' findings were reported either way."""
    failures = [r.ident for r in results if r.transient or r.error or r.unrecognised]
    return {"batchItemFailures": [{"itemIdentifier": ident} for ident in failures]}


def _sns(event: Mapping[str, Any]) -> Work:
    """One item for every message of the notification."""
    work = Work("sns")
    item = Item("sns")
    for record in event["Records"]:
        sns = record.get("Sns") if isinstance(record, Mapping) else None
        if not isinstance(sns, Mapping) or not isinstance(sns.get("Message"), str):
            raise UnrecognisedEvent("SNS record without a Message")
        _payload(sns["Message"], item, work.ignored, 1)
    work.items.append(item)
    return work


def _single(event: Mapping[str, Any]) -> Work:
    """An event that is itself one payload (S3, EventBridge): one item."""
    shape = _shape(event, direct=True)
    if shape is None:
        raise UnrecognisedEvent(f"unrecognised event: got {_describe(event)}")
    work = Work(shape.kind)
    if shape.kind == "s3-test-event":
        shape.read(event, Item(shape.kind), work.ignored, 0)
        return work
    item = Item((_text(event.get("id")) or "eventbridge") if shape.kind == "eventbridge" else "s3")
    shape.read(event, item, work.ignored, 0)
    if item.sweep:
        work.kind = "schedule"
    work.items.append(item)
    return work


def _raise_or_summary(work: Work, results: list[ItemResult], summary: dict[str, Any]) -> Any:
    """An asynchronous invocation: the summary, or an exception so that Lambda retries."""
    retry = [r.transient for r in results if r.transient]
    errors = [r.error for r in results if r.error]
    if retry:
        # Raising makes Lambda retry the event (and, after the retries, send it to the
        # failure destination), so a throttled read is never silently lost.
        raise TransientError(
            "transient errors: "
            + "; ".join(str(r) for r in retry + errors)
            + "; the event will be retried"
        )
    if errors:
        # Everything else was reported; failing keeps the event for a retry and, after
        # that, in the failure queue, so `paramguard redrive` can process it once fixed.
        raise ProcessingError("processing failed: " + "; ".join(errors))
    return summary


def _record_source(event: Mapping[str, Any]) -> Any:
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], Mapping):
        return records[0].get("eventSource") or records[0].get("EventSource")
    return None


Answer = Callable[[Work, list[ItemResult], dict[str, Any]], Any]


@dataclass(frozen=True)
class _Invocation:
    """A kind of event: how to tell it, read it, and answer it."""

    kind: WorkKind | None  # None: the kinds of _SHAPES, the event itself being one payload
    test: Callable[[Mapping[str, Any]], bool]
    read: Callable[[Mapping[str, Any]], Work]
    answer: Answer


# In order: the first whose test passes reads the event, and its answer answers it.
_INVOCATIONS = (
    _Invocation("s3-batch", lambda e: "invocationSchemaVersion" in e, _batch, _batch_answer),
    _Invocation("sqs", lambda e: _record_source(e) == "aws:sqs", _sqs, _sqs_answer),
    _Invocation("sns", lambda e: _record_source(e) == "aws:sns", _sns, _raise_or_summary),
    _Invocation(None, lambda e: True, _single, _raise_or_summary),
)


def recognise(event: Any) -> Work:
    """Tell what kind of event this is and what it asks for; raise UnrecognisedEvent if unknown."""
    if not isinstance(event, Mapping):
        raise UnrecognisedEvent(f"unrecognised event: got {_describe(event)}")
    invocation = next(i for i in _INVOCATIONS if i.test(event))
    return invocation.read(event)


def answer(work: Work, results: list[ItemResult], summary: dict[str, Any]) -> Any:
    """Answer the invocation in its event's terms (raising, for an asynchronous one)."""
    kinds = (i for i in _INVOCATIONS if i.kind in (work.kind, None))
    return next(kinds).answer(work, results, summary)
