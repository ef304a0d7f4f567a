"""Turning findings into notifications and metrics, and emitting the metrics.

Metrics leave as one CloudWatch embedded metric format (EMF) line on stdout per invocation,
so adding a metric touches this module only and costs no AWS call.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from .finding import Finding
from .text import printable

# SNS Publish: a subject is "UTF-8 text with no line breaks or control characters, and less
# than 100 characters long". Keeping it under 100 UTF-8 *bytes* keeps it under 100 however
# the service counts (code points, UTF-16 units or bytes).
SUBJECT_LIMIT = 99
# SNS Publish: at most 262,144 bytes (not characters) of UTF-8, and "all parts of the message
# attributes, including name, type, and value, are included in the message size restriction".
MESSAGE_LIMIT = 256 * 1024
ATTRIBUTE_LIMIT = 1024  # bytes per attribute value: our own bound, so they never crowd the body
FIELD_LIMIT = 8 * 1024  # bytes per field in a message that would not fit whole
TRUNCATED = "\n[truncated: over SNS's 256 KB message limit; the finding is in the function's log]"
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def clip_utf8(text: str, limit: int) -> str:
    """The longest prefix of text whose UTF-8 encoding fits in limit bytes."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def utf8_size(text: str) -> int:
    """Bytes of text in UTF-8 (lone surrogates counted as SNS would refuse them: 3 bytes)."""
    return len(text.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class Notification:
    """One SNS message: subject, text body and the same facts as attributes."""

    subject: str
    message: str
    attributes: dict[str, dict[str, str]]


def valid_region(region: str | None) -> str | None:
    """The region if it looks like one (it goes into links and commands), else None."""
    return region if region and _REGION_RE.match(region) else None


def console_url(name: str, region: str | None) -> str | None:
    """Link to the parameter in the Systems Manager console."""
    # A crafted awsRegion must not turn the link into one to another host.
    if not valid_region(region):
        return None
    # The console route takes the name URL-encoded twice (slashes become %252F).
    from urllib.parse import quote  # imported here: a local scan prints no links

    encoded = quote(quote(name, safe="", errors="backslashreplace"), safe="")
    return (
        f"https://{region}.console.aws.amazon.com/systems-manager/parameters/{encoded}"
        f"/description?region={region}&tab=Table"
    )


def _subject(finding: Finding) -> str:
    head = "paramguard: plaintext secret? "
    tail = f" ({clip_utf8(printable(finding.parameter_type), 20)})"
    room = SUBJECT_LIMIT - utf8_size(head) - utf8_size(tail)
    name = printable(finding.parameter_name)
    if utf8_size(name) > room:
        # The end of a name says what it is: keep the longest tail that fits.
        tail_bytes = name.encode()[-(room - 3) :]
        name = "..." + tail_bytes.decode("utf-8", "ignore")
    return head + name + tail


def fix_instructions(finding: Finding) -> list[str]:
    """How to fix the finding, as shell-ready steps."""
    # Both go into shell commands a person will paste: quoted, and only a real region name.
    import shlex  # imported here, like quote above: only for findings

    region = valid_region(finding.region) or "<region>"
    name = shlex.quote(printable(finding.parameter_name))
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
        f"'!re:^{printable(re.escape(finding.parameter_name))}$' to dictionary.txt and "
        "uploading it.",
    ]


def _body(finding: Finding) -> str:
    """The readable text and the JSON facts of one finding."""
    show = printable
    link = console_url(finding.parameter_name, finding.region)
    by_value = finding.matched.startswith("value:")
    lines = [
        (
            "A parameter whose value holds a secret was written to SSM Parameter Store "
            "without encryption."
            if by_value
            else "A parameter whose name looks like a secret was written to SSM Parameter "
            "Store without encryption."
        ),
        "",
        f"Parameter:      {show(finding.parameter_name)}",
        f"Type:           {show(finding.parameter_type)}"
        + (" (not SecureString)" if finding.parameter_type != "unknown" else ""),
        _matched_line(finding),
        f"Account:        {show(finding.account_id or 'unknown')}",
        f"Region:         {show(finding.region or 'unknown')}",
        f"Who:            {show(finding.actor or 'unknown')}"
        + (f" ({show(finding.actor_type)})" if finding.actor_type else ""),
        f"Source IP:      {show(finding.source_ip or 'unknown')}",
        f"User agent:     {show(finding.user_agent or 'unknown')}",
        f"Time:           {show(finding.event_time or 'unknown')}",
        f"Event ID:       {show(finding.event_id or 'unknown')}",
        f"Version:        {finding.version if finding.version is not None else 'unknown'}",
        f"Found in:       {show(finding.read_from)}",
    ]
    if finding.value_matched and not by_value:
        lines.insert(5, f"Value matched:  {show(finding.value_matched)} ({_detector(finding)})")
    if link:
        lines.append(f"Console:        {link}")
    for note in finding.notes:
        lines.append(f"Note:           {show(note)}")
    fixed = finding.resolved_by
    if fixed:
        # Fixed later in the same logs: the value was still readable until then.
        how, who = str(fixed.get("how")), fixed.get("actor") or "unknown"
        when = (
            f" by {show(who)} at {show(fixed.get('event_time') or 'unknown')} (event "
            f"{show(fixed.get('event_id') or 'unknown')})"
        )
        if how == "deleted":
            lines.append(f"Fixed later:    deleted{when}; rotate the value all the same")
        else:
            # An overwrite keeps the String versions, readable in the parameter's history.
            lines.append(
                f"Not fixed:      overwritten as SecureString later{when}; earlier versions "
                "still hold the value in plain text: rotate it, then delete and re-create "
                "the parameter"
            )
    lines += ["", "How to fix:", *fix_instructions(finding), ""]
    lines += [
        "The parameter's value is not included in this message, nor in any log.",
        "",
        "--- finding (JSON) ---",
        # ASCII-escaped: no control or bidi character reaches a mail reader, and every
        # JSON parser reads it back exactly.
        json.dumps(finding.to_dict(), sort_keys=True, ensure_ascii=True, indent=2),
    ]
    return "\n".join(lines)


def _detector(finding: Finding) -> str:
    """Which kind of value detector fired (never the value)."""
    name = finding.value_matched or finding.matched
    if name[len("value:") :].isdigit():
        return f"a value: rule, line {name[len('value:') :]} of the dictionary"
    return "a built-in value detector; the value itself is not shown"


def _matched_line(finding: Finding) -> str:
    show = printable
    if finding.matched.startswith("value:"):
        return f"Matched entry:  {show(finding.matched)} ({_detector(finding)})"
    return f"Matched entry:  {show(finding.matched)} (dictionary line {finding.matched_line})"


def _clipped(finding: Finding, limit: int) -> Finding:
    """A copy whose text fields are at most limit bytes each, saying so where cut."""

    def clip(text: str) -> str:
        if utf8_size(text) <= limit:
            return text
        kept = clip_utf8(text, limit)
        return f"{kept}...[{utf8_size(text) - utf8_size(kept)} more bytes]"

    changes: dict[str, Any] = {
        name: clip(value)
        for name in finding.fields()
        if isinstance(value := getattr(finding, name), str)
    }
    notes = [clip(note) for note in finding.notes[:20]]
    if len(finding.notes) > 20:
        notes.append(f"...and {len(finding.notes) - 20} more notes")
    return finding.replace(**changes, notes=notes)


def fit_message(message: str, budget: int) -> str:
    """The message cut at a UTF-8 boundary to budget bytes, ending with a truncation notice."""
    if utf8_size(message) <= budget:
        return message
    return clip_utf8(message, max(0, budget - utf8_size(TRUNCATED))) + TRUNCATED


def build_notification(finding: Finding) -> Notification:
    """Readable subject and body for one finding, plus the facts as JSON, within SNS's limits."""
    attributes = _attributes(
        {
            "parameter_name": finding.parameter_name,
            "parameter_type": finding.parameter_type,
            "matched": finding.matched,
            "value_matched": finding.value_matched,
            "account_id": finding.account_id,
            "region": finding.region,
            "event_id": finding.event_id,
            "kind": "finding",
        }
    )
    budget = MESSAGE_LIMIT - attributes_size(attributes)
    message = _body(finding)
    if utf8_size(message) > budget:
        # Huge fields (a crafted name or user agent): shorten each, so every fact still shows.
        message = _body(_clipped(finding, FIELD_LIMIT))
    return Notification(
        subject=_subject(finding), message=fit_message(message, budget), attributes=attributes
    )


def build_summary(findings: Sequence[Finding], sent: int) -> Notification:
    """One message for the findings past the per-invocation cap."""
    rest = findings[sent:]
    show = printable
    lines = [
        f"{len(findings)} findings in one run; {sent} were sent individually, "
        f"{len(rest)} more are listed here. Every finding is also in the function's log "
        "(event 'finding').",
        "",
    ]
    for finding in rest:
        lines.append(
            f"- {show(finding.parameter_name)} ({show(finding.parameter_type)}) matched "
            f"'{show(finding.matched)}' account {show(str(finding.account_id))} region "
            f"{show(str(finding.region))} event {show(str(finding.event_id))} "
            f"by {show(str(finding.actor))}"
        )
    lines += [
        "",
        "--- findings (JSON) ---",
        json.dumps([f.to_dict() for f in rest], sort_keys=True, ensure_ascii=True),
    ]
    attributes = _attributes({"kind": "summary", "count": str(len(rest))})
    return Notification(
        subject=f"paramguard: {len(rest)} more plaintext secret findings"[:SUBJECT_LIMIT],
        message=fit_message("\n".join(lines), MESSAGE_LIMIT - attributes_size(attributes)),
        attributes=attributes,
    )


def _attributes(values: Mapping[str, str | None]) -> dict[str, dict[str, str]]:
    """String attributes, printable, at most ATTRIBUTE_LIMIT bytes each; empty ones left out."""
    attributes = {}
    for key, value in values.items():
        text = clip_utf8(printable(value), ATTRIBUTE_LIMIT) if value else ""
        if text:  # SNS refuses an empty attribute value
            attributes[key] = {"DataType": "String", "StringValue": text}
    return attributes


def attributes_size(attributes: Mapping[str, Mapping[str, str]]) -> int:
    """Bytes SNS counts for the attributes: every name, data type and value."""
    return sum(
        utf8_size(name) + utf8_size(value["DataType"]) + utf8_size(value.get("StringValue", ""))
        for name, value in attributes.items()
    )


@dataclass
class Counters:
    """Operational counts of one invocation, published as CloudWatch metrics."""

    findings: int = 0  # published as AnomaliesDetected (the workshop's name)
    log_files: int = 0
    records: int = 0  # records the rule evaluated (a fast-path log file: only its candidates)
    bytes_scanned: int = 0
    skipped_objects: int = 0
    log_file_failures: int = 0
    dictionary_load_failures: int = 0
    notification_failures: int = 0
    oversize_objects: int = 0
    duplicates_suppressed: int = 0
    inventory_failures: int = 0  # regions the scheduled sweep could not list
    export_failures: int = 0  # findings Security Hub or EventBridge did not take
    member_role_failures: int = 0  # accounts whose member role could not be assumed
    # Value inspection's counts are published only when it is on (a metric costs money).
    inspect_values: bool = False
    values_not_inspected: int = 0  # plaintext writes whose value was left unread for good
    value_read_failures: int = 0  # reads refused (AccessDenied...): a blind spot

    def metrics(self) -> list[tuple[str, int, str]]:
        """(name, value, unit) of every metric this invocation publishes, zeros included."""
        values = {
            "AnomaliesDetected": self.findings,
            "LogFilesProcessed": self.log_files,
            "RecordsEvaluated": self.records,
            "ObjectsSkipped": self.skipped_objects,
            "LogFileFailures": self.log_file_failures,
            "DictionaryLoadFailures": self.dictionary_load_failures,
            "NotificationFailures": self.notification_failures,
            "DecompressionLimitExceeded": self.oversize_objects,
            "DuplicatesSuppressed": self.duplicates_suppressed,
            "InventoryFailures": self.inventory_failures,
            "FindingExportFailures": self.export_failures,
            "MemberRoleFailures": self.member_role_failures,
        }
        if self.inspect_values:
            values["ValuesNotInspected"] = self.values_not_inspected
            values["ValueReadFailures"] = self.value_read_failures
        counts = [(name, value, "Count") for name, value in values.items()]
        return [*counts, ("LogBytesScanned", self.bytes_scanned, "Bytes")]


# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
# "A MetricDirective ... MUST NOT contain more than 100 MetricDefinition objects."
EMF_MAX_METRICS = 100


def emf_document(namespace: str, counters: Counters, timestamp_ms: int) -> dict[str, Any]:
    """The embedded metric format document of one invocation's counts.

    Every count is present, zeros included: the heartbeat alarm needs a LogFilesProcessed
    point from each invocation, and AnomaliesDetected=0 keeps the finding alarm in OK rather
    than INSUFFICIENT_DATA. One empty dimension set ([[]]) publishes each metric with no
    dimensions, which is what the alarms name.
    """
    metrics = counters.metrics()
    if len(metrics) > EMF_MAX_METRICS:
        raise ValueError(f"{len(metrics)} metrics; one EMF directive holds {EMF_MAX_METRICS}")
    directive = {
        "Namespace": namespace,
        "Dimensions": [[]],
        "Metrics": [{"Name": name, "Unit": unit} for name, _, unit in metrics],
    }
    return {
        "_aws": {"Timestamp": timestamp_ms, "CloudWatchMetrics": [directive]},
        **{name: value for name, value, _ in metrics},
    }


def publish_metrics(namespace: str, counters: Counters, stream: TextIO | None = None) -> None:
    """Write the invocation's metrics as one EMF line to stdout; CloudWatch Logs extracts them.

    Written to stdout, not through logging: with Lambda's JSON log format the runtime wraps
    logging records in its own JSON object, and EMF needs the log event to be the document
    itself, nothing before or after it. Python's print output reaches the log group as the
    text written ("Lambda can only send log outputs [of print statements] to CloudWatch Logs
    in plain text format"), and Lambda does not re-encode a line that is already JSON:
    https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html
    https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html
    CloudWatch Logs then extracts the metrics from the lines the function writes to stdout:
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Lambda.html
    """
    document = emf_document(namespace, counters, int(time.time() * 1000))
    out = stream if stream is not None else sys.stdout
    # One line: a newline inside the JSON would split it into two log events.
    out.write(json.dumps(document, separators=(",", ":"), ensure_ascii=True) + "\n")
    out.flush()
