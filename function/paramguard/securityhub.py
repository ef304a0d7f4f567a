"""Findings in AWS Security Hub: pure ASFF builders and a thin BatchImportFindings shell.

Checked against the AWS Security Finding Format documentation (required top-level
attributes; BatchImportFindings): with the account's default integration the caller's
account must be the finding's AwsAccountId, so a finding about another account (an
organization trail) cannot be imported from here and is logged and counted instead.
Security Hub's own checks (the ProductArn being enabled, Title/Description lengths) run
only in AWS: moto stores whatever it is sent.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .aws_errors import error_code, is_aws_error
from .finding import Finding

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


def partition(region: str) -> str:
    """The ARN partition a region belongs to."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def product_arn(region: str, account: str) -> str:
    """The account's default integration: findings a customer's own tool imports."""
    return f"arn:{partition(region)}:securityhub:{region}:{account}:product/{account}/default"


def parameter_arn(finding: Finding, region: str, account: str) -> str:
    """The parameter's ARN (a name without a leading slash gets one in the ARN path)."""
    name = finding.parameter_name.lstrip("/")
    return f"arn:{partition(region)}:ssm:{region}:{account}:parameter/{name}"


def finding_id(account: str, region: str, name: str) -> str:
    """One Security Hub finding per account, region and parameter: re-imports update it."""
    ident = f"paramguard/{account}/{region}/{name}"
    if len(ident) <= _ID_MAX:
        return ident
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
    return f"paramguard/{account}/{region}/sha256:{digest}"


def _timestamp(value: str | None, now: datetime) -> str:
    """RFC 3339 with milliseconds and Z, as ASFF wants; the event time when it parses."""
    moment = now
    if value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            moment = now
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


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


def build_asff(finding: Finding, region: str, account: str, now: datetime) -> dict[str, Any]:
    """The ASFF document of one finding, in the account and region that import it."""
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
        "Rotate the secret (treat it as exposed), then store it again as a SecureString with "
        f"the same name: aws ssm put-parameter --name '{finding.parameter_name}' --type "
        "SecureString --overwrite --value ...",
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
        "ProductFields": _fields(finding),
        # No ASFF resource type describes a parameter (AwsSsmPatchCompliance is patching).
        "Resources": [{"Type": "Other", "Id": arn, "Partition": partition(where), "Region": where}],
        "RecordState": "ACTIVE",
        "Workflow": {"Status": "NEW"},
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
) -> ImportResult:
    """BatchImportFindings in batches of 100; never raises, every refusal is logged."""
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
            build_asff(f, region, account or str(f.account_id), now)
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
