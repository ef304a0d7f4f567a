"""Hand findings, and the fixes of findings, on to Security Hub and EventBridge, when the
deployment turned them on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import Config
from .eventbus import build_resolution_entry, put_entries, put_findings
from .finding import Finding, Remediation
from .securityhub import (
    finding_id,
    import_findings,
    moment,
    parameter_arn,
    product_arn,
    resolve_findings,
    resolve_workflows,
)

logger = logging.getLogger(__name__)

Key = tuple[str | None, str | None, str]


@dataclass
class FixPlan:
    """Which fixes resolve what: a finding of this batch, an earlier finding, or nothing."""

    fixed: dict[int, Remediation] = field(default_factory=dict)  # id(finding): its later fix
    earlier: list[Remediation] = field(default_factory=list)  # no finding of theirs here
    superseded: list[Remediation] = field(default_factory=list)  # not after a finding here


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
    latest: dict[Key, Remediation] = {}
    for fix in fixes:
        key = _key(fix.account_id or account, fix.region or region, fix.parameter_name)
        group = groups.get(key)
        if group is None:
            plan.earlier.append(fix)
            continue
        times = [moment(f.event_time) for f in group]
        fixed_at = moment(fix.event_time)
        if fixed_at is None or any(t is None or t >= fixed_at for t in times):
            plan.superseded.append(fix)
            continue
        if key not in latest or fixed_at > (moment(latest[key].event_time) or fixed_at):
            latest[key] = fix
    for key, fix in latest.items():
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
    fixed it, in the log line, the notification and `paramguard scan` output.
    """
    plan = plan_fixes(findings, fixes, region, account)
    for f in findings:
        fix = plan.fixed.get(id(f))
        if fix is not None:
            published = fix.to_dict()
            keys = ("how", "operation", "actor", "event_id", "event_time", "source")
            f.resolved_by = {key: published[key] for key in keys}
    return len(plan.fixed)


def export_findings(
    config: Config,
    client: Callable[[str], Any],
    findings: Sequence[Finding],
    region: str,
    account: str | None,
    fixes: Sequence[Remediation] = (),
) -> tuple[dict[str, int], int]:
    """Import into Security Hub, put on the bus; (counts for the summary line, failures).

    Fixes (deletes, SecureString overwrites) archive and resolve the findings they fix and
    go on the bus as `Plaintext Parameter Remediated`. No call at all without findings or
    fixes, so a quiet invocation costs nothing more.
    """
    summary: dict[str, int] = {}
    failures = 0
    if not findings and not fixes:
        return summary, failures
    plan = plan_fixes(findings, fixes, region, account)
    _log_fixes(plan)
    # Fixes known to have resolved a finding: of this batch's findings, then (Security Hub
    # on) of earlier findings it archived. Without Security Hub an earlier finding cannot be
    # told apart from none: a SecureString write of a secret-like name is the correct way to
    # store one, and announcing each would drown the real fixes.
    announced: list[tuple[Remediation, bool]] = _in_batch(plan)
    if config.securityhub_findings:
        client_ = client("securityhub")
        if findings:
            result = import_findings(client_, findings, region, account, fixed=plan.fixed)
            summary["securityhub_imported"] = result.imported
            summary["securityhub_failed"] = result.failed + result.not_importable
            failures += result.failed + result.not_importable
        if plan.earlier:
            resolved = resolve_findings(client_, plan.earlier, region, account)
            summary["securityhub_resolved"] = resolved.archived
            summary["securityhub_resolve_failed"] = resolved.failed
            failures += resolved.failed
            announced += [(fix, False) for fix in resolved.fixed]
        if plan.fixed:
            failures += _resolve_batch_workflows(client_, findings, plan, region, account)
    if config.event_bus_name:

        def arn_of(item: Finding | Remediation) -> str | None:
            where, owner = item.region or region, item.account_id or account
            return parameter_arn(item, where, owner) if where and owner else None

        events = client("events")
        if findings:
            sent, failed = put_findings(events, config.event_bus_name, findings, arn_of)
            summary["events_sent"] = sent
            summary["events_failed"] = failed
            failures += failed
        if announced:
            entries = []
            for fix, in_batch in announced:
                owner, where = fix.account_id or account, fix.region or region
                ident = finding_id(owner, where, fix.parameter_name) if owner and where else None
                entries.append(
                    build_resolution_entry(fix, config.event_bus_name, arn_of(fix), ident, in_batch)
                )
            sent, failed = put_entries(events, entries, [f.parameter_name for f, _ in announced])
            summary["remediation_events_sent"] = sent
            summary["remediation_events_failed"] = failed
            failures += failed
    return summary, failures


def _in_batch(plan: FixPlan) -> list[tuple[Remediation, bool]]:
    """The fixes of this batch's findings, each once."""
    seen: set[int] = set()
    out: list[tuple[Remediation, bool]] = []
    for fix in plan.fixed.values():
        if id(fix) not in seen:
            seen.add(id(fix))
            out.append((fix, True))
    return out


def _log_fixes(plan: FixPlan) -> None:
    """One `remediation` log line per fix, saying what it can resolve."""
    judged = [(fix, "resolves a finding of this invocation") for fix, _ in _in_batch(plan)]
    judged += [
        (fix, "not after a write in this invocation: resolves nothing") for fix in plan.superseded
    ]
    judged += [(fix, "may resolve an earlier finding") for fix in plan.earlier]
    for fix, verdict in judged:
        logger.info(
            "parameter fixed",
            extra={"event": "remediation", "verdict": verdict, **fix.to_dict()},
        )


def _resolve_batch_workflows(
    securityhub: Any,
    findings: Sequence[Finding],
    plan: FixPlan,
    region: str,
    account: str | None,
) -> int:
    """Workflow RESOLVED for findings imported archived in this batch; returns the failures.

    An import sets Workflow only when it creates the finding: one that existed already
    (an earlier exposure) is resolved here. FindingNotFound is expected for the new ones.
    """
    by_product: dict[str, dict[str, Remediation]] = {}
    for f in findings:
        fix = plan.fixed.get(id(f))
        owner = account or f.account_id
        if fix is None or owner is None or (f.account_id and f.account_id != owner):
            continue
        ident = finding_id(owner, f.region or region, f.parameter_name)
        by_product.setdefault(product_arn(region, owner), {})[ident] = fix
    return sum(
        resolve_workflows(securityhub, list(idents.items()), product, tolerate_missing=True)
        for product, idents in by_product.items()
    )
