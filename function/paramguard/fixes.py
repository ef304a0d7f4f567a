"""Which fixes resolve which findings of the same scan: a delete or an overwrite of the
parameter, later than every write of it.

Apart from export (Security Hub, EventBridge) so that `paramguard scan`, which only marks its
findings, does not import the function's AWS shell to do it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .finding import Finding, Remediation
from .plain import Record

TYPE_CHECKING = False  # typing is for mypy only (start-up; see docs/performance.md)
if TYPE_CHECKING:
    from datetime import datetime

# CloudTrail's own form of an event time, which sorts as it reads once its date is valid.
_CLOUDTRAIL_TIME = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ\Z",
    re.ASCII,  # \d: 0-9 only
)
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def moment(value: str | None) -> datetime | None:
    """An event time as an aware datetime, or None when absent or not a timestamp (or one
    that leaves datetime's range once in UTC: 0001-01-01T00:00:00+01:00)."""
    if not value:
        return None
    # Imported here: a scan whose times are all in CloudTrail's form never needs it (_order).
    from datetime import UTC, datetime

    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def _order(value: str | None) -> str | None:
    """An event time as text that sorts chronologically (UTC, to the microsecond), or None
    as moment gives None. CloudTrail's own form is rewritten without a parse."""
    if value:
        found = _CLOUDTRAIL_TIME.match(value)
        if found is not None:
            year, month, day = (int(found[n]) for n in (1, 2, 3))
            leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
            if (
                year
                and 1 <= month <= 12
                and 1 <= day <= _DAYS[month - 1] - (month == 2 and not leap)
            ):
                return value[:19] + ".000000"
    parsed = moment(value)
    return None if parsed is None else parsed.replace(tzinfo=None).isoformat("T", "microseconds")


Key = tuple[str | None, str | None, str]


class FixPlan(Record):
    """Which fixes resolve what: a finding of this batch, an earlier finding, or nothing."""

    __slots__ = ("fixed", "earlier", "superseded")

    def __init__(self) -> None:
        self.fixed: dict[int, Remediation] = {}  # id(finding): its later fix
        self.earlier: list[Remediation] = []  # no finding of theirs here
        self.superseded: list[Remediation] = []  # not after a finding here


def _key(account: str | None, region: str | None, name: str) -> Key:
    return account, region, name


def plan_fixes(
    findings: Sequence[Finding],
    fixes: Sequence[Remediation],
    region: str | None,
    account: str | None,
) -> FixPlan:
    """Pair each fix with the findings of the same parameter in this batch, by event time.

    A fix resolves the findings of its parameter only if it is later than the latest of
    them; an earlier one (or one whose time, or a finding's, is unknown) resolves nothing,
    as the later exposure stands. CloudTrail times are to the second: a fix in the same
    second as the write cannot be ordered after it and resolves nothing either.
    """
    plan = FixPlan()
    groups: dict[Key, list[Finding]] = {}
    for f in findings:
        key = _key(f.account_id or account, f.region or region, f.parameter_name)
        groups.setdefault(key, []).append(f)
    # The latest write of each parameter, None when one of its writes has no known time:
    # a fix must be later than every write, so that is all each fix is compared with.
    newest: dict[Key, str | None] = {}
    for key, group in groups.items():
        times = [_order(f.event_time) for f in group]
        newest[key] = None if None in times else max(t for t in times if t is not None)
    latest: dict[Key, tuple[Remediation, str]] = {}
    for fix in fixes:
        key = _key(fix.account_id or account, fix.region or region, fix.parameter_name)
        if key not in groups:
            plan.earlier.append(fix)
            continue
        written, fixed_at = newest[key], _order(fix.event_time)
        if fixed_at is None or written is None or written >= fixed_at:
            plan.superseded.append(fix)
            continue
        if key not in latest or fixed_at > latest[key][1]:
            latest[key] = fix, fixed_at
    for key, (fix, _) in latest.items():
        for f in groups[key]:
            plan.fixed[id(f)] = fix
    return plan


def mark_resolved(
    findings: Sequence[Finding],
    fixes: Sequence[Remediation],
    region: str | None,
    account: str | None,
) -> int:
    """Set resolved_by on the findings a later fix in the same scan resolved; how many.

    The finding stays a finding (the value was exposed until the fix); resolved_by says what
    fixed it, in the log line, the notification and `paramguard scan` output, and `resolved`
    says whether that removed the plaintext (a delete) or not (a SecureString overwrite).
    """
    plan = plan_fixes(findings, fixes, region, account)
    for f in findings:
        fix = plan.fixed.get(id(f))
        if fix is not None:
            published = fix.to_dict()
            keys = ("how", "operation", "actor", "event_id", "event_time", "source")
            f.resolved_by = {key: published[key] for key in keys}
            # Only a delete removes the plaintext versions; an overwrite keeps them.
            f.resolved_by["resolved"] = fix.how == "deleted"
    return len(plan.fixed)
