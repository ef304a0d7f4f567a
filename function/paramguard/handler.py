"""Lambda entry point: recognise the event, scan, report. The work is in pure modules."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from . import inflate, log_setup
from .aws_errors import describe, error_code, is_aws_error, is_transient
from .aws_io import (
    ObjectResult,
    log_findings,
    notify,
    process_object,
    resolve_candidates,
)
from .config import Config
from .dedup import DedupTable, remove_repeats
from .dictionary_store import DictionaryCache
from .events import Item, ItemResult, SweepRequest, Work, answer, recognise
from .export import export_findings
from .finding import Candidate, Finding, Remediation, partition_of
from .fixes import mark_resolved
from .inventory import RegionSweep, sweep_regions
from .matcher import Dictionary
from .organization import (
    MemberSessions,
    list_accounts,
    send_sweep_messages,
    sweep_account,
)
from .report import Counters, publish_metrics
from .rule import (
    evaluate_change,
    evaluate_change_remediation,
    evaluate_record,
    evaluate_remediation,
)

logger = logging.getLogger(__name__)

# Standard retry mode backs off on throttling and 5xx before an error reaches the code.
_BOTO_CONFIG = BotoConfig(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5)
# Type look-ups run against the clock, so one call (retries included) must end within a
# known time: attempts x (connect + read timeout) plus botocore's backoff before the one
# retry (standard mode: at most 1 s, plus up to 5 s when the service sends
# x-amz-retry-after), i.e. 16 s, so a throttled or hanging SSM cannot hold the invocation
# past its deadline. DescribeParameters answers in well under a second.
_LOOKUP_ATTEMPTS, _LOOKUP_CONNECT, _LOOKUP_READ = 2, 2, 3
_LOOKUP_CONFIG = BotoConfig(
    retries={"mode": "standard", "max_attempts": _LOOKUP_ATTEMPTS},
    connect_timeout=_LOOKUP_CONNECT,
    read_timeout=_LOOKUP_READ,
)
_LOOKUP_CALL_SECONDS = _LOOKUP_ATTEMPTS * (_LOOKUP_CONNECT + _LOOKUP_READ) + 6.0


@dataclass
class Runtime:
    """Configuration and clients, created once per execution environment."""

    config: Config
    s3: Any
    sns: Any
    dictionary: DictionaryCache
    dedup: DedupTable | None = None
    # Member-account sessions (MEMBER_ROLE_NAME): credentials cached across warm invocations.
    members: MemberSessions | None = None
    _ssm: dict[tuple[str, bool], Any] = field(default_factory=dict)
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        """A client made on first use (securityhub, events): none when nothing is exported."""
        if service not in self._clients:
            self._clients[service] = boto3.client(service, config=_BOTO_CONFIG)  # type: ignore[call-overload]
        return self._clients[service]

    def ssm(self, region: str) -> Any:
        """An SSM client for the region the inventory sweep lists (patient retries)."""
        if (region, False) not in self._ssm:
            self._ssm[region, False] = boto3.client("ssm", region_name=region, config=_BOTO_CONFIG)
        return self._ssm[region, False]

    def lookup_ssm(self, region: str) -> Any:
        """An SSM client for type look-ups in a region (short timeouts, see _LOOKUP_CONFIG)."""
        if (region, True) not in self._ssm:
            self._ssm[region, True] = boto3.client("ssm", region_name=region, config=_LOOKUP_CONFIG)
        return self._ssm[region, True]

    def member_lookup_ssm(self, account: str, region: str) -> Any:
        """An SSM client in a member account for look-ups and value reads (short timeouts)."""
        assert self.members is not None
        return self.members.client(account, "ssm", region, _LOOKUP_CONFIG)

    def _own_client(self, service: str, region: str, config: Any) -> Any:
        return self.lookup_ssm(region) if config is _LOOKUP_CONFIG else self.ssm(region)

    def start_members(self, account: str | None) -> MemberSessions | None:
        """The member sessions, made on first use (MEMBER_ROLE_NAME set), for this invocation."""
        if not self.config.member_role_name:
            return None
        if self.members is None:
            region = os.environ.get("AWS_REGION", "") or os.environ.get("AWS_DEFAULT_REGION", "")
            self.members = MemberSessions(
                self.config.member_role_name,
                boto3.client("sts", region_name=region or None, config=_LOOKUP_CONFIG),
                partition_of(region),
                own_account=account,
                own_client=self._own_client,
            )
        self.members.own_account = account
        self.members.start_invocation()
        return self.members

    @classmethod
    def create(cls) -> Runtime:
        """Parse the environment and create the clients (fails fast on bad configuration)."""
        config = Config.from_env()
        log_setup.configure(config.log_level)
        logger.info("cold start", extra={"event": "cold_start", "inflater": inflate.describe()})
        s3 = boto3.client("s3", config=_BOTO_CONFIG)
        dedup = None
        if config.dedup_table_name:
            dynamodb = boto3.client("dynamodb", config=_BOTO_CONFIG)
            dedup = DedupTable(dynamodb, config.dedup_table_name)
        return cls(
            config=config,
            s3=s3,
            sns=boto3.client("sns", config=_BOTO_CONFIG),
            dictionary=DictionaryCache(
                s3,
                config.dictionary_bucket,
                config.dictionary_key,
                config.dictionary_ttl_seconds,
                config.dictionary_min_ratio_percent,
            ),
            dedup=dedup,
        )


_runtime: Runtime | None = None


def runtime() -> Runtime:
    """The execution environment's runtime, created on first use."""
    global _runtime
    if _runtime is None:
        _runtime = Runtime.create()
    return _runtime


def reset() -> None:
    """Drop the cached configuration, clients and dictionary (tests; a changed environment)."""
    global _runtime
    _runtime = None


# Time kept back for the summary message after individual notifications (the metrics are a
# log line, no call).
_RESERVE_SECONDS = 10.0
# Type look-ups stop this long before the notifications' deadline: room for one look-up call
# still in flight, then deduplication.
_LOOKUP_RESERVE_SECONDS = _LOOKUP_CALL_SECONDS + 4.0


def _end(context: Any) -> float | None:
    """When Lambda will stop this invocation (monotonic clock), or None outside Lambda."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining):
        return None
    return time.monotonic() + float(remaining()) / 1000


def _before(end: float | None, seconds: float) -> float | None:
    return None if end is None else end - seconds


def _own_region(context: Any) -> str:
    arn = getattr(context, "invoked_function_arn", None)
    parts = arn.split(":") if isinstance(arn, str) else []
    if len(parts) > 3 and parts[3]:
        return parts[3]
    return os.environ.get("AWS_REGION", "") or os.environ.get("AWS_DEFAULT_REGION", "")


def _own_account(context: Any) -> str | None:
    arn = getattr(context, "invoked_function_arn", None)
    parts = arn.split(":") if isinstance(arn, str) else []
    return parts[4] if len(parts) > 4 and parts[4].isdigit() else None


@dataclass
class ItemOutcome:
    """How one item went: its candidates and whether a retry could help."""

    item: Item
    results: list[ObjectResult] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    remediations: list[Remediation] = field(default_factory=list)  # fixes of findings
    transient: str | None = None
    error: str | None = None  # an unexpected failure (a bug): retried, then kept for a redrive
    reported: int = 0  # findings reported from this item

    @property
    def result(self) -> ItemResult:
        """The outcome in the terms the event's answer needs."""
        failed = [f"{r.ref.uri}: {r.reason}" for r in self.results if r.status == "failed"]
        return ItemResult(
            self.item.ident,
            reported=self.reported,
            transient=self.transient,
            error=self.error,
            unrecognised=self.item.error,
            failed="; ".join(failed) or None,
        )


def _process_item(
    rt: Runtime,
    item: Item,
    dictionary: Dictionary,
    counters: Counters,
    account: str | None,
    deadline: float | None = None,
) -> ItemOutcome:
    """Scan one item. Whatever goes wrong in it, what it found so far is kept and reported."""
    outcome = ItemOutcome(item)
    if item.error:
        logger.error(
            "message not understood; not processed",
            extra={"event": "item_unrecognised", "item": item.ident, "reason": item.error},
        )
        return outcome
    try:
        _scan_item(rt, item, dictionary, counters, account, outcome, deadline)
    except Exception as exc:  # noqa: BLE001 - one item must never cost the others' findings
        logger.exception(
            "item could not be processed; its findings so far are still reported",
            extra={"event": "item_error", "item": item.ident, "error": type(exc).__name__},
        )
        outcome.error = f"{type(exc).__name__}: {str(exc)[:200]}"
    return outcome


def _scan_item(
    rt: Runtime,
    item: Item,
    dictionary: Dictionary,
    counters: Counters,
    account: str | None,
    outcome: ItemOutcome,
    deadline: float | None = None,
) -> None:
    for ref in item.objects:
        result = process_object(
            rt.s3,
            ref,
            dictionary,
            counters,
            rt.config.max_decompressed_bytes,
            inspect_values=rt.config.inspect_values,
        )
        outcome.results.append(result)
        outcome.candidates.extend(result.candidates)
        outcome.remediations.extend(result.remediations)
        if result.status == "transient":
            outcome.transient = f"{ref.uri}: {result.reason}"
        elif result.status == "error":
            outcome.error = f"{ref.uri}: {result.reason}"
    inspect = rt.config.inspect_values
    for record, read_from in item.records:
        counters.records += 1
        candidate = evaluate_record(
            record,
            dictionary,
            read_from,
            origin="eventbridge",
            inspect_values=rt.config.inspect_values,
        )
        if candidate is not None:
            outcome.candidates.append(candidate)
        else:
            outcome.remediations += evaluate_remediation(
                record, dictionary, read_from, origin="eventbridge", inspect_values=inspect
            )
    for change in item.changes:
        counters.records += 1
        found = evaluate_change(change, dictionary, inspect_values=inspect)
        if found is not None:
            outcome.candidates.append(found)
        fixed = evaluate_change_remediation(change, dictionary, inspect_values=inspect)
        if fixed is not None:
            outcome.remediations.append(fixed)
    if item.sweep and rt.config.sweep_queue_url:
        _fan_out(rt, counters, outcome, deadline, account)
    elif item.sweep:
        _sweep(rt, dictionary, counters, account, outcome)
    if item.sweep_account is not None:
        _sweep_member(rt, item.sweep_account, dictionary, counters, account, outcome, deadline)


def _sweep(
    rt: Runtime,
    dictionary: Dictionary,
    counters: Counters,
    account: str | None,
    outcome: ItemOutcome,
) -> None:
    """List every configured region; a region that fails is logged and counted, not fatal."""
    results = sweep_regions(rt.ssm, rt.config.inventory_regions, dictionary, account)
    _report_regions(results, counters, outcome)


def _report_regions(
    results: list[RegionSweep], counters: Counters, outcome: ItemOutcome, account: str = ""
) -> None:
    """Log, count and keep each region's sweep; a region that failed for good is counted."""
    for result in results:
        # A region that failed part-way still reports what its earlier pages found.
        counters.records += result.listed
        outcome.findings.extend(result.findings)
        if result.error is None:
            logger.info(
                "inventory swept",
                extra={
                    "event": "inventory",
                    "account_id": account or None,
                    "region": result.region,
                    "parameters": result.listed,
                },
            )
            continue
        exc = result.error
        code = error_code(exc)
        if is_transient(exc):
            # Throttling or a 5xx: the invocation is retried once the other regions are done.
            logger.warning(
                "inventory of a region failed; will retry",
                extra={
                    "event": "inventory_retry",
                    "account_id": account or None,
                    "region": result.region,
                    "error": code,
                },
            )
            outcome.transient = (
                f"inventory of {account + ' ' if account else ''}{result.region}: {code}"
            )
            continue
        # An SCP denying the region, an opt-in region not enabled: retrying cannot help.
        counters.inventory_failures += 1
        logger.error(
            "inventory of a region failed; the other regions are reported",
            extra={
                "event": "inventory_failed",
                "account_id": account or None,
                "region": result.region,
                "error": code,
                "detail": str(exc)[:300],
            },
            exc_info=None if is_aws_error(exc) else exc,
        )


def _still_time(deadline: float | None) -> Callable[[], bool]:
    return lambda: deadline is None or time.monotonic() < deadline


def _fan_out(
    rt: Runtime,
    counters: Counters,
    outcome: ItemOutcome,
    deadline: float | None,
    account: str | None,
) -> None:
    """The organization sweep (SWEEP_QUEUE_URL): one queue message per account, then return.

    The queue invokes this function once per message (_sweep_member), so an organization of
    thousands of accounts is swept within each invocation's time limit.
    """
    accounts = list(rt.config.sweep_accounts)
    if not accounts:
        try:
            listed = list_accounts(rt.client("organizations"), own_account=account)
            accounts = [a.id for a in listed]
        except Exception as exc:
            if not is_aws_error(exc):
                raise
            code = error_code(exc)
            if is_transient(exc):
                logger.warning(
                    "cannot list the organization's accounts; will retry",
                    extra={"event": "sweep_accounts_retry", "error": code},
                )
                outcome.transient = f"organizations:ListAccounts: {code}"
                return
            # Not the management account nor a delegated administrator, or denied.
            counters.inventory_failures += 1
            logger.error(
                "cannot list the organization's accounts; nothing swept (set SWEEP_ACCOUNTS, "
                "or make this account a delegated administrator)",
                extra={"event": "sweep_accounts_failed", "error": code, "detail": describe(exc)},
            )
            return
    sent = send_sweep_messages(
        rt.client("sqs"),
        rt.config.sweep_queue_url,
        accounts,
        rt.config.inventory_regions,
        still_time=_still_time(deadline),
    )
    # Each account not queued is not swept this time: logged by name, counted.
    counters.inventory_failures += len(sent.failed)
    for failed, code in sent.failed:
        logger.error(
            "sweep message not sent; the account is not swept this time",
            extra={"event": "sweep_message_failed", "account_id": failed, "error": code},
        )
    logger.info(
        "organization sweep queued",
        extra={
            "event": "sweep_fan_out",
            "accounts": len(accounts),
            "sent": sent.sent,
            "failed": len(sent.failed),
            "calls": sent.calls,
        },
    )


def _sweep_member(
    rt: Runtime,
    request: SweepRequest,
    dictionary: Dictionary,
    counters: Counters,
    account: str | None,
    outcome: ItemOutcome,
    deadline: float | None,
) -> None:
    """One account's sweep message: its regions, through its member role (own: own role)."""
    regions = request.regions or rt.config.inventory_regions
    target = request.account
    if target == account:
        _report_regions(sweep_regions(rt.ssm, regions, dictionary, account), counters, outcome)
        return
    if rt.members is None:
        counters.inventory_failures += 1
        logger.error(
            "sweep message for another account, but no member role is configured; not swept",
            extra={"event": "inventory_failed", "account_id": target, "error": "MEMBER_ROLE_NAME"},
        )
        return
    swept = sweep_account(
        rt.members,
        target,
        regions,
        dictionary,
        config=_BOTO_CONFIG,
        still_time=_still_time(deadline),
    )
    _report_regions(swept.regions, counters, outcome, target)
    if swept.error is not None:
        # Logged and counted in MemberRoleFailures by the sessions, once per account.
        if swept.error.transient:
            outcome.transient = f"account {target}: {swept.error.code}"
        else:
            # A missing or denied role stays so until someone deploys it: not retried.
            counters.inventory_failures += 1
    elif len(swept.regions) < len(regions):
        left = [r for r in regions if r not in {x.region for x in swept.regions}]
        logger.warning(
            "out of time sweeping an account; the message will be retried",
            extra={"event": "inventory_retry", "account_id": target, "regions": left},
        )
        outcome.transient = f"account {target}: out of time before " + ", ".join(left)


def handle(rt: Runtime, work: Work, context: Any) -> Any:
    """Do the work, then log, notify and emit the metrics once; answer in the event's terms."""
    end = _end(context)
    counters = Counters()
    for reason in work.ignored:
        logger.info("event entry ignored", extra={"event": "ignored", "reason": reason})
    busy = any(
        i.objects or i.records or i.changes or i.sweep or i.sweep_account for i in work.items
    )
    dictionary = rt.dictionary.get() if busy else rt.dictionary.current.dictionary
    counters.dictionary_load_failures = rt.dictionary.take_failures()
    account = _own_account(context)
    members = rt.start_members(account)
    member_ssm = rt.member_lookup_ssm if members is not None else None
    lookup_deadline = _before(end, _RESERVE_SECONDS + _LOOKUP_RESERVE_SECONDS)
    outcomes = [
        _process_item(rt, item, dictionary, counters, account, lookup_deadline)
        for item in work.items
    ]
    # One pass over every item's candidates, so each name is looked up once per invocation.
    candidates = [c for outcome in outcomes for c in outcome.candidates]
    found = resolve_candidates(
        candidates, rt.lookup_ssm, account, deadline=lookup_deadline, member_ssm=member_ssm
    )
    if rt.config.inspect_values:
        counters.inspect_values = True
        found = _inspect_values(
            rt, candidates, found, outcomes, (dictionary, account, lookup_deadline), counters
        )
        found_ids = {id(f) for f in found}
        for outcome in outcomes:
            outcome.reported = sum(id(c.finding) in found_ids for c in outcome.candidates)
    else:
        for outcome in outcomes:
            outcome.reported = len(outcome.candidates)
    for outcome in outcomes:
        outcome.reported += len(outcome.findings)
    found += [f for outcome in outcomes for f in outcome.findings]
    findings, repeats = remove_repeats(found, rt.dedup)
    counters.findings = len(findings)
    counters.duplicates_suppressed = len(repeats)
    fixes = [fix for outcome in outcomes for fix in outcome.remediations]
    mark_resolved(findings, fixes, _own_region(context), account)
    log_findings(findings)
    for repeat in repeats:
        logger.info(
            "finding already reported; not notified again",
            extra={"event": "finding_repeat", **repeat.to_dict()},
        )
    sent, failed = notify(
        rt.sns,
        rt.config.sns_topic_arn,
        findings,
        rt.config.max_notifications,
        _before(end, _RESERVE_SECONDS),
    )
    counters.notification_failures = failed
    if members is not None:
        counters.member_role_failures = members.take_failures()
    exported, counters.export_failures = export_findings(
        rt.config, rt.client, findings, _own_region(context), account, fixes, rt.lookup_ssm
    )
    publish_metrics(rt.config.metric_namespace, counters)
    summary = {
        "kind": work.kind,
        "objects": len(work.objects),
        "scanned": counters.log_files,
        "skipped": counters.skipped_objects,
        "failed": counters.log_file_failures,
        "retry": sum(1 for o in outcomes if o.transient or o.error),
        "findings": len(findings),
        "repeats": len(repeats),
        "notifications_sent": sent,
        "notifications_failed": failed,
        "inventory_failures": counters.inventory_failures,
        "member_role_failures": counters.member_role_failures,
        **exported,
        "dictionary": rt.dictionary.current.origin,
    }
    logger.info("invocation done", extra={"event": "invocation_done", **summary})
    return answer(work, [outcome.result for outcome in outcomes], summary)


def _inspect_values(
    rt: Runtime,
    candidates: list[Candidate],
    found: list[Finding],
    outcomes: list[ItemOutcome],
    scope: tuple[Dictionary, str | None, float | None],
    counters: Counters,
) -> list[Finding]:
    """Read and inspect the values of the resolved writes, within the look-ups' deadline.

    An item with a write whose read failed for a reason a retry can fix (throttling, 5xx),
    and that only its value could report, is retried; the other uninspected writes are
    logged and counted (ValuesNotInspected), refused reads also in ValueReadFailures.
    """
    from .inspection import Write, inspect_writes

    dictionary, account, deadline = scope
    value_only = {id(c.finding) for c in candidates if not c.name_matched}
    writes = [Write(f, id(f) not in value_only) for f in found]
    # The same deadline as the type look-ups: a read in flight at the deadline ends within
    # _LOOKUP_CALL_SECONDS (the same short-timeout clients), inside the reserve.
    member_ssm = rt.member_lookup_ssm if rt.members is not None else None
    inspection = inspect_writes(
        writes, rt.lookup_ssm, account, dictionary, deadline=deadline, member_ssm=member_ssm
    )
    counters.values_not_inspected = inspection.not_inspected
    counters.value_read_failures = inspection.read_failures
    retry = {id(f) for f in inspection.retry}
    for outcome in outcomes:
        if any(id(c.finding) in retry for c in outcome.candidates):
            outcome.transient = outcome.transient or (
                "a parameter value could not be read (throttled or a service error)"
            )
    return inspection.findings


def lambda_handler(event: Any, context: Any) -> Any:
    """Entry point named in the function's configuration."""
    rt = runtime()
    work = recognise(event)
    return handle(rt, work, context)
