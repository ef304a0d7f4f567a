"""The rule: which Parameter Store writes are findings (pure functions over one event)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .finding import PLAINTEXT_TYPES, Candidate, Finding, Remediation

TYPE_CHECKING = False  # typing is for mypy only (start-up; see docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Protocol

    from .finding import Origin

    class NameMatcher(Protocol):
        """What the rule needs from a dictionary."""

        def match(self, name: str) -> Any: ...


SSM_SOURCE = "ssm.amazonaws.com"
TARGET_EVENT = "PutParameter"
# The calls that can fix a plaintext parameter: deleting it, or writing it as a SecureString.
DELETE_EVENTS = ("DeleteParameter", "DeleteParameters")
EVENT_NAMES = (TARGET_EVENT, *DELETE_EVENTS)


class FixesPairedLater:
    """A dictionary for a scan that uses fixes only to pair them with its findings.

    evaluate_remediation then keeps every fix without matching its name (name_matched None):
    a fix resolves a finding only when it names the same parameter (fixes.plan_fixes), and
    a finding's name is one the dictionary matched, so the fix's would match too. What hands
    fixes on alone (the function: Security Hub, EventBridge, its log) calls match_fixes
    first. It spares the command line a match per SecureString write and per delete.
    """

    __slots__ = ("matcher",)

    def __init__(self, matcher: NameMatcher) -> None:
        self.matcher = matcher

    def match(self, name: str) -> Any:
        """The dictionary's match, for the writes that can be findings."""
        return self.matcher.match(name)


def _str(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    if value.isascii():  # most are; an ASCII string holds no surrogate (and isascii is O(1))
        return value
    # JSON can carry lone surrogates, which no UTF-8 message, log or URL can: spell them out.
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _actor(identity: Any) -> tuple[str | None, str | None]:
    if not isinstance(identity, Mapping):
        return None, None
    kind = _str(identity.get("type"))
    for field_name in ("arn", "principalId", "invokedBy", "userName"):
        value = _str(identity.get(field_name))
        if value:
            return value, kind
    return None, kind


def describe_json(value: Any) -> str:
    """A short, printable description of a JSON value, for notes (never the whole value)."""
    if isinstance(value, str):
        shown = value[:40].encode("unicode_escape").decode("ascii")
        return f"the string '{shown}'" + ("..." if len(value) > 40 else "")
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return "a number"
    return "an object" if isinstance(value, Mapping) else "an array"


def _declared_type(declared: Any, what: str = "write") -> tuple[str | None, str | None]:
    """(plaintext type, note): the type a write states, or why it has to be looked up.

    Only the three strings Parameter Store defines count. Anything else (absent, null, another
    string, a number, a list, an object) is not clearly SecureString, so the write stays a
    candidate with type 'unknown' and a note, and the current type is looked up.
    """
    if isinstance(declared, str) and declared in PLAINTEXT_TYPES:
        return declared, None
    if declared is None:
        if what == "write":
            return None, "the write did not state a type (an overwrite keeps the current one)"
        return None, f"the {what} did not state a type"
    return None, (
        f"the {what}'s type was {describe_json(declared)}, not String, StringList or "
        "SecureString; reported as type unknown"
    )


def evaluate_record(
    record: Any,
    matcher: NameMatcher,
    read_from: str,
    *,
    origin: Origin = "cloudtrail",
    inspect_values: bool = False,
) -> Candidate | None:
    """Apply the rule to one CloudTrail record; return a candidate finding or None.

    The rule: a successful PutParameter from ssm.amazonaws.com whose name matches the
    dictionary (any name, with inspect_values: its value decides) and whose type is not
    SecureString: String or StringList, or anything else (omitted, or a value Parameter
    Store does not define), to be looked up.
    Tolerates any shape: every field may be any JSON value and none makes it raise.
    """
    if not isinstance(record, Mapping):
        return None
    if record.get("eventSource") != SSM_SOURCE or record.get("eventName") != TARGET_EVENT:
        return None
    if record.get("errorCode") or record.get("errorMessage"):
        return None
    params = record.get("requestParameters")
    if not isinstance(params, Mapping):
        return None
    name = _str(params.get("name"))
    if name is None:
        return None
    declared = params.get("type")
    if isinstance(declared, str) and declared == "SecureString":
        return None
    hit = matcher.match(name)
    if hit is None and not inspect_values:
        return None
    plaintext, note = _declared_type(declared)
    actor, actor_type = _actor(record.get("userIdentity"))
    identity = record.get("userIdentity")
    account = _str(record.get("recipientAccountId"))
    if account is None and isinstance(identity, Mapping):
        account = _str(identity.get("accountId"))
    response = record.get("responseElements")
    version = response.get("version") if isinstance(response, Mapping) else None
    overwrite = params.get("overwrite")
    finding = Finding(
        parameter_name=name,
        parameter_type=plaintext or "unknown",
        matched=hit.entry if hit is not None else "",
        matched_line=hit.line if hit is not None else 0,
        event_id=_str(record.get("eventID")),
        event_time=_str(record.get("eventTime")),
        account_id=account,
        region=_str(record.get("awsRegion")),
        actor=actor,
        actor_type=actor_type,
        source_ip=_str(record.get("sourceIPAddress")),
        user_agent=_str(record.get("userAgent")),
        read_from=read_from,
        origin=origin,
        version=version if isinstance(version, int) and not isinstance(version, bool) else None,
        overwrite=overwrite if isinstance(overwrite, bool) else None,
        type_from="request" if plaintext else "unknown",
        notes=[note] if note else [],
    )
    return Candidate(finding, needs_type_lookup=plaintext is None, name_matched=hit is not None)


def evaluate_change(
    change: Any, matcher: NameMatcher, *, inspect_values: bool = False
) -> Candidate | None:
    """Apply the rule to an EventBridge `Parameter Store Change` (Create/Update).

    Such events name the parameter and its type but not who wrote it. A type that is not
    String, StringList or SecureString is treated as in a CloudTrail record: looked up.
    """
    if getattr(change, "operation", None) not in ("Create", "Update"):
        return None  # a Delete writes nothing (evaluate_change_remediation reads it)
    declared = getattr(change, "type", None)
    if isinstance(declared, str) and declared == "SecureString":
        return None
    name = _str(getattr(change, "name", None))
    if name is None:
        return None
    hit = matcher.match(name)
    if hit is None and not inspect_values:
        return None
    plaintext, note = _declared_type(declared, "event")
    event_id = _str(getattr(change, "event_id", None))
    operation = _str(getattr(change, "operation", None)) or "?"
    notes = [
        f"reported by a Parameter Store Change ({operation}) event, which does not say who "
        "made the change; CloudTrail's PutParameter record for it does"
    ]
    finding = Finding(
        parameter_name=name,
        parameter_type=plaintext or "unknown",
        matched=hit.entry if hit is not None else "",
        matched_line=hit.line if hit is not None else 0,
        event_id=event_id,
        event_time=_str(getattr(change, "time", None)),
        account_id=_str(getattr(change, "account_id", None)),
        region=_str(getattr(change, "region", None)),
        read_from=f"eventbridge:{event_id or ''}",
        origin="parameter-store-change",
        type_from="event" if plaintext else "unknown",
        notes=notes + ([note] if note else []),
    )
    return Candidate(finding, needs_type_lookup=plaintext is None, name_matched=hit is not None)


def _account(record: Mapping[str, Any]) -> str | None:
    account = _str(record.get("recipientAccountId"))
    identity = record.get("userIdentity")
    if account is None and isinstance(identity, Mapping):
        account = _str(identity.get("accountId"))
    return account


def _deleted_names(event: str, params: Mapping[str, Any], response: Any) -> list[str]:
    """The names a successful delete call removed (DeleteParameters: only those it says)."""
    if event == "DeleteParameter":
        name = _str(params.get("name"))
        return [name] if name else []
    names: Any = params.get("names")
    if isinstance(response, Mapping) and isinstance(response.get("deletedParameters"), list):
        # Names in invalidParameters did not exist: nothing of theirs was removed.
        names = response["deletedParameters"]
    if not isinstance(names, list):
        return []
    return list(dict.fromkeys(n for n in map(_str, names) if n))


def evaluate_remediation(
    record: Any,
    matcher: NameMatcher,
    read_from: str,
    *,
    origin: Origin = "cloudtrail",
    inspect_values: bool = False,
) -> list[Remediation]:
    """The parameters one CloudTrail record fixed: deleted, or written as a SecureString.

    A successful DeleteParameter or DeleteParameters (with deletedParameters in its
    response, only those), or a successful PutParameter that states type SecureString. Only
    names the dictionary matches, unless values are inspected (a finding may then have come
    from the value alone): other names never had a finding to resolve; with
    FixesPairedLater, every name, unmatched. A failed call fixes nothing. Tolerates any
    shape, like evaluate_record.
    """
    if not isinstance(record, Mapping) or record.get("eventSource") != SSM_SOURCE:
        return []
    event = record.get("eventName")
    if event not in EVENT_NAMES or record.get("errorCode") or record.get("errorMessage"):
        return []
    params = record.get("requestParameters")
    if not isinstance(params, Mapping):
        return []
    if event == TARGET_EVENT:
        declared = params.get("type")
        name = _str(params.get("name"))
        if not (isinstance(declared, str) and declared == "SecureString") or name is None:
            return []
        names, how = [name], "secured"
    else:
        names, how = _deleted_names(str(event), params, record.get("responseElements")), "deleted"
    actor, actor_type = _actor(record.get("userIdentity"))
    paired_later = isinstance(matcher, FixesPairedLater)
    fixed = []
    for name in names:
        matched: bool | None = None
        if not paired_later:
            matched = matcher.match(name) is not None
            if not matched and not inspect_values:
                continue
        fixed.append(
            Remediation(
                parameter_name=name,
                how="secured" if how == "secured" else "deleted",
                operation=str(event),
                read_from=read_from,
                origin=origin,
                event_id=_str(record.get("eventID")),
                event_time=_str(record.get("eventTime")),
                account_id=_account(record),
                region=_str(record.get("awsRegion")),
                actor=actor,
                actor_type=actor_type,
                source_ip=_str(record.get("sourceIPAddress")),
                name_matched=matched,
            )
        )
    return fixed


def evaluate_change_remediation(
    change: Any, matcher: NameMatcher, *, inspect_values: bool = False
) -> Remediation | None:
    """A `Parameter Store Change` that fixes a parameter: Delete, or Create/Update as
    SecureString. Such events do not say who made the change."""
    operation = _str(getattr(change, "operation", None))
    declared = getattr(change, "type", None)
    secured = isinstance(declared, str) and declared == "SecureString"
    if operation == "Delete":
        how = "deleted"
    elif operation in ("Create", "Update") and secured:
        how = "secured"
    else:
        return None
    name = _str(getattr(change, "name", None))
    if name is None:
        return None
    matched = matcher.match(name) is not None
    if not matched and not inspect_values:
        return None
    event_id = _str(getattr(change, "event_id", None))
    return Remediation(
        parameter_name=name,
        how="deleted" if how == "deleted" else "secured",
        operation=str(operation),
        read_from=f"eventbridge:{event_id or ''}",
        origin="parameter-store-change",
        event_id=event_id,
        event_time=_str(getattr(change, "time", None)),
        account_id=_str(getattr(change, "account_id", None)),
        region=_str(getattr(change, "region", None)),
        name_matched=matched,
    )


def match_fixes(
    fixes: Iterable[Remediation], matcher: NameMatcher, *, inspect_values: bool = False
) -> list[Remediation]:
    """The fixes left unmatched (FixesPairedLater) as evaluate_remediation keeps them: only
    names the dictionary matches, unless values are inspected; in the same order."""
    kept = []
    for fix in fixes:
        if fix.name_matched is None:
            fix.name_matched = matcher.match(fix.parameter_name) is not None
            if not fix.name_matched and not inspect_values:
                continue
        kept.append(fix)
    return kept


# What a finding says when the current type of a parameter whose write did not state one is
# not asked for: no SSM client (the command line), or one the function did not use.
NOT_LOOKED_UP = "its current type was not looked up"


def without_lookups(candidates: Iterable[Candidate]) -> list[Finding]:
    """The candidates as findings where no current type is looked up (the command line):
    what aws_io.resolve_candidates makes of them without an SSM client, in the same order."""
    findings = []
    for candidate in candidates:
        finding = candidate.finding
        if candidate.needs_type_lookup:
            finding.parameter_type = "unknown"
            finding.type_from = "unknown"
            finding.notes.append(NOT_LOOKED_UP)
        findings.append(finding)
    return findings
