"""The deployed function's rule, applied to a declared parameter before it is written.

A String/StringList parameter is a finding when its name matches the dictionary (the same
Dictionary.match the Lambda runs on a PutParameter record) or when its literal value is
flagged by the value detectors (values.inspect_value, as the Lambda's value inspection);
a SecureString never is. A parameter whose type the code does not fix (a variable without
a default, a condition, or no type at all) is reported at warning level: the write could be
plain text, and the deployed function would look its type up after the fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Parameter

PLAINTEXT_TYPES = frozenset({"String", "StringList"})
SECURE_TYPE = "SecureString"

RULE_NAME = "plaintext-secret-name"
RULE_VALUE = "plaintext-secret-value"
RULES = {
    RULE_NAME: "A String or StringList SSM parameter whose name says it holds a secret",
    RULE_VALUE: "A String or StringList SSM parameter whose value is a secret",
}


@dataclass(frozen=True)
class Result:
    """One reported parameter: why, how sure, and how to fix it. Never holds the value."""

    parameter: Parameter
    rule: str  # RULE_NAME or RULE_VALUE
    level: str  # "error" (plaintext type) or "warning" (type not fixed by the code)
    parameter_type: str  # String, StringList, or unknown
    matched: str  # the dictionary entry, or value:<detector>
    matched_line: int | None  # the dictionary line, when a dictionary line matched
    value_matched: str | None  # the value detector, when the value was also flagged
    fix: str
    notes: tuple[str, ...] = ()

    @property
    def suppressed(self) -> bool:
        """Whether a reviewed exception (with a reason) covers it."""
        suppression = self.parameter.suppression
        return suppression is not None and bool(suppression.reason)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; the value is never part of it."""
        p = self.parameter
        return {
            "file": p.file,
            "line": p.line,
            "column": p.column,
            "address": p.address,
            "source_kind": p.source_kind,
            "rule": self.rule,
            "level": self.level,
            "parameter_name": p.name.text if p.name else None,
            "name_resolved": p.name.complete if p.name else False,
            "parameter_type": self.parameter_type,
            "matched": self.matched,
            "matched_line": self.matched_line,
            "value_matched": self.value_matched,
            "suppressed": self.suppressed,
            "suppression_reason": p.suppression.reason
            if self.suppressed and p.suppression
            else None,
            "fix": self.fix,
            "notes": list(self.notes),
        }


def _type_of(parameter: Parameter) -> tuple[str | None, str | None]:
    """(String|StringList|SecureString or None for unknown, note when unknown)."""
    declared = parameter.type
    if declared is None:
        # Required in both: hashicorp/aws 6.25.0's schema marks aws_ssm_parameter.type
        # required (shared/tools/tfschema), and AWS::SSM::Parameter's Type is "Required: Yes".
        return None, "no type is given (Terraform and CloudFormation both require one)"
    if not declared.complete:
        return None, f"the type is {declared.text}, which the code does not fix"
    if declared.text in PLAINTEXT_TYPES or declared.text == SECURE_TYPE:
        return declared.text, None
    return None, f"the type '{declared.text}' is not String, StringList or SecureString"


def _fix(parameter: Parameter, literal_flagged: bool) -> str:
    rotate = (
        "; the literal value is in the repository's history, so rotate it"
        if literal_flagged
        else ""
    )
    if parameter.source_kind == "cloudformation":
        # PutParameter's reference: "SecureString isn't currently supported for
        # CloudFormation templates", so the fix is a reference, not a type change.
        return (
            "AWS::SSM::Parameter cannot create a SecureString: keep the secret in AWS Secrets "
            "Manager (AWS::SecretsManager::Secret with GenerateSecretString) or in a "
            "SecureString created outside the template, and reference it with "
            "{{resolve:secretsmanager:...}} or {{resolve:ssm-secure:...}}" + rotate
        )
    fix = 'set type = "SecureString" (add key_id for a customer-managed KMS key)'
    if literal_flagged:
        return (
            fix + " and take the literal value out of the code (a sensitive variable, "
            "random_password, or value_wo so it never reaches the state)" + rotate
        )
    if parameter.value_source is not None:
        return fix + f"; the value can keep coming from {parameter.value_source}"
    return (
        fix + " and keep the value out of the code (a sensitive variable, random_password, "
        "or value_wo)"
    )


def evaluate(parameter: Parameter, dictionary: Any, inspect_values: bool = True) -> Result | None:
    """The verdict for one declared parameter: a Result when it is reported, else None."""
    declared, type_note = _type_of(parameter)
    if declared == SECURE_TYPE:
        return None
    name_hit = None
    if parameter.name is not None and parameter.name.has_literal:
        for candidate in parameter.name.candidates():
            name_hit = dictionary.match(candidate)
            if name_hit is not None:
                break
    value_hit: str | None = None
    value_line: int | None = None
    literal_flagged = False
    if inspect_values:
        if parameter.value is not None:
            from ..values import inspect_value

            hit = inspect_value(
                parameter.value, tuple(getattr(dictionary, "value_rules", ())), names=dictionary
            )
            if hit is not None:
                value_hit, value_line, literal_flagged = hit.matched, hit.line, True
        if value_hit is None and parameter.value_source is not None:
            value_hit = f"value:secret-reference ({parameter.value_source})"
    if name_hit is None and value_hit is None:
        return None
    notes = list(parameter.notes)
    if type_note:
        notes.append(type_note)
    if parameter.name is not None and parameter.name.choices:
        notes.append("the name is chosen by a condition the code does not decide; each is matched")
    elif parameter.name is not None and not parameter.name.complete:
        notes.append("name partly unresolved; matched on its literal parts")
    if parameter.suppression is not None and not parameter.suppression.reason:
        notes.append(
            f"paramguard:ignore on line {parameter.suppression.line} has no reason, so it does "
            "not suppress: write why the exception was accepted"
        )
    if name_hit is not None:
        rule, matched = RULE_NAME, str(name_hit.entry)
        matched_line: int | None = int(name_hit.line)
    else:
        rule, matched, matched_line = RULE_VALUE, str(value_hit), value_line
    return Result(
        parameter=parameter,
        rule=rule,
        level="error" if declared in PLAINTEXT_TYPES else "warning",
        parameter_type=declared or "unknown",
        matched=matched,
        matched_line=matched_line,
        value_matched=value_hit,
        fix=_fix(parameter, literal_flagged),
        notes=tuple(notes),
    )
