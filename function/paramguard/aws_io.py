"""The AWS I/O shell: reading log objects, looking up parameter types, notifying.

Every function takes its boto3 clients as arguments; the handler owns their creation.
botocore is not imported (errors are told apart by aws_errors), so the command line can
resolve candidates the function's way without loading it.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from .aws_errors import MemberRoleError, error_code, is_aws_error, is_transient
from .events import ObjectRef
from .finding import PLAINTEXT_TYPES, Candidate, Finding, Remediation
from .logfile import LogFormatError, LogTooLargeError, classify_key
from .report import Counters, Notification, build_notification, build_summary, valid_region
from .rule import NOT_LOOKED_UP, match_fixes, without_lookups
from .scan import scan_blob

if TYPE_CHECKING:
    from .rule import NameMatcher

logger = logging.getLogger(__name__)


# "error": failed unexpectedly (a bug); "failed": for good; "transient": a retry can help.
ObjectStatus = Literal["scanned", "skipped", "failed", "transient", "error"]


@dataclass
class ObjectResult:
    """The outcome of one S3 object."""

    ref: ObjectRef
    status: ObjectStatus
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""
    remediations: list[Remediation] = field(default_factory=list)


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
    s3: Any,
    ref: ObjectRef,
    matcher: NameMatcher,
    counters: Counters,
    max_bytes: int,
    *,
    inspect_values: bool = False,
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
        scan = scan_blob(raw, ref.uri, matcher, max_bytes, inspect_values=inspect_values)
        # The function hands fixes on alone (Security Hub, EventBridge): matched as
        # evaluate_remediation matches them, which scan_blob leaves to its caller.
        scan.remediations = match_fixes(scan.remediations, matcher, inspect_values=inspect_values)
    except LogFormatError as exc:
        counters.log_file_failures += 1
        if isinstance(exc, LogTooLargeError):
            counters.oversize_objects += 1
        logger.error(
            "log object is not a readable CloudTrail log file; skipped",
            extra={"event": "object_failed", "object": ref.uri, "error": str(exc)},
        )
        return ObjectResult(ref, "failed", reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - one object must never cost the others' findings
        if not is_aws_error(exc):
            # Not expected bad input but a bug or an unforeseen answer: counted, logged with
            # its traceback, and reported as an error so the event is retried and, failing
            # that, kept in the failure queue for a redrive once it is fixed.
            counters.log_file_failures += 1
            logger.exception(
                "log object could not be processed",
                extra={"event": "object_error", "object": ref.uri, "error": type(exc).__name__},
            )
            return ObjectResult(ref, "error", reason=f"{type(exc).__name__}: {str(exc)[:200]}")
        if is_transient(exc):
            logger.warning(
                "log object could not be read; will retry",
                extra={"event": "object_retry", "object": ref.uri, "error": error_code(exc)},
            )
            return ObjectResult(ref, "transient", reason=error_code(exc))
        counters.log_file_failures += 1
        logger.error(
            "log object could not be read",
            extra={"event": "object_failed", "object": ref.uri, "error": error_code(exc)},
        )
        return ObjectResult(ref, "failed", reason=error_code(exc))
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
    return ObjectResult(ref, "scanned", candidates=scan.candidates, remediations=scan.remediations)


# DescribeParameters: a ParameterStringFilter takes at most 50 values, each 1-1024 characters,
# and a name with a space fails the whole request with a ValidationException.
LOOKUP_BATCH = 50
_MAX_FILTER_VALUE = 1024

_TypeKey = tuple[str | None, str, str]  # (account, region, name)


@dataclass
class _Lookups:
    """Current types by (account, region, name) for one invocation, and why others are unknown."""

    types: dict[_TypeKey, str | None] = field(default_factory=dict)  # None: no such parameter
    reasons: dict[_TypeKey, str] = field(default_factory=dict)
    calls: int = 0


def _out_of_time(deadline: float | None, clock: Callable[[], float]) -> bool:
    return deadline is not None and clock() > deadline


def _describe_types(
    ssm: Any,
    names: list[str],
    deadline: float | None,
    clock: Callable[[], float],
    found: dict[str, str | None],
) -> tuple[bool, int]:
    """Fill found with the current type of each name that exists; (complete, calls made).

    A filtered DescribeParameters may answer an empty page with a NextToken, so pages are
    followed, checking the clock before each; a repeated token ends the loop.
    """
    wanted = set(names)
    token: str | None = None
    seen: set[str] = set()
    calls = 0
    while True:
        request: dict[str, Any] = {
            "ParameterFilters": [{"Key": "Name", "Option": "Equals", "Values": names}],
            "MaxResults": LOOKUP_BATCH,
        }
        if token:
            request["NextToken"] = token
        page = ssm.describe_parameters(**request)
        calls += 1
        for parameter in page.get("Parameters") or []:
            name, kind = parameter.get("Name"), parameter.get("Type")
            if isinstance(name, str) and name in wanted:
                found[name] = kind if isinstance(kind, str) else ""
        next_token = page.get("NextToken")
        if len(found) >= len(wanted) or not isinstance(next_token, str) or next_token in seen:
            return True, calls
        seen.add(next_token)
        token = next_token
        if _out_of_time(deadline, clock):
            return False, calls


def _same(client: Any, region: str) -> Any:
    return client


def _lookup_region(
    ssm_for_region: Callable[[str], Any],
    account: str | None,
    region: str,
    names: list[str],
    deadline: float | None,
    clock: Callable[[], float],
    lookups: _Lookups,
) -> None:
    """Look up the current type of names in one account and region, in batches, until deadline."""
    batch: list[str] = []
    for name in names:
        if 0 < len(name) <= _MAX_FILTER_VALUE and not any(ch.isspace() for ch in name):
            batch.append(name)
        else:
            lookups.reasons[(account, region, name)] = (
                "the name cannot be a Parameter Store name (empty, over 1024 characters or with "
                "spaces), so its current type was not looked up"
            )
    queue = [batch[i : i + LOOKUP_BATCH] for i in range(0, len(batch), LOOKUP_BATCH)]
    if queue:
        try:
            ssm = ssm_for_region(region)
        except MemberRoleError as exc:  # logged and counted once per account by the sessions
            for name in batch:
                lookups.reasons[(account, region, name)] = (
                    f"its current type was not looked up: {exc.note()}; check it by hand"
                )
            return
        except Exception:  # noqa: BLE001, S110 - failed again, logged and noted per chunk below
            pass
        else:
            ssm_for_region = partial(_same, ssm)
    while queue:
        chunk = queue.pop(0)
        if _out_of_time(deadline, clock):
            left = [name for rest in [chunk, *queue] for name in rest]
            logger.warning(
                "out of time for type look-ups; reporting the rest as type unknown",
                extra={"event": "type_lookup_out_of_time", "region": region, "names": len(left)},
            )
            for name in left:
                lookups.reasons[(account, region, name)] = (
                    "its current type was not looked up: the invocation was running out of time "
                    f"({len(left)} look-ups left in {region}); check it by hand"
                )
            return
        found: dict[str, str | None] = {}
        try:
            complete, calls = _describe_types(ssm_for_region(region), chunk, deadline, clock, found)
        except Exception as exc:  # noqa: BLE001 - an odd answer must not cost the findings
            if is_aws_error(exc):
                lookups.calls += 1
                if len(chunk) > 1 and not is_transient(exc):
                    # One name the service refuses must not cost the other 49 their look-up.
                    queue[:0] = [[name] for name in chunk]
                    continue
                _lookup_failed(account, region, chunk, error_code(exc), lookups)
                continue
            logger.exception(
                "parameter type look-up failed unexpectedly",
                extra={"event": "type_lookup_failed", "region": region, "names": len(chunk)},
            )
            _lookup_failed(account, region, chunk, type(exc).__name__, lookups)
            continue
        lookups.calls += calls
        for name in chunk:
            if name in found:
                lookups.types[(account, region, name)] = found[name]
            elif complete:
                lookups.types[(account, region, name)] = None
            else:
                lookups.reasons[(account, region, name)] = (
                    "its current type was not looked up: the invocation was running out of time; "
                    "check it by hand"
                )


def _lookup_failed(
    account: str | None, region: str, names: list[str], code: str, lookups: _Lookups
) -> None:
    logger.warning(
        "parameter type look-up failed; reporting type unknown",
        extra={"event": "type_lookup_failed", "region": region, "names": len(names), "error": code},
    )
    for name in names:
        lookups.reasons[(account, region, name)] = (
            f"looking up its current type failed ({code}); check it by hand"
        )


# A client in (account, region) through the member role; raises aws_errors.MemberRoleError.
MemberSSM = Callable[[str, str], Any]


def _cannot_look_up(
    finding: Finding,
    ssm_for_region: Callable[[str], Any] | None,
    own_account: str | None,
    member_ssm: MemberSSM | None = None,
) -> str | None:
    """Why the finding's current type cannot be asked for at all, or None if it can."""
    if ssm_for_region is None:
        return NOT_LOOKED_UP
    if not finding.region:
        return "the record names no region, so its current type cannot be looked up"
    if not valid_region(finding.region):
        return "the record's region is not a region name, so its current type cannot be looked up"
    other = own_account and finding.account_id and finding.account_id != own_account
    if other and member_ssm is None:
        return (
            f"the parameter is in account {finding.account_id}, whose current types this "
            "function cannot look up (no member role configured: MEMBER_ROLE_NAME)"
        )
    return None


def _region_client(
    ssm_for_region: Callable[[str], Any],
    member_ssm: MemberSSM | None,
    own_account: str | None,
    account: str | None,
) -> Callable[[str], Any]:
    """The look-up client maker for an account: its member session, or the function's own."""
    if member_ssm is None or not account or not own_account or account == own_account:
        return ssm_for_region
    return lambda region: member_ssm(account, region)


def resolve_candidates(
    candidates: Iterable[Candidate],
    ssm_for_region: Callable[[str], Any] | None,
    own_account: str | None,
    deadline: float | None = None,
    clock: Callable[[], float] | None = None,
    member_ssm: MemberSSM | None = None,
) -> list[Finding]:
    """Turn candidates into findings, looking up the current type where the write's is unknown.

    Look-ups are grouped by account and region, 50 names per DescribeParameters call, each
    name asked once per invocation, and none is started after deadline (on clock). Another
    account's names are looked up through member_ssm (its member role) when given. A
    parameter that is a SecureString now is dropped (logged); every other candidate becomes
    a finding, with type 'unknown' and a note saying why when its type could not be known.
    """
    if ssm_for_region is None:
        return without_lookups(candidates)
    clock = clock or (lambda: time.monotonic())
    candidates = list(candidates)
    groups: dict[tuple[str | None, str], dict[str, None]] = {}  # ordered sets of names
    for candidate in candidates:
        finding = candidate.finding
        if not candidate.needs_type_lookup:
            continue
        finding.parameter_type = "unknown"
        finding.type_from = "unknown"
        if (
            _cannot_look_up(finding, ssm_for_region, own_account, member_ssm) is None
            and finding.region
        ):
            names = groups.setdefault((finding.account_id, finding.region), {})
            names[finding.parameter_name] = None
    lookups = _Lookups()
    if ssm_for_region is not None:
        for (account, region), names in groups.items():
            client = _region_client(ssm_for_region, member_ssm, own_account, account)
            _lookup_region(client, account, region, list(names), deadline, clock, lookups)
    if groups:
        logger.info(
            "parameter types looked up",
            extra={
                "event": "type_lookups",
                "names": sum(len(names) for names in groups.values()),
                "calls": lookups.calls,
                "unresolved": len(lookups.reasons),
            },
        )
    findings: list[Finding] = []
    for candidate in candidates:
        finding = candidate.finding
        if not candidate.needs_type_lookup:
            findings.append(finding)
            continue
        key = (finding.account_id, finding.region or "", finding.parameter_name)
        reason = _cannot_look_up(
            finding, ssm_for_region, own_account, member_ssm
        ) or lookups.reasons.get(key)
        if reason is not None or key not in lookups.types:
            finding.notes.append(reason or NOT_LOOKED_UP)
            findings.append(finding)
            continue
        current = lookups.types[key]
        if current == "SecureString":
            logger.info(
                "the parameter is a SecureString now; not a finding",
                extra={"event": "not_a_finding", "parameter_name": finding.parameter_name},
            )
            continue
        if current in PLAINTEXT_TYPES:
            finding.parameter_type = str(current)
            finding.type_from = "describe_parameters"
        elif current is None:
            finding.notes.append(
                "the parameter no longer exists (or is not visible), so its current type is "
                "unknown; check it by hand"
            )
        else:
            finding.notes.append(
                f"DescribeParameters gave its type as {current!r}, which paramguard does not "
                "know; check it by hand"
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
        except Exception as exc:
            if not is_aws_error(exc):
                raise
            delay = PUBLISH_BACKOFF_SECONDS * 2 ** (attempt - 1) * (0.5 + random.random())
            late = deadline is not None and time.monotonic() + delay > deadline
            if attempt == PUBLISH_ATTEMPTS or not is_transient(exc) or late:
                raise
            logger.warning(
                "notification failed; retrying",
                extra={
                    "event": "notification_retry",
                    "attempt": attempt,
                    "error": error_code(exc),
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
        ok = _send(sns, topic_arn, partial(build_notification, findings[index]), deadline)
        sent, failed = sent + ok, failed + (not ok)
        index += 1
    if len(findings) > individual:
        ok = _send(sns, topic_arn, partial(build_summary, findings, individual), None)
        sent, failed = sent + ok, failed + (not ok)
    return sent, failed


def _send(
    sns: Any, topic_arn: str, build: Callable[[], Notification], deadline: float | None
) -> bool:
    try:
        message = build()
    except Exception as exc:  # noqa: BLE001 - one message must never cost the others
        logger.exception(
            "notification could not be built",
            extra={"event": "notification_failed", "error": type(exc).__name__},
        )
        return False
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
                "error": error_code(exc),
            },
        )
        return False
    return True
