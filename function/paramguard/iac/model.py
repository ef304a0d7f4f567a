"""What the parsers hand the verdict: declared parameters, with positions, never printed values."""

from __future__ import annotations

from dataclasses import dataclass, field

# Replaces a piece of a name that cannot be resolved. It is neither a letter nor a digit,
# so a dictionary term cannot match across it or inside it: only the literal parts match.
PLACEHOLDER = "\u2026"


@dataclass(frozen=True)
class Resolved:
    """A string expression as far as it could be resolved."""

    text: str  # for people: literal parts, unresolved pieces shown as ${expression}
    complete: bool  # every piece was resolved
    literal: str = ""  # for matching: unresolved pieces replaced by PLACEHOLDER
    # For matching too, when a condition the code does not decide chooses the whole string:
    # the literal of each choice (the deployed name is one of them).
    choices: tuple[str, ...] = ()

    @staticmethod
    def known(text: str) -> Resolved:
        """A fully resolved string."""
        return Resolved(text, True, text)

    @property
    def has_literal(self) -> bool:
        """Whether any letter or digit was resolved (else there is nothing to match)."""
        return any(ch.isalnum() for ch in self.literal + "".join(self.choices))

    def candidates(self) -> tuple[str, ...]:
        """The strings to match: each choice, or the literal."""
        return self.choices or (self.literal,)


@dataclass(frozen=True)
class Suppression:
    """A reviewed exception written on the resource; reason "" means none was given."""

    reason: str
    line: int


@dataclass(frozen=True)
class Parameter:
    """One SSM parameter declared in infrastructure code (one instance of a resource)."""

    file: str
    line: int
    column: int
    address: str  # aws_ssm_parameter.db_password, module.x.aws_ssm_parameter.y["k"], LogicalId
    source_kind: str  # terraform, terraform-json, terraform-plan, cloudformation
    name: Resolved | None  # None: not given (CloudFormation then generates one)
    type: Resolved | None  # None: not given
    # The literal value when it is fully known; never printed, logged or stored in a result.
    value: str | None = field(default=None, repr=False)
    # A reference that makes the value a generated secret (random_password.x.result).
    value_source: str | None = None
    suppression: Suppression | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """A file that could not be read or parsed, and why."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
