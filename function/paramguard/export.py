"""Hand findings on to Security Hub and EventBridge, when the deployment turned them on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .config import Config
from .eventbus import put_findings
from .finding import Finding
from .securityhub import import_findings, parameter_arn


def export_findings(
    config: Config,
    client: Callable[[str], Any],
    findings: Sequence[Finding],
    region: str,
    account: str | None,
) -> tuple[dict[str, int], int]:
    """Import into Security Hub, put on the bus; (counts for the summary line, failures).

    No call at all without findings, so a quiet invocation costs nothing more.
    """
    summary: dict[str, int] = {}
    failures = 0
    if not findings:
        return summary, failures
    if config.securityhub_findings:
        result = import_findings(client("securityhub"), findings, region, account)
        summary["securityhub_imported"] = result.imported
        summary["securityhub_failed"] = result.failed + result.not_importable
        failures += result.failed + result.not_importable
    if config.event_bus_name:

        def arn_of(finding: Finding) -> str | None:
            where, owner = finding.region or region, finding.account_id or account
            return parameter_arn(finding, where, owner) if where and owner else None

        sent, failed = put_findings(client("events"), config.event_bus_name, findings, arn_of)
        summary["events_sent"] = sent
        summary["events_failed"] = failed
        failures += failed
    return summary, failures
