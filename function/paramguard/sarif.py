"""A SARIF 2.1.0 log from findings: generic, so any paramguard command can write one.

GitHub code scanning reads `ruleId`, `level`, `message.text`, the first physical location
(`artifactLocation.uri` relative to the repository root, `region.startLine`/`startColumn`),
`partialFingerprints` (to follow a result across commits) and `suppressions`.
A location's URI is always a path without a scheme: code scanning rejects a whole upload
whose artifact URI has a scheme other than the checkout's `file` ("SARIF URI scheme "s3" did
not match the checkout URI scheme "file"", see docs.github.com, SARIF support, "Source file
locations"). What is not a file (an s3:// log object, a parameter's ARN) gets a path made of
its parts and, as a logical location, its real name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"


@dataclass(frozen=True)
class Rule:
    """One kind of result."""

    id: str
    name: str
    description: str
    help: str = ""
    default_level: str = "error"


@dataclass(frozen=True)
class Location:
    """A place: a file path, relative to the scanned root when possible (1-based line and
    column), and for what is not a file its real name (an s3:// URI, an ARN)."""

    uri: str
    line: int | None = None
    column: int | None = None
    logical_name: str | None = None


@dataclass(frozen=True)
class Item:
    """One result: rule, level (error|warning|note), message, where, and what identifies it."""

    rule_id: str
    level: str
    message: str
    location: Location | None
    identity: str  # stable across commits (an address and a name, never a value)
    properties: dict[str, Any] = field(default_factory=dict)
    suppression_reason: str | None = None


@dataclass(frozen=True)
class Notification:
    """A problem with the run itself (a file that could not be read)."""

    message: str
    location: Location | None = None
    level: str = "error"


def _location(location: Location) -> dict[str, Any]:
    artifact: dict[str, Any] = {"uri": location.uri}
    if not location.uri.startswith("/"):
        artifact["uriBaseId"] = "%SRCROOT%"
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if location.line and location.line > 0:
        region: dict[str, Any] = {"startLine": location.line}
        if location.column and location.column > 0:
            region["startColumn"] = location.column
        physical["region"] = region
    found: dict[str, Any] = {"physicalLocation": physical}
    if location.logical_name:
        found["logicalLocations"] = [
            {"fullyQualifiedName": location.logical_name, "kind": "resource"}
        ]
    return found


def _uri(location: Location) -> Location:
    """The location with its URI percent-encoded."""
    from urllib.parse import quote

    # No ':' (a relative path's first segment would read as a URI scheme).
    uri = quote(location.uri, safe="/@!$&'()*+,;=")
    return Location(uri, location.line, location.column, location.logical_name)


def sarif_log(
    tool: str,
    version: str,
    information_uri: str,
    rules: Sequence[Rule],
    items: Sequence[Item],
    notifications: Sequence[Notification] = (),
) -> dict[str, Any]:
    """The SARIF log (a dict ready for json.dump) of one run."""
    index = {rule.id: n for n, rule in enumerate(rules)}
    results = []
    for item in items:
        result: dict[str, Any] = {
            "ruleId": item.rule_id,
            "ruleIndex": index[item.rule_id],
            "level": item.level,
            "message": {"text": item.message},
            "partialFingerprints": {
                "paramguard/v1": hashlib.sha256(
                    f"{item.rule_id}\0{item.identity}".encode("utf-8", "surrogatepass")
                ).hexdigest()[:32]
            },
        }
        if item.location is not None:
            result["locations"] = [_location(_uri(item.location))]
        if item.properties:
            result["properties"] = item.properties
        if item.suppression_reason is not None:
            result["suppressions"] = [
                {"kind": "inSource", "status": "accepted", "justification": item.suppression_reason}
            ]
        results.append(result)
    invocation: dict[str, Any] = {
        "executionSuccessful": not any(n.level == "error" for n in notifications)
    }
    if notifications:
        invocation["toolExecutionNotifications"] = [
            {
                "level": n.level,
                "message": {"text": n.message},
                **({"locations": [_location(_uri(n.location))]} if n.location else {}),
            }
            for n in notifications
        ]
    return {
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": tool,
                        "version": version,
                        "informationUri": information_uri,
                        "rules": [
                            {
                                "id": rule.id,
                                "name": rule.name,
                                "shortDescription": {"text": rule.description},
                                "fullDescription": {"text": rule.help or rule.description},
                                "help": {"text": rule.help or rule.description},
                                "defaultConfiguration": {"level": rule.default_level},
                            }
                            for rule in rules
                        ],
                    }
                },
                "invocations": [invocation],
                "results": results,
            }
        ],
    }
