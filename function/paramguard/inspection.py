"""Value inspection (opt-in): read each plaintext write's value and run the value detectors.

The value exists in one local variable of _read_and_inspect, which hands it to
values.inspect_value and drops it. Nothing here logs, raises, notes, counts or returns the
value, a part, a length or a hash of it: only the name of the detector that fired.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .aws_errors import MemberRoleError, error_code, is_transient
from .finding import PLAINTEXT_TYPES, Finding
from .report import valid_region

logger = logging.getLogger(__name__)

# The version written is gone: overwritten past Parameter Store's 100 versions, or deleted.
_GONE = frozenset({"ParameterNotFound", "ParameterVersionNotFound"})


@dataclass
class Write:
    """A plaintext write to inspect; name_matched False: only its value can make it a finding."""

    finding: Finding
    name_matched: bool


@dataclass
class Inspection:
    """What inspecting one invocation's writes gave."""

    findings: list[Finding] = field(default_factory=list)  # to report
    retry: list[Finding] = field(default_factory=list)  # unreported; a retry can read them
    inspected: int = 0
    hits: int = 0
    not_inspected: int = 0  # left uninspected for good (logged one by one)
    read_failures: int = 0  # reads refused (AccessDenied, a policy): a blind spot


def _other_account(finding: Finding, own_account: str | None) -> str | None:
    """The finding's account when it is not the function's own."""
    if own_account and finding.account_id and finding.account_id != own_account:
        return finding.account_id
    return None


def _cannot_read(finding: Finding, own_account: str | None, members: bool = False) -> str | None:
    """Why the write's value cannot be read at all, or None if it can."""
    if finding.parameter_type not in PLAINTEXT_TYPES:
        return "its type is not known to be String or StringList, so it was not read"
    if _other_account(finding, own_account) and not members:
        return f"parameter in account {finding.account_id} (no member role: MEMBER_ROLE_NAME)"
    if not valid_region(finding.region):
        return "the record names no valid region"
    return None


def inspect_writes(
    writes: Sequence[Write],
    ssm_for_region: Callable[[str], Any],
    own_account: str | None,
    dictionary: Any,
    deadline: float | None = None,
    clock: Callable[[], float] | None = None,
    member_ssm: Callable[[str, str], Any] | None = None,
) -> Inspection:
    """Read and inspect each write's value, the exact version written, until deadline.

    Writes whose name did not match are read first: their value is the only way they are
    reported. Another account's values are read through member_ssm (its member role) when
    given, else not at all. A name match is reported whatever happens to its read (a note
    says why the value was not inspected); a write that only its value could report is
    reported only on a hit, and otherwise logged and counted when it could not be read, or
    put in retry when the read failed for a reason a retry can fix (throttling, 5xx).
    """
    from .values import inspect_value  # compiled only when inspection is on

    clock = clock or time.monotonic
    rules = tuple(getattr(dictionary, "value_rules", ()))
    result = Inspection()
    ordered = sorted(writes, key=lambda w: (w.name_matched, w.finding.region or ""))
    for write in ordered:
        finding = write.finding
        reason = _cannot_read(finding, own_account, member_ssm is not None)
        if reason is None and deadline is not None and clock() > deadline:
            reason = "the invocation was running out of time"
        if reason is not None:
            _not_inspected(write, reason, result)
            continue
        request = (
            f"{finding.parameter_name}:{finding.version}"
            if finding.version is not None
            else finding.parameter_name
        )
        other = _other_account(finding, own_account)
        try:
            if other and member_ssm is not None:
                ssm = member_ssm(other, str(finding.region))
            else:
                ssm = ssm_for_region(str(finding.region))
        except MemberRoleError as exc:  # logged and counted once per account by the sessions
            _not_inspected(write, exc.note(), result)
            continue
        try:
            response = ssm.get_parameter(Name=request, WithDecryption=False)
            parameter = response.get("Parameter") or {}
            kind = parameter.get("Type")
            if kind not in PLAINTEXT_TYPES:
                # The write itself was plain text (its type was stated or looked up before
                # this), so its value stays in the parameter's history; what was read is a
                # SecureString (fixed since, when the latest version was read). A name match
                # is still reported; a value-only write is counted as not inspected.
                _not_inspected(
                    write, f"the version read is a {kind or 'non-plaintext'} parameter", result
                )
                continue
            hit = _read_and_inspect(parameter, inspect_value, rules, dictionary)
        except (ClientError, BotoCoreError) as exc:
            code = error_code(exc)
            if code in _GONE:
                _not_inspected(write, f"the version written no longer exists ({code})", result)
            elif is_transient(exc):
                _read_retry(write, code, result)
            else:
                result.read_failures += 1
                _not_inspected(write, f"reading it failed ({code})", result, failure=True)
            continue
        except Exception as exc:  # noqa: BLE001 - an odd answer must not cost the findings
            result.read_failures += 1
            _not_inspected(write, f"reading it failed ({type(exc).__name__})", result, failure=True)
            continue
        result.inspected += 1
        if finding.version is None:
            finding.notes.append(
                "the record did not say which version was written; the latest version's "
                "value was inspected"
            )
        if hit is not None:
            result.hits += 1
            finding.value_matched = hit.matched
            if not write.name_matched:
                finding.matched, finding.matched_line = hit.matched, hit.line or 0
        if hit is not None or write.name_matched:
            result.findings.append(finding)
    logger.info(
        "values inspected",
        extra={
            "event": "values_inspected",
            "writes": len(writes),
            "inspected": result.inspected,
            "hits": result.hits,
            "not_inspected": result.not_inspected,
            "read_failures": result.read_failures,
            "retry": len(result.retry),
        },
    )
    return result


def _read_and_inspect(
    parameter: dict[str, Any], inspect_value: Any, rules: Sequence[Any], dictionary: Any
) -> Any:
    """The detector hit for the parameter's value (the value goes no further than here)."""
    value = parameter.get("Value")
    if not isinstance(value, str):
        return None
    return inspect_value(value, rules, names=dictionary)


def _not_inspected(write: Write, reason: str, result: Inspection, *, failure: bool = False) -> None:
    finding = write.finding
    result.not_inspected += 1
    finding.notes.append(f"value not inspected: {reason}")
    if write.name_matched:
        result.findings.append(finding)
    log = logger.error if failure else logger.warning
    log(
        "value not inspected",
        extra={
            "event": "value_not_inspected",
            "parameter_name": finding.parameter_name,
            "version": finding.version,
            "account_id": finding.account_id,
            "region": finding.region,
            "event_id": finding.event_id,
            "name_matched": write.name_matched,
            "reason": reason,
        },
    )


def _read_retry(write: Write, code: str, result: Inspection) -> None:
    finding = write.finding
    if write.name_matched:
        # Reported by its name now; a retry would only notify it again.
        _not_inspected(write, f"reading it failed ({code})", result)
        return
    finding.notes.append(f"value not inspected: reading it failed ({code}); will retry")
    result.retry.append(finding)
    logger.warning(
        "value could not be read; will retry",
        extra={
            "event": "value_read_retry",
            "parameter_name": finding.parameter_name,
            "event_id": finding.event_id,
            "error": code,
        },
    )
