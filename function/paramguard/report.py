"""Turning findings into notifications and metrics (pure functions, no AWS calls)."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from .cloudtrail import Finding

SUBJECT_LIMIT = 99  # SNS wants subjects under 100 characters
MESSAGE_LIMIT = 256 * 1024


@dataclass(frozen=True)
class Notification:
    """One SNS message: subject, text body and the same facts as attributes."""

    subject: str
    message: str
    attributes: dict[str, dict[str, str]]


def console_url(name: str, region: str | None) -> str | None:
    """Link to the parameter in the Systems Manager console."""
    if not region:
        return None
    # The console route takes the name URL-encoded twice (slashes become %252F).
    encoded = quote(quote(name, safe=""), safe="")
    return (
        f"https://{region}.console.aws.amazon.com/systems-manager/parameters/{encoded}"
        f"/description?region={region}&tab=Table"
    )


def _clean(text: str) -> str:
    """Printable single-line text for a subject (SNS refuses control characters)."""
    return "".join(ch if ch.isprintable() and ch not in "\r\n\t" else " " for ch in text)


def _subject(finding: Finding) -> str:
    head, tail = "paramguard: plaintext secret? ", f" ({finding.parameter_type})"
    room = SUBJECT_LIMIT - len(head) - len(tail)
    name = _clean(finding.parameter_name)
    if len(name) > room:
        name = "..." + name[-(room - 3) :]  # the end of a name says what it is
    return head + name + tail


def fix_instructions(finding: Finding) -> list[str]:
    """How to fix the finding, as shell-ready steps."""
    region = finding.region or "<region>"
    name = shlex.quote(finding.parameter_name)
    return [
        "1. Treat the value as exposed: anyone with ssm:GetParameter on it could read it. "
        "Rotate the credential at its source.",
        "2. Delete the plaintext parameter; this also deletes its history, which still holds "
        f"the old value in plain text:\n     aws ssm delete-parameter --region {region} "
        f"--name {name}",
        "3. Recreate it as a SecureString with the new value (encrypted with KMS):\n"
        f"     aws ssm put-parameter --region {region} --name {name} --type SecureString "
        "--value file://new-value.txt",
        "4. Update whatever reads it to request decryption (WithDecryption=true) and grant "
        "kms:Decrypt on the key.",
        "If the name is not a secret after all, exclude exactly this name by adding the line "
        f"'!re:^{re.escape(finding.parameter_name)}$' to dictionary.txt and uploading it.",
    ]


def build_notification(finding: Finding) -> Notification:
    """Readable subject and body for one finding, plus the facts as JSON."""
    facts = finding.to_dict()
    link = console_url(finding.parameter_name, finding.region)
    lines = [
        "A parameter whose name looks like a secret was written to SSM Parameter Store "
        "without encryption.",
        "",
        f"Parameter:      {finding.parameter_name}",
        f"Type:           {finding.parameter_type}"
        + (" (not SecureString)" if finding.parameter_type != "unknown" else ""),
        f"Matched entry:  {finding.matched} (dictionary line {finding.matched_line})",
        f"Account:        {finding.account_id or 'unknown'}",
        f"Region:         {finding.region or 'unknown'}",
        f"Who:            {finding.actor or 'unknown'}"
        + (f" ({finding.actor_type})" if finding.actor_type else ""),
        f"Source IP:      {finding.source_ip or 'unknown'}",
        f"User agent:     {finding.user_agent or 'unknown'}",
        f"Time:           {finding.event_time or 'unknown'}",
        f"Event ID:       {finding.event_id or 'unknown'}",
        f"Version:        {finding.version if finding.version is not None else 'unknown'}",
        f"Found in:       {finding.source}",
    ]
    if link:
        lines.append(f"Console:        {link}")
    for note in finding.notes:
        lines.append(f"Note:           {note}")
    lines += ["", "How to fix:", *fix_instructions(finding), ""]
    lines += [
        "The parameter's value is not included in this message, nor in any log.",
        "",
        "--- finding (JSON) ---",
        json.dumps(facts, sort_keys=True, ensure_ascii=False, indent=2),
    ]
    attributes = {
        "parameter_name": finding.parameter_name,
        "parameter_type": finding.parameter_type,
        "matched": finding.matched,
        "account_id": finding.account_id,
        "region": finding.region,
        "event_id": finding.event_id,
        "kind": "finding",
    }
    return Notification(
        subject=_subject(finding),
        message="\n".join(lines)[:MESSAGE_LIMIT],
        attributes=_attributes(attributes),
    )


def build_summary(findings: Sequence[Finding], sent: int) -> Notification:
    """One message for the findings past the per-invocation cap."""
    rest = findings[sent:]
    lines = [
        f"{len(findings)} findings in one run; {sent} were sent individually, "
        f"{len(rest)} more are listed here. Every finding is also in the function's log "
        "(event 'finding').",
        "",
    ]
    for finding in rest:
        lines.append(
            f"- {finding.parameter_name} ({finding.parameter_type}) matched '{finding.matched}' "
            f"account {finding.account_id} region {finding.region} event {finding.event_id} "
            f"by {finding.actor}"
        )
    lines += [
        "",
        "--- findings (JSON) ---",
        json.dumps([f.to_dict() for f in rest], sort_keys=True, ensure_ascii=False),
    ]
    message = "\n".join(lines)
    if len(message.encode()) > MESSAGE_LIMIT:
        message = message.encode()[: MESSAGE_LIMIT - 100].decode("utf-8", "ignore")
        message += "\n[truncated: see the function's log for every finding]"
    return Notification(
        subject=f"paramguard: {len(rest)} more plaintext secret findings"[:SUBJECT_LIMIT],
        message=message,
        attributes=_attributes({"kind": "summary", "count": str(len(rest))}),
    )


def _attributes(values: Mapping[str, str | None]) -> dict[str, dict[str, str]]:
    return {
        key: {"DataType": "String", "StringValue": value[:1024]}
        for key, value in values.items()
        if value
    }


@dataclass
class Counters:
    """Operational counts of one invocation, published as CloudWatch metrics."""

    anomalies: int = 0
    log_files: int = 0
    records: int = 0  # records the rule evaluated (a fast-path log file: only its candidates)
    bytes_scanned: int = 0
    skipped_objects: int = 0
    log_file_failures: int = 0
    dictionary_load_failures: int = 0
    notification_failures: int = 0
    oversize_objects: int = 0
    duplicates_suppressed: int = 0

    def metric_data(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """PutMetricData entries; AnomaliesDetected has no dimensions so the alarm sees it."""
        timestamp = now or datetime.now(UTC)
        values = {
            "AnomaliesDetected": self.anomalies,
            "LogFilesProcessed": self.log_files,
            "RecordsEvaluated": self.records,
            "ObjectsSkipped": self.skipped_objects,
            "LogFileFailures": self.log_file_failures,
            "DictionaryLoadFailures": self.dictionary_load_failures,
            "NotificationFailures": self.notification_failures,
            "DecompressionLimitExceeded": self.oversize_objects,
            "DuplicatesSuppressed": self.duplicates_suppressed,
        }
        data = [
            {"MetricName": name, "Value": float(value), "Unit": "Count", "Timestamp": timestamp}
            for name, value in values.items()
        ]
        data.append(
            {
                "MetricName": "LogBytesScanned",
                "Value": float(self.bytes_scanned),
                "Unit": "Bytes",
                "Timestamp": timestamp,
            }
        )
        return data
