"""Recognising the events the function is invoked with (pure functions)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus


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


@dataclass
class Work:
    """What one invocation has to do."""

    kind: str
    objects: list[ObjectRef] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # reasons, for the log


def _describe(event: Any) -> str:
    if isinstance(event, Mapping):
        keys = ", ".join(sorted(str(k) for k in event)[:10])
        return f"an object with keys [{keys}]"
    return f"a {type(event).__name__}"


def s3_objects(records: list[Any]) -> Work:
    """Objects of an S3 event notification (keys arrive URL-encoded)."""
    work = Work("s3")
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
            work.ignored.append(f"{event_name} for s3://{name}/{unquote_plus(key)}")
            continue
        size = obj.get("size")
        version = obj.get("versionId")
        work.objects.append(
            ObjectRef(
                bucket=name,
                key=unquote_plus(key),
                version_id=version if isinstance(version, str) and version else None,
                size=size if isinstance(size, int) else None,
            )
        )
    return work


def recognise(event: Any) -> Work:
    """Tell what kind of event this is and what it asks for; raise UnrecognisedEvent if unknown."""
    if isinstance(event, Mapping):
        records = event.get("Records")
        if isinstance(records, list) and records:
            first = records[0]
            if isinstance(first, Mapping) and first.get("eventSource") == "aws:s3":
                return s3_objects(records)
            if isinstance(first, Mapping) and "s3" in first and "eventSource" not in first:
                return s3_objects(records)  # hand-written test events omit eventSource
        if event.get("Event") == "s3:TestEvent":
            return Work("s3-test-event", ignored=[f"s3:TestEvent for {event.get('Bucket')}"])
    raise UnrecognisedEvent(f"unrecognised event: got {_describe(event)}")
