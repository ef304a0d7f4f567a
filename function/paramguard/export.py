"""Hand findings, and the fixes of findings, on to Security Hub and EventBridge, when the
deployment turned them on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from .aws_errors import error_code, is_aws_error
from .config import Config
from .eventbus import build_resolution_entry, put_entries, put_findings
from .finding import Finding, Remediation
from .fixes import FixPlan, plan_fixes
from .securityhub import (
    _OPEN_WORKFLOW,
    _active_findings,
    finding_id,
    import_findings,
    parameter_arn,
    product_arn,
    resolve_findings,
    resolve_workflows,
)

logger = logging.getLogger(__name__)

_PLAINTEXT_TYPES = ("String", "StringList")
_NAMES_PER_CALL = 50  # DescribeParameters: a Name filter takes at most 50 values


def current_types(
    ssm_for_region: Callable[[str], Any], region: str, names: Sequence[str]
) -> dict[str, str | None] | None:
    """Each name's type now in the function's account (None: no such parameter); None if
    DescribeParameters failed (logged)."""
    types: dict[str, str | None] = dict.fromkeys(names)
    try:
        ssm = ssm_for_region(region)
        for start in range(0, len(names), _NAMES_PER_CALL):
            chunk = list(names[start : start + _NAMES_PER_CALL])
            token: str | None = None
            while True:
                kwargs: dict[str, Any] = {
                    "ParameterFilters": [{"Key": "Name", "Option": "Equals", "Values": chunk}],
                    "MaxResults": 50,
                }
                if token:
                    kwargs["NextToken"] = token
                answer = ssm.describe_parameters(**kwargs)
                for meta in answer.get("Parameters") or []:
                    if meta.get("Name") in types:
                        types[meta["Name"]] = str(meta.get("Type"))
                token = answer.get("NextToken")
                if not token:
                    break
    except Exception as exc:  # noqa: BLE001 - counted by the caller as an export failure
        extra = {"event": "securityhub_resolve_failed", "call": "DescribeParameters"}
        if is_aws_error(exc):
            logger.error(
                "could not check deleted parameters", extra=extra | {"error": error_code(exc)}
            )
        else:
            logger.exception("could not check deleted parameters", extra=extra)
        return None
    return types


def still_deleted(
    ssm_for_region: Callable[[str], Any] | None,
    deletes: Sequence[Remediation],
    region: str,
    account: str | None,
) -> tuple[set[int], int]:
    """The deletes that may resolve a finding (id(fix)) and how many checks failed.

    A write processed late can leave a finding describing an older exposure than the live
    one, so a delete resolves only if the parameter is gone now or is a SecureString; if it
    is String/StringList again, the finding stays open (logged, not a failure). Parameters of
    other accounts have no finding in this Security Hub and are left to resolve_findings.
    """
    ok: set[int] = set()
    failed = 0
    by_region: dict[str, list[Remediation]] = {}
    for fix in deletes:
        if account and fix.account_id and fix.account_id != account:
            ok.add(id(fix))
            continue
        by_region.setdefault(fix.region or region, []).append(fix)
    for where, group in sorted(by_region.items()):
        names = list(dict.fromkeys(f.parameter_name for f in group))
        types = current_types(ssm_for_region, where, names) if ssm_for_region else None
        if types is None:
            if ssm_for_region is None:
                logger.error(
                    "no SSM client to check deleted parameters",
                    extra={"event": "securityhub_resolve_failed", "call": "DescribeParameters"},
                )
            failed += len(group)
            continue
        for fix in group:
            now_type = types.get(fix.parameter_name)
            if now_type in _PLAINTEXT_TYPES:
                logger.info(
                    "parameter fixed",
                    extra={
                        "event": "remediation",
                        "verdict": f"exists again as {now_type}: resolves nothing",
                        **fix.to_dict(),
                    },
                )
            else:
                ok.add(id(fix))
    return ok, failed


def export_findings(
    config: Config,
    client: Callable[[str], Any],
    findings: Sequence[Finding],
    region: str,
    account: str | None,
    fixes: Sequence[Remediation] = (),
    ssm_for_region: Callable[[str], Any] | None = None,
) -> tuple[dict[str, int], int]:
    """Import into Security Hub, put on the bus; (counts for the summary line, failures).

    Deletes archive and resolve the findings they fix (if the parameter is not plaintext
    again: ssm_for_region(region) answers DescribeParameters) and go on the bus as
    `Plaintext Parameter Remediated`. A SecureString overwrite leaves the finding open (its
    plaintext versions stay in the history) and only sets its Note. No call at all without
    findings or fixes, so a quiet invocation costs nothing more.
    """
    summary: dict[str, int] = {}
    failures = 0
    if not findings and not fixes:
        return summary, failures
    deletes = [fix for fix in fixes if fix.how == "deleted"]
    plan = plan_fixes(findings, deletes, region, account)
    secured = [fix for fix in fixes if fix.how != "deleted"]
    overwrites = plan_fixes(findings, secured, region, account)
    _log_fixes(plan, overwrites)
    check_failed = 0
    if config.securityhub_findings and (plan.fixed or plan.earlier):
        candidates = list({id(f): f for f in [*plan.fixed.values(), *plan.earlier]}.values())
        ok, check_failed = still_deleted(ssm_for_region, candidates, region, account)
        failures += check_failed
        if check_failed:
            summary["securityhub_resolve_failed"] = check_failed
        plan.fixed = {k: fix for k, fix in plan.fixed.items() if id(fix) in ok}
        plan.earlier = [fix for fix in plan.earlier if id(fix) in ok]
    # Fixes known to have resolved a finding: of this batch's findings, then (Security Hub
    # on) of earlier findings it archived. Without Security Hub an earlier finding cannot be
    # told apart from none: a SecureString write of a secret-like name is the correct way to
    # store one, and announcing each would drown the real fixes.
    announced: list[tuple[Remediation, bool]] = _in_batch(plan)
    if config.securityhub_findings:
        client_ = client("securityhub")
        open_before: set[str] | None = None
        if plan.fixed:
            # Before the import: whose workflow is still open (an analyst's SUPPRESSED stays).
            open_before, lookup_failed = _open_workflows(client_, findings, plan, region, account)
            failures += lookup_failed
        if findings:
            result = import_findings(client_, findings, region, account, fixed=plan.fixed)
            summary["securityhub_imported"] = result.imported
            summary["securityhub_failed"] = result.failed + result.not_importable
            failures += result.failed + result.not_importable
        if plan.earlier or overwrites.earlier:
            resolved = resolve_findings(
                client_, [*plan.earlier, *overwrites.earlier], region, account
            )
            summary["securityhub_resolved"] = resolved.archived
            summary["securityhub_noted"] = resolved.noted
            summary["securityhub_resolve_failed"] = resolved.failed + check_failed
            failures += resolved.failed
            announced += [(fix, False) for fix in resolved.fixed]
        if plan.fixed and open_before is not None:
            failures += _resolve_batch_workflows(
                client_, findings, plan, region, account, open_before
            )
        # A delete in this batch removed the history an overwrite would have kept.
        overwrites.fixed = {k: v for k, v in overwrites.fixed.items() if k not in plan.fixed}
        if overwrites.fixed:
            failures += _note_batch_overwrites(client_, findings, overwrites, region, account)
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


def _log_fixes(plan: FixPlan, overwrites: FixPlan) -> None:
    """One `remediation` log line per fix, saying what it can resolve."""
    judged = [(fix, "resolves a finding of this invocation") for fix, _ in _in_batch(plan)]
    judged += [
        (fix, "not after a write in this invocation: resolves nothing")
        for fix in [*plan.superseded, *overwrites.superseded]
    ]
    judged += [(fix, "may resolve an earlier finding") for fix in plan.earlier]
    judged += [
        (fix, "overwritten as SecureString: earlier versions still hold the value, not resolved")
        for fix in [*(f for f, _ in _in_batch(overwrites)), *overwrites.earlier]
    ]
    for fix, verdict in judged:
        logger.info(
            "parameter fixed",
            extra={"event": "remediation", "verdict": verdict, **fix.to_dict()},
        )


def _batch_ids(
    findings: Sequence[Finding], fixed: dict[int, Remediation], region: str, account: str | None
) -> dict[str, dict[str, Remediation]]:
    """By product ARN: the finding Ids of this batch's fixed findings and their fixes."""
    by_product: dict[str, dict[str, Remediation]] = {}
    for f in findings:
        fix = fixed.get(id(f))
        owner = account or f.account_id
        if fix is None or owner is None or (f.account_id and f.account_id != owner):
            continue
        ident = finding_id(owner, f.region or region, f.parameter_name)
        by_product.setdefault(product_arn(region, owner), {})[ident] = fix
    return by_product


def _open_workflows(
    securityhub: Any, findings: Sequence[Finding], plan: FixPlan, region: str, account: str | None
) -> tuple[set[str] | None, int]:
    """The Ids (of findings fixed in this batch) that do not exist yet or have an open
    workflow (NEW, NOTIFIED); None and the failures if the look-up failed."""
    allowed: set[str] = set()
    failed = 0
    for product, idents in _batch_ids(findings, plan.fixed, region, account).items():
        stored, lookup_failed = _active_findings(
            securityhub, list(idents), product, active_only=False
        )
        failed += lookup_failed
        for ident in idents:
            status = ((stored.get(ident) or {}).get("Workflow") or {}).get("Status")
            if ident not in stored or status in (*_OPEN_WORKFLOW, None):
                allowed.add(ident)
    return (None if failed else allowed), failed


def _resolve_batch_workflows(
    securityhub: Any,
    findings: Sequence[Finding],
    plan: FixPlan,
    region: str,
    account: str | None,
    open_before: set[str],
) -> int:
    """Workflow RESOLVED for findings imported archived in this batch; returns the failures.

    An import sets Workflow only when it creates the finding: one that existed already
    (an earlier exposure) is resolved here, unless someone had suppressed or resolved it
    (open_before). FindingNotFound is expected for the new ones.
    """
    return sum(
        resolve_workflows(
            securityhub,
            [(i, fix) for i, fix in idents.items() if i in open_before],
            product,
            tolerate_missing=True,
        )
        for product, idents in _batch_ids(findings, plan.fixed, region, account).items()
    )


def _note_batch_overwrites(
    securityhub: Any, findings: Sequence[Finding], plan: FixPlan, region: str, account: str | None
) -> int:
    """The Note of findings of this batch overwritten as SecureString later: still open."""
    return sum(
        resolve_workflows(
            securityhub, list(idents.items()), product, tolerate_missing=True, resolve=False
        )
        for product, idents in _batch_ids(findings, plan.fixed, region, account).items()
    )
