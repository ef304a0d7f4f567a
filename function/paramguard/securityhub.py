"""Findings in AWS Security Hub: pure ASFF builders and a thin BatchImportFindings shell.

Checked against the AWS Security Finding Format documentation (required top-level
attributes; BatchImportFindings): with the account's default integration the caller's
account must be the finding's AwsAccountId, so a finding about another account (an
organization trail) cannot be imported from here and is logged and counted instead.
Security Hub's own checks (the ProductArn being enabled, Title/Description lengths) run
only in AWS: moto stores whatever it is sent.

Resolving a finding when its parameter is fixed (docs/findings.md). The provider archives
its own finding with BatchImportFindings (same Id, RecordState ARCHIVED, a later
UpdatedAt); after creation that call cannot change Workflow, Note or UserDefinedFields
("BatchImportFindings for finding providers"), so Workflow RESOLVED and the note saying
what fixed it go through BatchUpdateFindings, which updates only findings that exist
(FindingNotFound otherwise) and leaves UpdatedAt alone. A fix never creates a finding: the
active finding is looked up first (GetFindings by Id) and archived only when its exposure
is older than the fix.

Only a delete resolves. Overwriting a parameter as SecureString keeps the earlier String
versions: GetParameterHistory (and GetParameter name:version) return them, and "WithDecryption
... is ignored for String and StringList parameter types" (GetParameterHistory, SSM API
Reference, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameterHistory.html).
Such a finding stays active and only its Note says what happened (overwrite_note). A delete
removes the parameter with its history; the caller checks the parameter's current state
first (export.py), as a late write may have put plaintext back. moto stores imports but
ignores GetFindings filters and has no BatchUpdateFindings: tests check those payloads
field by field instead.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .aws_errors import error_code, is_aws_error
from .finding import Finding, Remediation, partition_of
from .fixes import moment

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "2018-10-08"
GENERATOR_ID = "paramguard/plaintext-secret-parameter"
# ASFF type taxonomy: namespace/category[/classifier]; the category "Passwords" is the
# documented one for credentials, and the classifier says how it was stored.
FINDING_TYPE = "Sensitive Data Identifications/Passwords/PlaintextParameter"
SEVERITY = "HIGH"
REMEDIATION_URL = (
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
    "sysman-paramstore-securestring.html"
)
# AwsSecurityFinding limits: Title 256 characters, Description 1024, Recommendation.Text 512;
# Resource Details.Other and ProductFields: keys up to 128, values up to 1024 characters.
_TITLE_MAX, _DESCRIPTION_MAX, _TEXT_MAX, _FIELD_VALUE_MAX = 256, 1024, 512, 1024
# Finding Id: a NonEmptyString up to 512 characters; long names are hashed to stay stable.
_ID_MAX = 512
BATCH_SIZE = 100  # BatchImportFindings accepts at most 100 findings per call


def product_arn(region: str, account: str) -> str:
    """The account's default integration: findings a customer's own tool imports."""
    return f"arn:{partition_of(region)}:securityhub:{region}:{account}:product/{account}/default"


def parameter_arn(finding: Finding | Remediation, region: str, account: str) -> str:
    """The parameter's ARN (a name without a leading slash gets one in the ARN path)."""
    name = finding.parameter_name.lstrip("/")
    return f"arn:{partition_of(region)}:ssm:{region}:{account}:parameter/{name}"


def finding_id(account: str, region: str, name: str) -> str:
    """One Security Hub finding per account, region and parameter: re-imports update it."""
    ident = f"paramguard/{account}/{region}/{name}"
    if len(ident) <= _ID_MAX:
        return ident
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
    return f"paramguard/{account}/{region}/sha256:{digest}"


def _timestamp(value: str | None, now: datetime) -> str:
    """RFC 3339 with milliseconds and Z, as ASFF wants; the event time when it parses."""
    when = moment(value) or now
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fields(finding: Finding) -> dict[str, str]:
    """What the on-call engineer needs, as string pairs; never the value."""
    raw = {
        "paramguard/parameter_name": finding.parameter_name,
        "paramguard/parameter_type": finding.parameter_type,
        "paramguard/matched": finding.matched,
        "paramguard/value_matched": finding.value_matched,
        "paramguard/actor": finding.actor,
        "paramguard/actor_type": finding.actor_type,
        "paramguard/source_ip": finding.source_ip,
        "paramguard/event_id": finding.event_id,
        "paramguard/event_time": finding.event_time,
        "paramguard/source": finding.read_from,
        "paramguard/event_source": finding.origin,
        "paramguard/type_source": finding.type_from,
        "paramguard/notes": "; ".join(finding.notes) or None,
    }
    return {key: _clip(str(value), _FIELD_VALUE_MAX) for key, value in raw.items() if value}


def remediation_fields(fix: Remediation) -> dict[str, str]:
    """ProductFields that say what fixed the parameter (who, when, which event)."""
    raw = {
        "paramguard/remediation": fix.how,
        "paramguard/remediation_operation": fix.operation,
        "paramguard/remediated_by": fix.actor,
        "paramguard/remediated_at": fix.event_time,
        "paramguard/remediation_event_id": fix.event_id,
        "paramguard/remediation_source": fix.read_from,
    }
    return {key: _clip(str(value), _FIELD_VALUE_MAX) for key, value in raw.items() if value}


def remediation_note(fix: Remediation) -> str:
    """The Note a resolved finding carries (at most 512 characters)."""
    who = fix.actor or "someone (a Parameter Store Change event does not say who)"
    if fix.how != "deleted":
        return overwrite_note(fix)
    return _clip(
        # The name is clipped so that who, when and which event always fit.
        f"Resolved by paramguard: {_clip(fix.parameter_name, 200)} was deleted by {who} at "
        f"{fix.event_time or 'an unknown time'} ({fix.operation}, event "
        f"{fix.event_id or 'unknown'}). Its value was readable in plain text until then: "
        "rotate it if that matters.",
        _TEXT_MAX,
    )


def overwrite_note(fix: Remediation) -> str:
    """The Note of a finding whose parameter was overwritten as SecureString: still open."""
    who = fix.actor or "someone (a Parameter Store Change event does not say who)"
    return _clip(
        f"Not resolved: {_clip(fix.parameter_name, 200)} was overwritten as SecureString by "
        f"{who} at {fix.event_time or 'an unknown time'} ({fix.operation}, event "
        f"{fix.event_id or 'unknown'}), but its earlier versions still hold the value in plain "
        "text (GetParameterHistory) until the parameter is deleted. Rotate the value, then "
        "delete and re-create the parameter.",
        _TEXT_MAX,
    )


def build_asff(
    finding: Finding,
    region: str,
    account: str,
    now: datetime,
    fixed: Remediation | None = None,
) -> dict[str, Any]:
    """The ASFF document of one finding, in the account and region that import it.

    With `fixed` (a later fix seen in the same scan) the finding is imported archived and
    says what fixed it; Workflow RESOLVED is honoured only when the import creates it.
    """
    where = finding.region or region
    arn = parameter_arn(finding, where, account)
    by = f" by {finding.actor}" if finding.actor else ""
    why = (
        f"value looks like {finding.value_matched}"
        if finding.value_matched
        else (f"name matches {finding.matched!r}")
    )
    title = _clip(f"Plaintext secret in Parameter Store: {finding.parameter_name}", _TITLE_MAX)
    description = _clip(
        f"The parameter {finding.parameter_name} in {where} was written as "
        f"{finding.parameter_type}{by}, not as SecureString, and looks like a secret ({why}). "
        "Its value is stored unencrypted and readable by anyone allowed ssm:GetParameter.",
        _DESCRIPTION_MAX,
    )
    text = _clip(
        # Not an overwrite: the String versions would stay in the parameter's history.
        "Rotate the secret (treat it as exposed), delete the parameter (its history holds the "
        f"value in plain text): aws ssm delete-parameter --name '{finding.parameter_name}', "
        "then create it again as a SecureString with the new value.",
        _TEXT_MAX,
    )
    timestamp = _timestamp(None, now)
    return {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding_id(account, where, finding.parameter_name),
        "ProductArn": product_arn(region, account),
        "GeneratorId": GENERATOR_ID,
        "AwsAccountId": account,
        "Types": [FINDING_TYPE],
        "CreatedAt": _timestamp(finding.event_time, now),
        "UpdatedAt": timestamp,
        "Severity": {"Label": SEVERITY},
        # Severity and Types of an existing finding change only through these fields.
        "FindingProviderFields": {"Severity": {"Label": SEVERITY}, "Types": [FINDING_TYPE]},
        "Title": title,
        "Description": description,
        "Remediation": {"Recommendation": {"Text": text, "Url": REMEDIATION_URL}},
        "ProductFields": _fields(finding) | (remediation_fields(fixed) if fixed else {}),
        # No ASFF resource type describes a parameter (AwsSsmPatchCompliance is patching).
        "Resources": [
            {"Type": "Other", "Id": arn, "Partition": partition_of(where), "Region": where}
        ],
        "RecordState": "ARCHIVED" if fixed else "ACTIVE",
        "Workflow": {"Status": "RESOLVED" if fixed else "NEW"},
    }


@dataclass(frozen=True)
class ImportResult:
    """How many findings Security Hub took, refused, or could not be sent."""

    imported: int = 0
    failed: int = 0
    not_importable: int = 0  # findings about other accounts (default integration)


def import_findings(
    securityhub: Any,
    findings: Sequence[Finding],
    region: str,
    account: str | None,
    now: datetime | None = None,
    fixed: Mapping[int, Remediation] | None = None,
) -> ImportResult:
    """BatchImportFindings in batches of 100; never raises, every refusal is logged.

    fixed maps id(finding) to a later fix of it seen in the same scan: that finding is
    imported archived (build_asff).
    """
    fixed = fixed or {}
    if not findings:
        return ImportResult()
    now = now or datetime.now(UTC)
    # Without the function's own account (outside Lambda) the finding's account is used and
    # Security Hub itself refuses a mismatch.
    own = [
        f
        for f in findings
        if (account or f.account_id) and f.account_id in (None, account or f.account_id)
    ]
    not_importable = len(findings) - len(own)
    if not_importable:
        logger.error(
            "findings about other accounts cannot be imported into this account's Security Hub",
            extra={"event": "securityhub_not_importable", "findings": not_importable},
        )
    imported = failed = 0
    for start in range(0, len(own), BATCH_SIZE):
        batch = [
            build_asff(f, region, account or str(f.account_id), now, fixed.get(id(f)))
            for f in own[start : start + BATCH_SIZE]
        ]
        try:
            answer = securityhub.batch_import_findings(Findings=batch)
        except Exception as exc:  # noqa: BLE001 - the findings are in the log and SNS already
            if not is_aws_error(exc):
                logger.exception(
                    "Security Hub import failed unexpectedly",
                    extra={"event": "securityhub_failed", "findings": len(batch)},
                )
            else:
                logger.error(
                    "Security Hub import failed",
                    extra={
                        "event": "securityhub_failed",
                        "findings": len(batch),
                        "error": error_code(exc),
                    },
                )
            failed += len(batch)
            continue
        for refused in answer.get("FailedFindings") or []:
            logger.error(
                "Security Hub refused a finding",
                extra={
                    "event": "securityhub_failed",
                    "finding_id": refused.get("Id"),
                    "error": refused.get("ErrorCode"),
                    "detail": str(refused.get("ErrorMessage"))[:300],
                },
            )
        failed += int(answer.get("FailedCount") or 0)
        imported += int(answer.get("SuccessCount") or 0)
    return ImportResult(imported, failed, not_importable)


# GetFindings: each filter takes at most 20 values; BatchUpdateFindings up to 100 findings.
_FILTER_VALUES = 20
# What paramguard itself put in a finding: the rest (ProductName, ProcessedAt, Workflow,
# aws/securityhub/* fields) is Security Hub's own and is not sent back.
_OWN_KEYS = (
    "SchemaVersion",
    "Id",
    "ProductArn",
    "GeneratorId",
    "AwsAccountId",
    "Types",
    "CreatedAt",
    "Severity",
    "FindingProviderFields",
    "Title",
    "Description",
    "Remediation",
    "Resources",
)
# A fix resolves the workflow only from these: SUPPRESSED or RESOLVED was someone's decision.
_OPEN_WORKFLOW = ("NEW", "NOTIFIED")


@dataclass(frozen=True)
class ResolveResult:
    """How the fixes of earlier findings went."""

    archived: int = 0  # findings archived (RecordState) and resolved (Workflow)
    failed: int = 0  # look-ups, archives or workflow updates Security Hub refused or missed
    no_finding: int = 0  # no active finding of paramguard's for the parameter
    superseded: int = 0  # the finding's exposure is not older than the fix: left active
    fixed: tuple[Remediation, ...] = ()  # the fixes that archived a finding
    noted: int = 0  # active findings overwritten as SecureString: note only, left active


def archived_document(stored: Mapping[str, Any], fix: Remediation, now: datetime) -> dict[str, Any]:
    """The stored finding again, archived, saying what fixed it; UpdatedAt after the stored one."""
    doc = {key: stored[key] for key in _OWN_KEYS if key in stored}
    fields = stored.get("ProductFields")
    own = {k: v for k, v in fields.items() if k.startswith("paramguard/")} if fields else {}
    doc["ProductFields"] = own | remediation_fields(fix)
    previous = moment(stored.get("UpdatedAt"))
    when = now if previous is None or now > previous else previous + timedelta(milliseconds=1)
    doc["UpdatedAt"] = _timestamp(None, when)
    doc["RecordState"] = "ARCHIVED"
    return doc


def exposure_time(stored: Mapping[str, Any]) -> datetime | None:
    """When the stored finding's plaintext write happened (its event time, else CreatedAt)."""
    fields = stored.get("ProductFields") or {}
    return moment(fields.get("paramguard/event_time")) or moment(stored.get("CreatedAt"))


def _call(what: str, count: int, call: Any, **kwargs: Any) -> dict[str, Any] | None:
    """One Security Hub call; None (logged) when it raised."""
    try:
        answer: dict[str, Any] = call(**kwargs)
    except Exception as exc:  # noqa: BLE001 - the fixes are logged already; counted here
        extra = {"event": "securityhub_resolve_failed", "call": what, "findings": count}
        if is_aws_error(exc):
            logger.error("Security Hub call failed", extra=extra | {"error": error_code(exc)})
        else:
            logger.exception("Security Hub call failed unexpectedly", extra=extra)
        return None
    return answer


def _active_findings(
    securityhub: Any, ids: Sequence[str], product: str, active_only: bool = True
) -> tuple[dict[str, dict[str, Any]], int]:
    """paramguard's (active) findings among `ids`: (by Id, ids whose look-up failed)."""
    found: dict[str, dict[str, Any]] = {}
    failed = 0
    for start in range(0, len(ids), _FILTER_VALUES):
        chunk = ids[start : start + _FILTER_VALUES]
        filters = {
            "Id": [{"Value": i, "Comparison": "EQUALS"} for i in chunk],
            "ProductArn": [{"Value": product, "Comparison": "EQUALS"}],
        }
        if active_only:
            filters["RecordState"] = [{"Value": "ACTIVE", "Comparison": "EQUALS"}]
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"Filters": filters, "MaxResults": 100}
            if token:
                kwargs["NextToken"] = token
            answer = _call("GetFindings", len(chunk), securityhub.get_findings, **kwargs)
            if answer is None:
                failed += len(chunk)
                break
            for stored in answer.get("Findings") or []:
                # Checked again here: the filter is the service's promise, not a test's.
                if (
                    stored.get("Id") in chunk
                    and stored.get("ProductArn") == product
                    and (stored.get("RecordState") == "ACTIVE" or not active_only)
                ):
                    found[stored["Id"]] = stored
            token = answer.get("NextToken")
            if not token:
                break
    return found, failed


def resolve_workflows(
    securityhub: Any,
    resolved: Iterable[tuple[str, Remediation]],
    product: str,
    tolerate_missing: bool = False,
    resolve: bool = True,
) -> int:
    """BatchUpdateFindings Workflow RESOLVED with the fix's note; returns the failures.

    One call per distinct note (one fix of several names shares one), 100 findings each.
    tolerate_missing: FindingNotFound is not a failure (a finding this call just created
    is resolved at creation, and Security Hub may not list it yet). resolve=False sets the
    note only (a SecureString overwrite: the finding stays open).
    """
    by_note: dict[str, list[str]] = {}
    for ident, fix in resolved:
        by_note.setdefault(remediation_note(fix), []).append(ident)
    failed = 0
    for note, idents in by_note.items():
        for start in range(0, len(idents), BATCH_SIZE):
            chunk = idents[start : start + BATCH_SIZE]
            update: dict[str, Any] = {
                "FindingIdentifiers": [{"Id": i, "ProductArn": product} for i in chunk],
                "Note": {"Text": note, "UpdatedBy": "paramguard"},
            }
            if resolve:
                update["Workflow"] = {"Status": "RESOLVED"}
            answer = _call(
                "BatchUpdateFindings", len(chunk), securityhub.batch_update_findings, **update
            )
            if answer is None:
                failed += len(chunk)
                continue
            for missed in answer.get("UnprocessedFindings") or []:
                code = missed.get("ErrorCode")
                if tolerate_missing and code == "FindingNotFound":
                    continue
                failed += 1
                logger.error(
                    "Security Hub did not resolve a finding's workflow",
                    extra={
                        "event": "securityhub_resolve_failed",
                        "finding_id": (missed.get("FindingIdentifier") or {}).get("Id"),
                        "error": code,
                        "detail": str(missed.get("ErrorMessage"))[:300],
                    },
                )
    return failed


def _later(fix: Remediation, than: Remediation) -> bool:
    """Whether fix beats `than`: a delete beats an overwrite (it removed the history an
    overwrite keeps), else the later one (a fix with a known time beats one without)."""
    if (fix.how == "deleted") != (than.how == "deleted"):
        return fix.how == "deleted"
    mine, theirs = moment(fix.event_time), moment(than.event_time)
    return mine is not None and (theirs is None or mine > theirs)


def resolve_findings(
    securityhub: Any,
    fixes: Sequence[Remediation],
    region: str,
    account: str | None,
    now: datetime | None = None,
) -> ResolveResult:
    """Archive and resolve paramguard's active findings of parameters deleted since.

    Never raises and never creates a finding: a fix of a parameter with no active finding
    (never reported, already archived, or another product's) changes nothing. A fix that is
    not later than the finding's exposure (or whose time is unknown) leaves it active. A
    SecureString overwrite leaves it active too and only sets its Note (overwrite_note).
    The caller checks that a deleted parameter has not come back as plaintext.
    """
    if not fixes:
        return ResolveResult()
    now = now or datetime.now(UTC)
    wanted: dict[str, Remediation] = {}
    for fix in fixes:
        owner = account or fix.account_id
        if not owner or (fix.account_id and fix.account_id != owner):
            continue  # another account's parameter: its finding is not in this Security Hub
        ident = finding_id(owner, fix.region or region, fix.parameter_name)
        if ident not in wanted or _later(fix, wanted[ident]):
            wanted[ident] = fix
    owner_of = {ident: account or str(fix.account_id) for ident, fix in wanted.items()}
    archive: list[tuple[dict[str, Any], Remediation, str, Any]] = []
    noted: list[tuple[str, Remediation, str]] = []
    failed = superseded = 0
    for owner in sorted(set(owner_of.values())):
        product = product_arn(region, owner)
        ids = [i for i, o in owner_of.items() if o == owner]
        active, lookups_failed = _active_findings(securityhub, ids, product)
        failed += lookups_failed
        for ident, stored in active.items():
            fix = wanted[ident]
            exposed, fixed_at = exposure_time(stored), moment(fix.event_time)
            if exposed is None or fixed_at is None or fixed_at <= exposed:
                superseded += 1
                logger.info(
                    "fix not later than the finding's exposure; the finding stays active",
                    extra={
                        "event": "remediation_superseded",
                        "finding_id": ident,
                        "remediated_at": fix.event_time,
                    },
                )
                continue
            if fix.how != "deleted":
                noted.append((ident, fix, product))
                continue
            workflow = (stored.get("Workflow") or {}).get("Status")
            archive.append((archived_document(stored, fix, now), fix, product, workflow))
    no_finding = len(wanted) - failed - superseded - len(archive) - len(noted)
    archived: list[Remediation] = []
    resolved: list[tuple[str, Remediation, str]] = []
    for start in range(0, len(archive), BATCH_SIZE):
        batch = archive[start : start + BATCH_SIZE]
        answer = _call(
            "BatchImportFindings",
            len(batch),
            securityhub.batch_import_findings,
            Findings=[doc for doc, _, _, _ in batch],
        )
        if answer is None:
            failed += len(batch)
            continue
        refused = {r.get("Id") for r in answer.get("FailedFindings") or []}
        for item in answer.get("FailedFindings") or []:
            logger.error(
                "Security Hub refused to archive a finding",
                extra={
                    "event": "securityhub_resolve_failed",
                    "finding_id": item.get("Id"),
                    "error": item.get("ErrorCode"),
                    "detail": str(item.get("ErrorMessage"))[:300],
                },
            )
        failed += len(refused)
        for doc, fix, product, workflow in batch:
            if doc["Id"] not in refused:
                archived.append(fix)
                if workflow in (*_OPEN_WORKFLOW, None):
                    resolved.append((doc["Id"], fix, product))
    for product in sorted({p for _, _, p in resolved}):
        failed += resolve_workflows(
            securityhub, [(i, f) for i, f, p in resolved if p == product], product
        )
    for product in sorted({p for _, _, p in noted}):
        mine = [(i, f) for i, f, p in noted if p == product]
        failed += resolve_workflows(securityhub, mine, product, resolve=False)
    return ResolveResult(
        len(archived), failed, max(no_finding, 0), superseded, tuple(archived), len(noted)
    )
