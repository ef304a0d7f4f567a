"""Findings on an EventBridge bus: one event per finding, routed by users' own rules.

Called only when there are findings or fixes, so a quiet log file still costs one S3 read
and nothing else. The detail is the finding's published dict (the `finding` log line's
fields), or the fix's (a `Plaintext Parameter Remediated` event), which never hold the value.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from .aws_errors import error_code, is_aws_error
from .finding import Finding, Remediation

logger = logging.getLogger(__name__)

SOURCE = "paramguard"
DETAIL_TYPE = "Plaintext Secret Parameter Finding"
RESOLUTION_DETAIL_TYPE = "Plaintext Parameter Remediated"
BATCH_SIZE = 10  # PutEvents takes at most 10 entries per call
_MAX_ENTRY_BYTES = 256 * 1024  # an entry (detail, type, source, resources) up to 256 KB


def build_entry(finding: Finding, bus: str, resource_arn: str | None) -> dict[str, Any]:
    """The PutEvents entry of one finding: the finding as detail, the parameter as resource."""
    detail = finding.to_dict()
    text = json.dumps(detail, default=str, ensure_ascii=False)
    if len(text.encode("utf-8")) > _MAX_ENTRY_BYTES - 4096:
        # A record with an enormous user agent or notes must not cost the event: keep the
        # fields a rule routes on.
        detail["notes"] = ["(notes cut: the event was over EventBridge's 256 KB limit)"]
        detail["user_agent"] = None
        text = json.dumps(detail, default=str, ensure_ascii=False)
    entry: dict[str, Any] = {
        "Source": SOURCE,
        "DetailType": DETAIL_TYPE,
        "Detail": text,
        "EventBusName": bus,
    }
    if resource_arn:
        entry["Resources"] = [resource_arn]
    return entry


def build_resolution_entry(
    fix: Remediation,
    bus: str,
    resource_arn: str | None,
    finding_id: str | None,
    finding_in_batch: bool,
) -> dict[str, Any]:
    """The PutEvents entry of one fix: who fixed which parameter, how and when."""
    detail = fix.to_dict() | {"finding_id": finding_id, "finding_in_batch": finding_in_batch}
    entry: dict[str, Any] = {
        "Source": SOURCE,
        "DetailType": RESOLUTION_DETAIL_TYPE,
        "Detail": json.dumps(detail, default=str, ensure_ascii=False),
        "EventBusName": bus,
    }
    if resource_arn:
        entry["Resources"] = [resource_arn]
    return entry


def put_findings(
    events: Any,
    bus: str,
    findings: Sequence[Finding],
    arn_of: Any = None,
) -> tuple[int, int]:
    """PutEvents in batches of 10; (sent, failed). Never raises; every failure is logged."""
    entries = [build_entry(f, bus, arn_of(f) if arn_of else None) for f in findings]
    return put_entries(events, entries, [f.parameter_name for f in findings])


def put_entries(
    events: Any, entries: Sequence[dict[str, Any]], names: Sequence[str]
) -> tuple[int, int]:
    """PutEvents in batches of 10; (sent, failed). Never raises; every failure is logged.

    names[i] is the parameter entries[i] is about, for the log line of a refused entry.
    """
    sent = failed = 0
    for start in range(0, len(entries), BATCH_SIZE):
        batch = entries[start : start + BATCH_SIZE]
        try:
            answer = events.put_events(Entries=list(batch))
        except Exception as exc:  # noqa: BLE001 - the findings are in the log and SNS already
            if not is_aws_error(exc):
                logger.exception(
                    "events not put on the bus",
                    extra={"event": "eventbridge_failed", "findings": len(batch)},
                )
            else:
                logger.error(
                    "events not put on the bus",
                    extra={
                        "event": "eventbridge_failed",
                        "findings": len(batch),
                        "error": error_code(exc),
                    },
                )
            failed += len(batch)
            continue
        results = answer.get("Entries") or []
        for index, entry in enumerate(batch):
            result = results[index] if index < len(results) else {}
            if result.get("ErrorCode") or not result.get("EventId"):
                failed += 1
                logger.error(
                    "event refused by the bus",
                    extra={
                        "event": "eventbridge_failed",
                        "detail_type": entry["DetailType"],
                        "parameter_name": names[start + index],
                        "error": result.get("ErrorCode") or "no answer for the entry",
                        "detail": str(result.get("ErrorMessage"))[:300],
                    },
                )
            else:
                sent += 1
    return sent, failed
