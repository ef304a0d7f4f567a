"""The finding model: what paramguard reports, and the candidates the rule hands on."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields

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
    """A copy of a field's value as dataclasses.asdict makes it (lists and dicts copied)."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, dict):
        return {_copied(key): _copied(item) for key, item in value.items()}
    return copy.deepcopy(value)


def _published(item: Finding | Remediation) -> dict[str, Any]:
    # What asdict gives, without its recursion into every scalar field: about 6 us a
    # finding instead of 22 (`paramguard scan --json` prints one each).
    return {_PUBLISHED.get(f.name, f.name): _copied(getattr(item, f.name)) for f in fields(item)}


@dataclass
class Finding:
    """One plaintext parameter whose name or value looks like a secret. Never holds the value.

    matched is the name's dictionary entry or, when only the value gave it away, the value
    detector (value:<detector>); value_matched names the detector when the value was read.
    read_from is where the record was read (a log object's URI, a file, an event ID or the
    listing of a region), origin what kind of input it was, type_from how its type is known.
    """

    parameter_name: str
    parameter_type: str  # "String", "StringList" or "unknown" (type could not be determined)
    matched: str
    matched_line: int
    read_from: str
    origin: Origin
    type_from: TypeFrom
    event_id: str | None = None
    event_time: str | None = None
    account_id: str | None = None
    region: str | None = None
    actor: str | None = None
    actor_type: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None
    version: int | None = None
    overwrite: bool | None = None
    notes: list[str] = field(default_factory=list)
    value_matched: str | None = None
    # A later fix seen by the same scan (how, operation, actor, event_id, event_time, source).
    resolved_by: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of the finding, under its published field names."""
        return _published(self)

    @property
    def dedup_key(self) -> str:
        """Identifies the write: the event ID when known, else name and version."""
        if self.event_id:
            return f"event:{self.event_id}"
        return f"param:{self.account_id}:{self.region}:{self.parameter_name}:{self.version}"


@dataclass(frozen=True)
class Candidate:
    """A successful plaintext (or type-unknown) PutParameter whose name matched.

    With value inspection on, every such write is a candidate: name_matched False means
    only its value can make it a finding (its matched is empty until the value is read).
    """

    finding: Finding
    needs_type_lookup: bool
    name_matched: bool = True


@dataclass
class Remediation:
    """A parameter fixed after the fact: deleted, or overwritten as a SecureString.

    Carries who did it and when, never a value. read_from and origin say where the record
    was read, as for a Finding; operation is the API call or the Parameter Store Change
    operation that did it.
    """

    parameter_name: str
    how: RemediationKind
    operation: str
    read_from: str
    origin: Origin
    event_id: str | None = None
    event_time: str | None = None
    account_id: str | None = None
    region: str | None = None
    actor: str | None = None
    actor_type: str | None = None
    source_ip: str | None = None
    # False: only a value-inspected finding could be resolved; None: not matched, as the
    # command line pairs fixes with findings only (rule.FixesPairedLater).
    name_matched: bool | None = True

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
