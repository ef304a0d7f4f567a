"""IAM identity-policy evaluation, enough for the policies this module writes.

moto enforces no IAM policy, so the tests record the API calls the function really makes
(`record_api_calls`), map each to the action and resource IAM authorises it against
(`api_call_for`) and ask the deployed role's policy (`is_allowed`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .awsutil import ACCOUNT


@dataclass(frozen=True)
class ApiCall:
    """One AWS API call: the IAM action, the resource it touched, the condition context."""

    action: str
    resource: str
    context: Mapping[str, str]


def as_list(value: Any) -> list[str]:
    """A policy field that may be one string or a list, as a list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def glob_match(pattern: str, value: str, *, case_sensitive: bool = True) -> bool:
    """IAM wildcard match: * is any run of characters, ? is one character."""
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.fullmatch(regex, value, flags) is not None


def _condition_holds(block: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    for operator, entries in block.items():
        for key, wanted in entries.items():
            values = as_list(wanted)
            actual = context.get(key)
            if actual is None:
                return False
            if operator == "StringEquals":
                ok = actual in values
            elif operator in ("StringLike", "ArnLike", "ArnEquals"):
                ok = any(glob_match(v, actual) for v in values)
            elif operator == "Bool":
                ok = actual.lower() in [v.lower() for v in values]
            else:
                raise ValueError(f"condition operator {operator} is not supported here")
            if not ok:
                return False
    return True


def statements(policy: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The policy's statements as a list."""
    raw = policy.get("Statement", [])
    return [raw] if isinstance(raw, dict) else list(raw)


def is_allowed(policy: Mapping[str, Any], call: ApiCall) -> bool:
    """Whether an identity policy allows the call (an explicit Deny wins)."""
    allowed = False
    for statement in statements(policy):
        if "NotAction" in statement or "NotResource" in statement:
            raise ValueError("NotAction/NotResource are not supported by this evaluator")
        if not any(
            glob_match(a, call.action, case_sensitive=False)
            for a in as_list(statement.get("Action"))
        ):
            continue
        if not any(glob_match(r, call.resource) for r in as_list(statement.get("Resource"))):
            continue
        if not _condition_holds(statement.get("Condition", {}), call.context):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = True
    return allowed


def allowed_actions(policy: Mapping[str, Any]) -> set[str]:
    """Every action named in an Allow statement."""
    return {
        action
        for statement in statements(policy)
        if statement.get("Effect") == "Allow"
        for action in as_list(statement.get("Action"))
    }


def api_call_for(
    service: str, operation: str, params: Mapping[str, Any], region: str = ""
) -> ApiCall:
    """Map a botocore call to the IAM action and resource it is authorised against."""
    if service == "s3" and operation in ("GetObject", "HeadObject"):
        # HeadObject is authorised as GetObject; naming a version needs s3:GetObjectVersion
        # instead (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
        action = "s3:GetObjectVersion" if params.get("VersionId") else "s3:GetObject"
        return ApiCall(action, f"arn:aws:s3:::{params['Bucket']}/{params['Key']}", {})
    if service == "sns" and operation == "Publish":
        return ApiCall("sns:Publish", str(params.get("TopicArn") or params.get("TargetArn")), {})
    if service == "ssm" and operation == "DescribeParameters":
        return ApiCall("ssm:DescribeParameters", "*", {})
    if service == "ssm" and operation == "GetParameter":
        # Authorised against the parameter's ARN; a name:version selector is not part of it.
        name = str(params["Name"]).split(":", 1)[0].lstrip("/")
        return ApiCall("ssm:GetParameter", f"arn:aws:ssm:{region}:{ACCOUNT}:parameter/{name}", {})
    if service == "dynamodb" and operation in ("PutItem", "UpdateItem"):
        table = f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{params['TableName']}"
        return ApiCall(f"dynamodb:{operation}", table, {})
    if service == "securityhub" and operation == "BatchImportFindings":
        # Authorised on the product resource the findings name (Service Authorization
        # Reference, Security Hub: BatchImportFindings, resource type "product").
        products = {str(f.get("ProductArn")) for f in params.get("Findings") or []}
        return ApiCall("securityhub:BatchImportFindings", ",".join(sorted(products)), {})
    if service == "securityhub" and operation in ("GetFindings", "BatchUpdateFindings"):
        # Authorised on the account's hub (Service Authorization Reference, Security Hub:
        # resource type "hub").
        hub = f"arn:aws:securityhub:{region}:{ACCOUNT}:hub/default"
        return ApiCall(f"securityhub:{operation}", hub, {})
    if service == "events" and operation == "PutEvents":
        entries = params.get("Entries") or []
        buses = {str(e.get("EventBusName") or "default") for e in entries}
        sources = {str(e.get("Source")) for e in entries}
        bus = ",".join(sorted(buses))
        arn = (
            bus if bus.startswith("arn:") else f"arn:aws:events:{region}:{ACCOUNT}:event-bus/{bus}"
        )
        return ApiCall("events:PutEvents", arn, {"events:source": ",".join(sorted(sources))})
    # Anything else is reported with resource "*" so the policy check fails loudly.
    return ApiCall(f"{service}:{operation}", "*", {})


@contextlib.contextmanager
def record_api_calls() -> Iterator[list[tuple[str, str, dict[str, Any]]]]:
    """Record (service, operation, params) of every botocore call made inside the block."""
    from botocore.client import BaseClient

    calls: list[tuple[str, str, dict[str, Any]]] = []
    original = getattr(BaseClient, "_make_api_call")  # noqa: B009

    def recording(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        calls.append((self.meta.service_model.service_name, operation_name, dict(api_params)))
        return original(self, operation_name, api_params)

    setattr(BaseClient, "_make_api_call", recording)  # noqa: B010
    try:
        yield calls
    finally:
        setattr(BaseClient, "_make_api_call", original)  # noqa: B010


def trust_allows(policy: Mapping[str, Any], principal_arn: str, context: Mapping[str, str]) -> bool:
    """Whether a role's trust policy lets an AWS principal call sts:AssumeRole (Deny wins)."""
    allowed = False
    for statement in statements(policy):
        if "NotPrincipal" in statement or "NotAction" in statement:
            raise ValueError("NotPrincipal/NotAction are not supported by this evaluator")
        if not any(glob_match(a, "sts:AssumeRole") for a in as_list(statement.get("Action"))):
            continue
        principal = statement.get("Principal", {})
        principals = ["*"] if principal == "*" else as_list(principal.get("AWS"))
        if not any(glob_match(p, principal_arn) for p in principals):
            continue
        if not _condition_holds(statement.get("Condition", {}), context):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = True
    return allowed
