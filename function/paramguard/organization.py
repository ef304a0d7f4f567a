"""Organization scale: member-account sessions, the accounts to sweep, and the sweep fan-out.

The function and the command line reach a member account by assuming one read-only role
in it (arn:<partition>:iam::<account>:role/<role name>, session name "paramguard"), as
Cloud Custodian and Prowler do. Credentials are cached per account until shortly before
they expire; a refusal is remembered for a short while, so a missing role costs one
AssumeRole per account, not one per record. boto3 is imported only when a session is made.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from .aws_errors import MemberRoleError, describe, error_code, is_aws_error, is_transient
from .events import SWEEP_ACCOUNT
from .finding import partition_of
from .inventory import RegionSweep, sweep_regions

if TYPE_CHECKING:
    from .rule import NameMatcher

logger = logging.getLogger(__name__)

SESSION_NAME = "paramguard"
DEFAULT_ROLE_NAME = "paramguard-member"
# Credentials are renewed this long before they expire: a client handed out may be used for
# the rest of an invocation, and a Lambda invocation lasts up to 15 minutes, so a sweep
# started with them must not meet ExpiredToken half-way. AssumeRole's default lifetime is an
# hour: each account's credentials serve about 44 minutes.
REFRESH_BEFORE_SECONDS = 960.0
# A refused AssumeRole is remembered this long: a role deployed meanwhile is used soon, and a
# missing one costs one call per account per minute instead of one per record.
NEGATIVE_TTL_SECONDS = 60.0
TRANSIENT_NEGATIVE_TTL_SECONDS = 5.0
SEND_BATCH = 10  # SendMessageBatch takes at most 10 entries
SEND_ATTEMPTS = 3
_ACCOUNT_RE = re.compile(r"^\d{12}$")
_ROLE_NAME_RE = re.compile(r"^[\w+=,.@-]{1,64}$")


def valid_account(account: Any) -> bool:
    """An AWS account ID: exactly twelve digits."""
    return isinstance(account, str) and bool(_ACCOUNT_RE.match(account))


def valid_role_name(name: str) -> bool:
    """A name IAM accepts for a role (1-64 of letters, digits and + = , . @ _ -)."""
    return bool(_ROLE_NAME_RE.match(name))


@dataclass
class _Entry:
    """One account's cached credentials, or the error that refused them, and until when."""

    until: float
    credentials: dict[str, str] | None = None
    error: MemberRoleError | None = None


_shared: Any = None
_shared_lock = threading.Lock()


def member_client(
    account: str, credentials: dict[str, str], service: str, region: str, config: Any
) -> Any:
    """A client with an account's credentials, from one shared boto3 session.

    One session for every account: a session per account would read and parse the service
    model files again for each (tens of milliseconds, times thousands of accounts).
    Thread-safe: clients are made under a lock, as botocore's session is not thread-safe.
    """
    global _shared
    import boto3

    with _shared_lock:
        if _shared is None:
            _shared = boto3.session.Session()
        return _shared.client(
            service,
            region_name=region,
            config=config,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )


class MemberSessions:
    """Clients in member accounts through the role, credentials cached per account.

    One object per execution environment (the Runtime keeps it) or per command-line run,
    shared by threads: each account's AssumeRole happens once however many threads ask.
    `start_invocation` and `take_failures` bound what is logged and counted to one line and
    one count per failing account per invocation.
    """

    def __init__(
        self,
        role_name: str,
        sts: Any,
        partition: str,
        *,
        own_account: str | None = None,
        own_client: Callable[[str, str, Any], Any] | None = None,
        now: Callable[[], float] = time.time,
        refresh_before: float = REFRESH_BEFORE_SECONDS,
        negative_ttl: float = NEGATIVE_TTL_SECONDS,
    ) -> None:
        self.role_name = role_name
        self.sts = sts
        self.partition = partition
        self.own_account = own_account
        self._own_client = own_client
        self._now = now
        self._refresh_before = refresh_before
        self._negative_ttl = negative_ttl
        self._lock = threading.Lock()
        self._account_locks: dict[str, threading.Lock] = {}
        self._entries: dict[str, _Entry] = {}
        self._clients: dict[tuple[str, str, str, int], tuple[str, Any]] = {}
        self._failed: dict[str, MemberRoleError] = {}  # this invocation's, logged once each
        self.assume_calls = 0

    def role_arn(self, account: str) -> str:
        """The member role's ARN in an account."""
        return f"arn:{self.partition}:iam::{account}:role/{self.role_name}"

    def start_invocation(self) -> None:
        """Forget which accounts were logged and counted as failing (cached errors stay)."""
        with self._lock:
            self._failed = {}

    def take_failures(self) -> int:
        """Accounts whose role failed since start_invocation (for MemberRoleFailures)."""
        with self._lock:
            return len(self._failed)

    @property
    def failures(self) -> dict[str, MemberRoleError]:
        """The accounts that failed since start_invocation, with their errors."""
        with self._lock:
            return dict(self._failed)

    def _account_lock(self, account: str) -> threading.Lock:
        with self._lock:
            return self._account_locks.setdefault(account, threading.Lock())

    def _entry(self, account: str) -> _Entry:
        """The account's credentials (assumed now if absent or expiring), or its error."""
        with self._account_lock(account):
            entry = self._entries.get(account)
            if entry is None or self._now() >= entry.until:
                entry = self._assume(account)
                self._entries[account] = entry
        if entry.error is not None:
            self._failed_once(entry.error)
        return entry

    def _assume(self, account: str) -> _Entry:
        arn = self.role_arn(account)
        self.assume_calls += 1
        try:
            answer = self.sts.assume_role(RoleArn=arn, RoleSessionName=SESSION_NAME)
            credentials = answer["Credentials"]
        except Exception as exc:
            if not is_aws_error(exc):
                raise
            transient = is_transient(exc)
            error = MemberRoleError(account, arn, error_code(exc), describe(exc), transient)
            ttl = TRANSIENT_NEGATIVE_TTL_SECONDS if transient else self._negative_ttl
            return _Entry(until=self._now() + ttl, error=error)
        expires = credentials.get("Expiration")
        lifetime = expires.timestamp() if isinstance(expires, datetime) else self._now() + 900
        keys = {k: str(credentials[k]) for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")}
        # Credentials shorter-lived than the margin are still used for half their life.
        margin = min(self._refresh_before, max(0.0, lifetime - self._now()) / 2)
        return _Entry(until=lifetime - margin, credentials=keys)

    def _failed_once(self, error: MemberRoleError) -> None:
        with self._lock:
            first = error.account not in self._failed
            self._failed[error.account] = error
        if first:
            log = logger.warning if error.transient else logger.error
            log(
                "cannot assume the member role; the account's look-ups and sweep are skipped",
                extra={
                    "event": "member_role_failed",
                    "account_id": error.account,
                    "role_arn": error.role_arn,
                    "error": error.code,
                    "transient": error.transient,
                    "detail": error.detail[:300],
                },
            )

    def client(self, account: str, service: str, region: str, config: Any = None) -> Any:
        """A client in account (the own account: own credentials); raises MemberRoleError."""
        if account == self.own_account and self._own_client is not None:
            return self._own_client(service, region, config)
        entry = self._entry(account)
        if entry.error is not None:
            raise entry.error
        assert entry.credentials is not None
        key = (account, service, region, id(config))
        access_key = entry.credentials["AccessKeyId"]
        with self._lock:
            cached = self._clients.get(key)
            if cached is not None and cached[0] == access_key:
                return cached[1]
        made = member_client(account, entry.credentials, service, region, config)
        with self._lock:
            # Two threads may have made one each: the first one kept is the one used.
            cached = self._clients.get(key)
            if cached is not None and cached[0] == access_key:
                return cached[1]
            self._clients[key] = (access_key, made)
            return made


# ---- which accounts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """A member account to sweep."""

    id: str
    name: str = ""


def _active(account: dict[str, Any]) -> bool:
    # ListAccounts answers `State` (newer) and the deprecated `Status`.
    return (account.get("State") or account.get("Status")) in (None, "ACTIVE")


def _pages(org: Any, operation: str, **request: Any) -> Iterator[dict[str, Any]]:
    yield from org.get_paginator(operation).paginate(**request)


def management_account(org: Any) -> str | None:
    """The organization's management account (DescribeOrganization's MasterAccountId)."""
    ident = (org.describe_organization().get("Organization") or {}).get("MasterAccountId")
    return str(ident) if valid_account(ident) else None


def list_accounts(
    org: Any,
    ous: Sequence[str] = (),
    *,
    own_account: str | None = None,
    include_management: bool = False,
) -> list[Account]:
    """The organization's ACTIVE accounts, or those under the OUs (recursively), in order.

    The management account is left out unless it is own_account (swept with its own
    credentials) or include_management is set: a service-managed StackSet never deploys the
    member role there, so sweeping it would fail, and count a failure, on every run.
    """
    found = _list_accounts(org, ous)
    if include_management:
        return found
    return without_management(found, management_account(org), own_account)


def without_management(
    accounts: list[Account], management: str | None, own_account: str | None
) -> list[Account]:
    """The accounts less the management account (unless it is own_account); logged once."""
    if management is None or management == own_account:
        return accounts
    kept = [account for account in accounts if account.id != management]
    if len(kept) < len(accounts):
        logger.info(
            "the management account is not swept: a service-managed StackSet deploys no member "
            "role there (name it explicitly to sweep it)",
            extra={"event": "management_account_skipped", "account_id": management},
        )
    return kept


def _list_accounts(org: Any, ous: Sequence[str]) -> list[Account]:
    found: dict[str, Account] = {}

    def add(accounts: Iterable[dict[str, Any]]) -> None:
        for account in accounts:
            ident = str(account.get("Id"))
            if valid_account(ident) and _active(account) and ident not in found:
                found[ident] = Account(ident, str(account.get("Name") or ""))

    if not ous:
        for page in _pages(org, "list_accounts"):
            add(page.get("Accounts") or [])
        return list(found.values())
    pending, seen = list(ous), set()
    while pending:
        parent = pending.pop(0)
        if parent in seen:
            continue
        seen.add(parent)
        for page in _pages(org, "list_accounts_for_parent", ParentId=parent):
            add(page.get("Accounts") or [])
        for page in _pages(org, "list_organizational_units_for_parent", ParentId=parent):
            pending += [str(ou["Id"]) for ou in page.get("OrganizationalUnits") or []]
    return list(found.values())


# ---- sweeping accounts ---------------------------------------------------------------------


def _same(client: Any, region: str) -> Any:
    return client


@dataclass
class AccountSweep:
    """How the sweep of one account went: each region's result, or why none could be listed."""

    account: str
    regions: list[RegionSweep] = field(default_factory=list)
    error: MemberRoleError | None = None


def sweep_account(
    sessions: MemberSessions,
    account: str,
    regions: Sequence[str],
    matcher: NameMatcher,
    *,
    inspect_values: bool = False,
    config: Any = None,
    still_time: Callable[[], bool] = lambda: True,
) -> AccountSweep:
    """Sweep one account's regions through its session; a role failure ends it, a region's not."""
    result = AccountSweep(account)
    for region in regions:
        if not still_time():
            break
        try:
            ssm = sessions.client(account, "ssm", region, config)
        except MemberRoleError as exc:
            result.error = exc
            return result
        result.regions += sweep_regions(
            partial(_same, ssm), [region], matcher, account, inspect_values=inspect_values
        )
    return result


def sweep_accounts(
    sessions: MemberSessions,
    accounts: Sequence[str],
    regions: Sequence[str],
    matcher: NameMatcher,
    *,
    jobs: int,
    inspect_values: bool = False,
    config: Any = None,
    progress: Callable[[AccountSweep], None] | None = None,
) -> list[AccountSweep]:
    """Sweep every (account, region) on a pool of jobs threads; results in account order.

    progress is called once per account, as soon as all its regions are done (from a worker
    thread, one call at a time).
    """
    results = {account: AccountSweep(account) for account in accounts}
    left = {account: len(regions) for account in accounts}
    lock = threading.Lock()

    def one(account: str, region: str) -> None:
        swept = sweep_account(
            sessions, account, [region], matcher, inspect_values=inspect_values, config=config
        )
        with lock:
            whole = results[account]
            whole.regions += swept.regions
            whole.error = whole.error or swept.error
            left[account] -= 1
            if left[account] == 0 and progress is not None:
                whole.regions.sort(key=lambda r: regions.index(r.region))
                progress(whole)

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(one, a, r) for a in accounts for r in regions]
        for future in futures:
            future.result()  # an unexpected error is a bug: it surfaces
    for whole in results.values():
        whole.regions.sort(key=lambda r: regions.index(r.region))
    return [results[account] for account in accounts]


# ---- the deployed sweep's fan-out ----------------------------------------------------------


def sweep_message(account: str, regions: Sequence[str]) -> str:
    """The body of one account's sweep message (the contract with the queue's producer)."""
    return json.dumps({"paramguard": SWEEP_ACCOUNT, "account": account, "regions": list(regions)})


@dataclass
class Sent:
    """What sending the sweep messages gave: accounts queued, and those that could not be."""

    sent: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (account, error code)
    calls: int = 0


def send_sweep_messages(
    sqs: Any,
    queue_url: str,
    accounts: Sequence[str],
    regions: Sequence[str],
    *,
    sleep: Callable[[float], None] = time.sleep,
    still_time: Callable[[], bool] = lambda: True,
) -> Sent:
    """One message per account, 10 per SendMessageBatch, retrying what failed transiently."""
    result = Sent()
    for start in range(0, len(accounts), SEND_BATCH):
        batch = {str(i): a for i, a in enumerate(accounts[start : start + SEND_BATCH])}
        for attempt in range(1, SEND_ATTEMPTS + 1):
            if not still_time():
                result.failed += [(a, "out of time") for a in batch.values()]
                batch = {}
                break
            entries = [
                {"Id": ident, "MessageBody": sweep_message(account, regions)}
                for ident, account in batch.items()
            ]
            result.calls += 1
            try:
                answer = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
            except Exception as exc:
                if not is_aws_error(exc):
                    raise
                if not is_transient(exc) or attempt == SEND_ATTEMPTS:
                    result.failed += [(a, error_code(exc)) for a in batch.values()]
                    batch = {}
                    break
                sleep(0.2 * 2**attempt)
                continue
            result.sent += len(answer.get("Successful") or [])
            retry: dict[str, str] = {}
            for failure in answer.get("Failed") or []:
                ident = str(failure.get("Id"))
                if ident not in batch:
                    continue
                if failure.get("SenderFault") or attempt == SEND_ATTEMPTS:
                    result.failed.append((batch[ident], str(failure.get("Code") or "Failed")))
                else:
                    retry[ident] = batch[ident]
            batch = retry
            if not batch:
                break
            sleep(0.2 * 2**attempt)
    return result


# ---- paramguard inventory --organization ---------------------------------------------------


def _progress_line(result: AccountSweep, inspect_values: bool) -> str:
    """One account's line on stderr: what it listed and found, or why it was not swept."""
    if result.error is not None and not result.regions:
        return f"{result.account}: not swept: {result.error}"
    listed = sum(r.listed for r in result.regions)
    found = sum(len(r.findings) for r in result.regions)
    failed = [r.region for r in result.regions if r.error is not None]
    line = (
        f"{result.account}: {listed} String/StringList parameters in "
        f"{len(result.regions) - len(failed)} regions, {found} findings"
    )
    if inspect_values:
        line += f", {sum(len(r.not_inspected) for r in result.regions)} values not inspected"
    if failed:
        line += f", failed in {', '.join(failed)}"
    return line


def cli_inventory(args: Any, out: Any, err: Any) -> int:
    """paramguard inventory --organization: every account's regions through the member role."""
    import boto3
    from botocore.config import Config as BotoConfig

    from . import cli
    from .exit_codes import EXIT_ERROR, exit_code

    started = time.monotonic()
    role = args.role_name or DEFAULT_ROLE_NAME
    if not valid_role_name(role):
        raise cli.UsageError(f"--role-name {role!r}: 1-64 of letters, digits and +=,.@_-")
    bad = [a for a in args.account or [] if not valid_account(a)]
    if bad:
        raise cli.UsageError(f"--account {bad[0]!r}: an account ID is 12 digits")
    dictionary = cli.load_dictionary(args.dictionary)
    regions = list(dict.fromkeys(args.region or [boto3.session.Session().region_name]))
    if not regions or regions[0] is None:
        raise cli.UsageError("no region: pass --region or set AWS_REGION / AWS_DEFAULT_REGION")
    retries = BotoConfig(retries={"mode": "adaptive", "max_attempts": 10})
    own = cli._caller_account(boto3, regions[0])
    if args.account:
        accounts = list(dict.fromkeys(args.account))
    else:
        org = boto3.client("organizations", region_name=regions[0], config=retries)
        try:
            found = list_accounts(org, args.ou or (), include_management=True)
            management = None if args.include_management_account else management_account(org)
            kept = without_management(found, management, own)
        except Exception as exc:
            if not is_aws_error(exc):
                raise
            cli._say(
                err,
                f"cannot list the organization's accounts: {describe(exc)}; run this in the "
                "management account or a delegated administrator, or pass --account",
            )
            return EXIT_ERROR
        accounts = [a.id for a in kept]
        if len(kept) < len(found):
            cli._say(
                err,
                f"{management}: not swept: the management account, where a service-managed "
                "StackSet deploys no member role (--include-management-account sweeps it)",
            )
    if not accounts:
        cli._say(err, "nothing swept: no ACTIVE account" + (" under the OUs" if args.ou else ""))
        return EXIT_ERROR
    lock = threading.Lock()
    own_clients: dict[tuple[str, str], Any] = {}

    def own_client(service: str, region: str, config: Any) -> Any:
        # boto3's default session is not thread-safe: one client per (service, region), made
        # under a lock.
        with lock:
            if (service, region) not in own_clients:
                own_clients[service, region] = boto3.client(  # type: ignore[call-overload]
                    service, region_name=region, config=retries
                )
            return own_clients[service, region]

    sessions = MemberSessions(
        role,
        boto3.client("sts", region_name=regions[0], config=retries),
        partition_of(regions[0]),
        own_account=own,
        own_client=own_client,
    )

    def progress(result: AccountSweep) -> None:
        cli._say(err, _progress_line(result, args.inspect_values))

    # Each failure is named on stderr below, so the modules' own log lines are held back.
    quiet = [logging.getLogger(f"paramguard.{name}") for name in ("inspection", "organization")]
    was = [one.disabled for one in quiet]
    for one in quiet:
        one.disabled = True
    try:
        results = sweep_accounts(
            sessions,
            accounts,
            regions,
            dictionary,
            jobs=args.jobs,
            inspect_values=args.inspect_values,
            config=retries,
            progress=progress,
        )
    finally:
        for one, disabled in zip(quiet, was, strict=True):
            one.disabled = disabled
    findings, errors = [], []
    listed = swept = failed_accounts = 0
    for result in results:
        if result.error is not None:
            failed_accounts += 1
            missing = [r for r in regions if r not in {x.region for x in result.regions}]
            errors.append(f"{result.account} {', '.join(missing)}: not swept: {result.error}")
        for region in result.regions:
            findings += region.findings
            listed += region.listed
            where = f"{result.account} {region.region}"
            if region.error is not None:
                errors.append(
                    f"{where}: cannot list parameters: {region.error} "
                    f"(after {region.listed} listed, {len(region.findings)} findings)"
                )
                continue
            swept += 1
            errors += [f"{where}: {name}: {reason}" for name, reason in region.not_inspected]
    for finding in findings:
        finding.account_id = finding.account_id or own
    if swept:
        cli._write(cli.render(findings, errors, args.format, True), args.output, out)
    for error in errors:
        cli._say(err, error)
    if not swept:
        cli._say(err, "nothing swept: no region of any account could be listed")
    cli._say(
        err,
        f"inventory: {cli._plural(listed, 'String/StringList parameter')} in "
        f"{cli._plural(len(accounts), 'account')} x {cli._plural(len(regions), 'region')} "
        f"({failed_accounts} accounts not swept) in {time.monotonic() - started:.1f} s: "
        f"{cli._plural(len(findings), 'finding')}, {cli._plural(len(errors), 'failure')}",
    )
    if not swept:
        return EXIT_ERROR
    levels = [cli.finding_level(f) for f in findings]
    return exit_code(levels, len(errors), args.fail_on, args.errors_first)
