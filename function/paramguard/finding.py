"""The finding model: what paramguard reports, and the candidates the rule hands on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PLAINTEXT_TYPES = frozenset({"String", "StringList"})


@dataclass
class Finding:
    """One plaintext parameter whose name or value looks like a secret. Never holds the value.

    matched is the name's dictionary entry or, when only the value gave it away, the value
    detector (value:<detector>); value_matched names the detector when the value was read.
    """

    parameter_name: str
    parameter_type: str  # "String", "StringList" or "unknown" (type could not be determined)
    matched: str
    matched_line: int
    event_id: str | None
    event_time: str | None
    account_id: str | None
    region: str | None
    actor: str | None
    actor_type: str | None
    source_ip: str | None
    user_agent: str | None
    source: str
    event_source: str = "cloudtrail"
    version: int | None = None
    overwrite: bool | None = None
    type_source: str = "request"  # "request", "describe_parameters", "unknown" or "event"
    notes: list[str] = field(default_factory=list)
    value_matched: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of the finding."""
        return asdict(self)

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
