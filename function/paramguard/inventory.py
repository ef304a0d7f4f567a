"""Parameters that already exist: list the plaintext ones and match their names."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .finding import PLAINTEXT_TYPES, Finding

if TYPE_CHECKING:
    from .rule import NameMatcher


def plaintext_parameters(ssm: Any) -> Iterator[dict[str, Any]]:
    """Every String/StringList parameter's metadata (never its value), paginated."""
    paginator = ssm.get_paginator("describe_parameters")
    pages = paginator.paginate(
        ParameterFilters=[{"Key": "Type", "Option": "Equals", "Values": sorted(PLAINTEXT_TYPES)}],
        PaginationConfig={"PageSize": 50},
    )
    for page in pages:
        yield from page.get("Parameters", [])


def _account_from_arn(arn: Any) -> str | None:
    parts = arn.split(":") if isinstance(arn, str) else []
    return parts[4] if len(parts) > 4 and parts[4] else None


def evaluate_parameter(
    parameter: dict[str, Any],
    matcher: NameMatcher,
    region: str,
    account: str | None = None,
    *,
    any_name: bool = False,
) -> Finding | None:
    """A finding for one listed parameter whose name matches (any_name: any), else None.

    With any_name, a name that does not match gives a finding with an empty matched, for
    its value to decide.
    """
    name = parameter.get("Name")
    kind = parameter.get("Type")
    if not isinstance(name, str) or kind not in PLAINTEXT_TYPES:
        return None
    hit = matcher.match(name)
    if hit is None and not any_name:
        return None
    modified = parameter.get("LastModifiedDate")
    version = parameter.get("Version")
    user = parameter.get("LastModifiedUser")
    return Finding(
        parameter_name=name,
        parameter_type=str(kind),
        matched=hit.entry if hit is not None else "",
        matched_line=hit.line if hit is not None else 0,
        event_time=modified.isoformat() if isinstance(modified, datetime) else None,
        account_id=_account_from_arn(parameter.get("ARN")) or account,
        region=region,
        actor=user if isinstance(user, str) else None,
        read_from=f"ssm:DescribeParameters {region}",
        origin="inventory",
        version=version if isinstance(version, int) else None,
        type_from="describe_parameters",
        notes=["found by the inventory sweep; 'Who' is the parameter's last modifier"],
    )


def sweep(
    ssm: Any,
    matcher: NameMatcher,
    region: str,
    account: str | None = None,
    not_inspected: list[tuple[str, str]] | None = None,
) -> tuple[int, list[Finding]]:
    """(parameters listed, findings) for one region.

    With not_inspected (a list to fill with (name, reason)), each listed parameter's value
    is read (the version listed, no decryption) and inspected too.
    """
    result = RegionSweep(region)
    _sweep_into(result, ssm, matcher, account, not_inspected)
    return result.listed, result.findings


def _sweep_into(
    result: RegionSweep,
    ssm: Any,
    matcher: NameMatcher,
    account: str | None,
    not_inspected: list[tuple[str, str]] | None,
) -> None:
    """Fill result page by page, so a failure on a later page keeps what was found before."""
    inspect = not_inspected is not None
    for parameter in plaintext_parameters(ssm):
        result.listed += 1
        finding = evaluate_parameter(parameter, matcher, result.region, account, any_name=inspect)
        if finding is not None and not_inspected is not None:
            finding = _inspect(ssm, finding, matcher, not_inspected)
        if finding is not None:
            result.findings.append(finding)


def _inspect(
    ssm: Any, finding: Finding, matcher: NameMatcher, not_inspected: list[tuple[str, str]]
) -> Finding | None:
    """The finding with its value's verdict; None when only the value could report it."""
    from .inspection import Write, inspect_writes

    result = inspect_writes([Write(finding, bool(finding.matched))], lambda _: ssm, None, matcher)
    if result.not_inspected or result.retry:
        reason = next((n for n in finding.notes if n.startswith("value not inspected")), "")
        not_inspected.append((finding.parameter_name, reason or "value not inspected"))
    return result.findings[0] if result.findings else None


@dataclass
class RegionSweep:
    """How the sweep of one region went: what it listed and found, and why it failed, if it did.

    A region that fails part-way keeps what its earlier pages found (`error` is then set too).
    """

    region: str
    listed: int = 0
    findings: list[Finding] = field(default_factory=list)
    error: Exception | None = None
    not_inspected: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)


def sweep_regions(
    ssm_for_region: Callable[[str], Any],
    regions: Sequence[str],
    matcher: NameMatcher,
    account: str | None = None,
    *,
    inspect_values: bool = False,
) -> list[RegionSweep]:
    """Sweep each region on its own: one that fails carries its error, the others go on.

    A region blocked by an organization SCP or an opt-in region not enabled fails for good;
    that must not hide the findings of the regions that can be listed.
    """
    results: list[RegionSweep] = []
    for region in regions:
        result = RegionSweep(region)
        try:
            _sweep_into(
                result,
                ssm_for_region(region),
                matcher,
                account,
                result.not_inspected if inspect_values else None,
            )
        except Exception as exc:  # noqa: BLE001 - the caller logs and counts it per region
            # What the pages before the failure found is kept: it is reported with the error.
            result.error = exc
        results.append(result)
    return results
