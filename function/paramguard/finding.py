"""The finding model: what paramguard reports, and the candidates the rule hands on."""

from __future__ import annotations

from .plain import Frozen, Record

PLAINTEXT_TYPES = frozenset({"String", "StringList"})


TYPE_CHECKING = False  # typing is for mypy only (start-up; see docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Literal

    # What kind of input reported the write.
    Origin = Literal["cloudtrail", "eventbridge", "parameter-store-change", "inventory"]
    # How the parameter's type is known: stated by the write or the event, looked up, or not.
    TypeFrom = Literal["request", "describe_parameters", "event", "unknown"]
    # How a parameter stopped being plaintext: deleted, or written again as a SecureString.
    RemediationKind = Literal["deleted", "secured"]

# The published names of the fields whose Python names differ: the keys of the `finding` log
# line, of `paramguard scan --json` and of the summary message, which operators query.
_PUBLISHED = {"read_from": "source", "origin": "event_source", "type_from": "type_source"}
_SCALARS = (str, int, float, bool, type(None))


def _copied(value: Any) -> Any:
    """A copy of a field's value as dataclasses.asdict would make it (lists and dicts copied)."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, dict):
        return {_copied(key): _copied(item) for key, item in value.items()}
    import copy  # no field holds anything else today

    return copy.deepcopy(value)


def _published(item: Finding | Remediation) -> dict[str, Any]:
    # What asdict gives, without its recursion into every scalar field: about 6 us a
    # finding instead of 22 (`paramguard scan --json` prints one each).
    return {_PUBLISHED.get(name, name): _copied(getattr(item, name)) for name in item.fields()}


class Finding(Record):
    """One plaintext parameter whose name or value looks like a secret. Never holds the value.

    matched is the name's dictionary entry or, when only the value gave it away, the value
    detector (value:<detector>); value_matched names the detector when the value was read.
    read_from is where the record was read (a log object's URI, a file, an event ID or the
    listing of a region), origin what kind of input it was, type_from how its type is known.
    parameter_type is "String", "StringList" or "unknown" (the type could not be
    determined). resolved_by is a later fix seen by the same scan (how, operation, actor,
    event_id, event_time, source).
    """

    __slots__ = (
        "parameter_name",
        "parameter_type",
        "matched",
        "matched_line",
        "read_from",
        "origin",
        "type_from",
        "event_id",
        "event_time",
        "account_id",
        "region",
        "actor",
        "actor_type",
        "source_ip",
        "user_agent",
        "version",
        "overwrite",
        "notes",
        "value_matched",
        "resolved_by",
    )

    def __init__(
        self,
        parameter_name: str,
        parameter_type: str,
        matched: str,
        matched_line: int,
        read_from: str,
        origin: Origin,
        type_from: TypeFrom,
        event_id: str | None = None,
        event_time: str | None = None,
        account_id: str | None = None,
        region: str | None = None,
        actor: str | None = None,
        actor_type: str | None = None,
        source_ip: str | None = None,
        user_agent: str | None = None,
        version: int | None = None,
        overwrite: bool | None = None,
        notes: list[str] | None = None,
        value_matched: str | None = None,
        resolved_by: dict[str, Any] | None = None,
    ) -> None:
        self.parameter_name = parameter_name
        self.parameter_type = parameter_type
        self.matched = matched
        self.matched_line = matched_line
        self.read_from = read_from
        self.origin = origin
        self.type_from = type_from
        self.event_id = event_id
        self.event_time = event_time
        self.account_id = account_id
        self.region = region
        self.actor = actor
        self.actor_type = actor_type
        self.source_ip = source_ip
        self.user_agent = user_agent
        self.version = version
        self.overwrite = overwrite
        self.notes: list[str] = [] if notes is None else notes
        self.value_matched = value_matched
        self.resolved_by = resolved_by

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of the finding, under its published field names."""
        return _published(self)

    @property
    def dedup_key(self) -> str:
        """Identifies the write: the event ID when known, else name and version."""
        if self.event_id:
            return f"event:{self.event_id}"
        return f"param:{self.account_id}:{self.region}:{self.parameter_name}:{self.version}"


class Candidate(Frozen):
    """A successful plaintext (or type-unknown) PutParameter whose name matched.

    With value inspection on, every such write is a candidate: name_matched False means
    only its value can make it a finding (its matched is empty until the value is read).
    """

    __slots__ = ("finding", "needs_type_lookup", "name_matched")
    finding: Finding
    needs_type_lookup: bool
    name_matched: bool

    def __init__(
        self, finding: Finding, needs_type_lookup: bool, name_matched: bool = True
    ) -> None:
        _set = object.__setattr__
        _set(self, "finding", finding)
        _set(self, "needs_type_lookup", needs_type_lookup)
        _set(self, "name_matched", name_matched)


class Remediation(Record):
    """A parameter fixed after the fact: deleted, or overwritten as a SecureString.

    Carries who did it and when, never a value. read_from and origin say where the record
    was read, as for a Finding; operation is the API call or the Parameter Store Change
    operation that did it. name_matched False: only a value-inspected finding could be
    resolved; None: not matched, as the command line pairs fixes with findings only
    (rule.FixesPairedLater).
    """

    __slots__ = (
        "parameter_name",
        "how",
        "operation",
        "read_from",
        "origin",
        "event_id",
        "event_time",
        "account_id",
        "region",
        "actor",
        "actor_type",
        "source_ip",
        "name_matched",
    )

    def __init__(
        self,
        parameter_name: str,
        how: RemediationKind,
        operation: str,
        read_from: str,
        origin: Origin,
        event_id: str | None = None,
        event_time: str | None = None,
        account_id: str | None = None,
        region: str | None = None,
        actor: str | None = None,
        actor_type: str | None = None,
        source_ip: str | None = None,
        name_matched: bool | None = True,
    ) -> None:
        self.parameter_name = parameter_name
        self.how = how
        self.operation = operation
        self.read_from = read_from
        self.origin = origin
        self.event_id = event_id
        self.event_time = event_time
        self.account_id = account_id
        self.region = region
        self.actor = actor
        self.actor_type = actor_type
        self.source_ip = source_ip
        self.name_matched = name_matched

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of the remediation, under the published field names."""
        return _published(self)

    @property
    def key(self) -> tuple[str | None, str | None, str]:
        """The parameter it fixes: account, region, name."""
        return self.account_id, self.region, self.parameter_name


def partition_of(region: str) -> str:
    """The ARN partition of a region (aws, aws-cn, aws-us-gov, aws-iso...)."""
    for prefix, partition in (
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-iso-", "aws-iso"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-isof-", "aws-iso-f"),
    ):
        if region.startswith(prefix):
            return partition
    return "aws"
