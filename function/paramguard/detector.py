"""The detector's I/O: reading log objects, resolving types, notifying, publishing metrics.

Every function takes its boto3 clients as arguments; the handler owns their creation.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .cloudtrail import (
    PLAINTEXT_TYPES,
    Candidate,
    Finding,
    LogFormatError,
    LogTooLargeError,
    NameMatcher,
    classify_key,
    decompress,
    scan_document,
)
from .events import ObjectRef
from .report import Counters, Notification, build_notification, build_summary

logger = logging.getLogger(__name__)

# Error codes that retrying can fix; anything else from S3 is permanent for this object.
TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "503",
        "500",
        "502",
        "504",
    }
)


class TransientError(RuntimeError):
    """Objects that failed for reasons a retry can fix; raised so Lambda retries the event."""


def is_transient(exc: BaseException) -> bool:
    """Throttling, 5xx and connection problems: worth a retry."""
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return code in TRANSIENT_CODES or (isinstance(status, int) and status >= 500)
    return isinstance(exc, BotoCoreError)


def _error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "ClientError"))
    return type(exc).__name__


@dataclass
class ObjectResult:
    """The outcome of one S3 object."""

    ref: ObjectRef
    status: str  # "scanned", "skipped", "failed", "transient"
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""


def read_object(s3: Any, ref: ObjectRef, max_bytes: int) -> bytes:
    """Fetch an object's bytes, refusing one larger than max_bytes before downloading it."""
    kwargs: dict[str, Any] = {"Bucket": ref.bucket, "Key": ref.key}
    if ref.version_id:
        kwargs["VersionId"] = ref.version_id
    response = s3.get_object(**kwargs)
    length = response.get("ContentLength")
    if isinstance(length, int) and length > max_bytes:
        response["Body"].close()
        raise LogTooLargeError(f"object is {length} bytes, over the {max_bytes}-byte limit")
    body: bytes = response["Body"].read(max_bytes + 1)
    if len(body) > max_bytes:
        raise LogTooLargeError(f"object is over the {max_bytes}-byte limit")
    return body


def process_object(
    s3: Any, ref: ObjectRef, matcher: NameMatcher, counters: Counters, max_bytes: int
) -> ObjectResult:
    """Scan one S3 object; expected bad input is counted and skipped, transient errors reported."""
    started = time.perf_counter()
    info = classify_key(ref.key)
    if info.kind != "log":
        counters.skipped_objects += 1
        reason = {
            "digest": "CloudTrail digest file",
            "insight": "CloudTrail Insights file",
        }.get(info.kind, "not a CloudTrail log file key")
        logger.info(
            "object skipped",
            extra={"event": "object_skipped", "object": ref.uri, "reason": reason},
        )
        return ObjectResult(ref, "skipped", reason=reason)
    try:
        raw = read_object(s3, ref, max_bytes)
        data = decompress(raw, max_bytes, gzipped=ref.key.lower().endswith(".gz") or None)
        scan = scan_document(data, matcher, ref.uri)
    except (ClientError, BotoCoreError) as exc:
        if is_transient(exc):
            logger.warning(
                "log object could not be read; will retry",
                extra={"event": "object_retry", "object": ref.uri, "error": _error_code(exc)},
            )
            return ObjectResult(ref, "transient", reason=_error_code(exc))
        counters.log_file_failures += 1
        logger.error(
            "log object could not be read",
            extra={"event": "object_failed", "object": ref.uri, "error": _error_code(exc)},
        )
        return ObjectResult(ref, "failed", reason=_error_code(exc))
    except LogFormatError as exc:
        counters.log_file_failures += 1
        if isinstance(exc, LogTooLargeError):
            counters.oversize_objects += 1
        logger.error(
            "log object is not a readable CloudTrail log file; skipped",
            extra={"event": "object_failed", "object": ref.uri, "error": str(exc)},
        )
        return ObjectResult(ref, "failed", reason=str(exc))
    counters.log_files += 1
    counters.records += scan.records
    counters.bytes_scanned += scan.size
    logger.info(
        "log object scanned",
        extra={
            "event": "object_scanned",
            "object": ref.uri,
            "bytes": scan.size,
            "records_evaluated": scan.records,
            "parsed_whole": scan.parsed,
            "candidates": len(scan.candidates),
            "account_id": info.account_id,
            "region": info.region,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return ObjectResult(ref, "scanned", candidates=scan.candidates)


def lookup_type(ssm_for_region: Callable[[str], Any], finding: Finding) -> str | None:
    """The parameter's current type from ssm:DescribeParameters, or None if it cannot be known."""
    if not finding.region:
        return None
    ssm = ssm_for_region(finding.region)
    # A filtered DescribeParameters may answer an empty page with a NextToken: follow it.
    pages = ssm.get_paginator("describe_parameters").paginate(
        ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": [finding.parameter_name]}]
    )
    for page in pages:
        for parameter in page.get("Parameters", []):
            if parameter.get("Name") == finding.parameter_name:
                kind = parameter.get("Type")
                return kind if isinstance(kind, str) else None
    return None


def resolve_candidates(
    candidates: Iterable[Candidate],
    ssm_for_region: Callable[[str], Any] | None,
    own_account: str | None,
) -> list[Finding]:
    """Turn candidates into findings, looking up the type of overwrites that omitted it.

    A lookup that fails reports the finding with type 'unknown' rather than dropping it.
    """
    findings: list[Finding] = []
    for candidate in candidates:
        finding = candidate.finding
        if not candidate.needs_type_lookup:
            findings.append(finding)
            continue
        finding.parameter_type = "unknown"
        finding.type_source = "unknown"
        if ssm_for_region is None:
            finding.notes.append("the write did not state a type and it was not looked up")
            findings.append(finding)
            continue
        if own_account and finding.account_id and finding.account_id != own_account:
            finding.notes.append(
                f"the write did not state a type and the parameter is in account "
                f"{finding.account_id}, which this function cannot query"
            )
            findings.append(finding)
            continue
        try:
            current = lookup_type(ssm_for_region, finding)
        except (ClientError, BotoCoreError) as exc:
            logger.warning(
                "parameter type lookup failed; reporting type unknown",
                extra={
                    "event": "type_lookup_failed",
                    "parameter_name": finding.parameter_name,
                    "error": _error_code(exc),
                },
            )
            finding.notes.append(f"type lookup failed ({_error_code(exc)}); check it by hand")
            findings.append(finding)
            continue
        if current == "SecureString":
            logger.info(
                "overwrite without type kept a SecureString; not a finding",
                extra={"event": "not_a_finding", "parameter_name": finding.parameter_name},
            )
            continue
        if current in PLAINTEXT_TYPES:
            finding.parameter_type = current
            finding.type_source = "describe_parameters"
        else:
            finding.notes.append(
                "the write did not state a type and the parameter no longer exists "
                "(or is not visible); check it by hand"
            )
        findings.append(finding)
    return findings


def log_findings(findings: Sequence[Finding]) -> None:
    """One structured log line per finding."""
    for finding in findings:
        logger.warning("finding", extra={"event": "finding", **finding.to_dict()})


PUBLISH_ATTEMPTS = 4
PUBLISH_BACKOFF_SECONDS = 0.5


def publish_with_retry(
    sns: Any,
    request: dict[str, Any],
    sleep: Callable[[float], None] | None = None,
    deadline: float | None = None,
) -> None:
    """Publish, retrying transient failures with exponential backoff and jitter.

    On top of botocore's own retries: a notification outage of a few seconds must not
    cost a finding its message.
    """
    for attempt in range(1, PUBLISH_ATTEMPTS + 1):
        try:
            sns.publish(**request)
            return
        except (ClientError, BotoCoreError) as exc:
            delay = PUBLISH_BACKOFF_SECONDS * 2 ** (attempt - 1) * (0.5 + random.random())
            late = deadline is not None and time.monotonic() + delay > deadline
            if attempt == PUBLISH_ATTEMPTS or not is_transient(exc) or late:
                raise
            logger.warning(
                "notification failed; retrying",
                extra={
                    "event": "notification_retry",
                    "attempt": attempt,
                    "error": _error_code(exc),
                },
            )
            (sleep or time.sleep)(delay)


def notify(
    sns: Any,
    topic_arn: str,
    findings: Sequence[Finding],
    cap: int,
    deadline: float | None = None,
) -> tuple[int, int]:
    """Publish one message per finding up to cap, then one summary; return (sent, failed).

    Never raises: a message that cannot be sent is logged and counted, and the finding is
    already in the log. Past the deadline (the invocation's time is running out) the
    remaining findings go into the summary, so the metric is still published after this.
    """
    sent = failed = 0
    individual = min(cap, len(findings))
    index = 0
    while index < individual:
        if deadline is not None and time.monotonic() > deadline:
            individual = index
            break
        ok = _send(sns, topic_arn, build_notification(findings[index]), deadline)
        sent, failed = sent + ok, failed + (not ok)
        index += 1
    if len(findings) > individual:
        ok = _send(sns, topic_arn, build_summary(findings, individual), None)
        sent, failed = sent + ok, failed + (not ok)
    return sent, failed


def _send(sns: Any, topic_arn: str, message: Notification, deadline: float | None) -> bool:
    request = {
        "TopicArn": topic_arn,
        "Subject": message.subject,
        "Message": message.message,
        "MessageAttributes": message.attributes,
    }
    try:
        publish_with_retry(sns, request, deadline=deadline)
    except Exception as exc:  # noqa: BLE001 - a message must never cost the other findings
        # The finding is already in the log and in the metric; a lost message must be seen.
        logger.error(
            "notification not sent",
            extra={
                "event": "notification_failed",
                "subject": message.subject,
                "error": _error_code(exc),
            },
        )
        return False
    return True


def publish_metrics(cloudwatch: Any, namespace: str, counters: Counters) -> bool:
    """One PutMetricData call with every count; False (logged) if CloudWatch refused it."""
    try:
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=counters.metric_data())
    except (ClientError, BotoCoreError) as exc:
        logger.error(
            "metrics not published",
            extra={
                "event": "metrics_failed",
                "namespace": namespace,
                "error": _error_code(exc),
                "anomalies": counters.anomalies,
            },
        )
        return False
    return True
