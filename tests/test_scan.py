"""The function and `paramguard scan` share one blob scan: same bytes, same findings (moto)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from paramguard import handler
from paramguard.aws_io import process_object
from paramguard.cli import main
from paramguard.events import ObjectRef
from paramguard.finding import Finding
from paramguard.matcher import load_default
from paramguard.report import Counters
from paramguard.rule import evaluate_record, evaluate_remediation

from support.awsutil import LambdaContext
from support.builders import (
    delete_parameter,
    gz_log,
    load_event,
    log_document,
    log_key,
    put_parameter,
    s3_event,
)

from .conftest import Stack

DICTIONARY = load_default()
RECORDS = [
    load_event("elastic_integrations_GetParameter.json"),
    put_parameter("/prod/db/password", "String", event_id="e-1"),
    put_parameter("/prod/stripe/API_KEY", "StringList", event_id="e-2", overwrite=True),
    put_parameter("/prod/pä/秘密/token", "String", event_id="e-3", region="eu-west-1"),
    put_parameter("/prod/db/password", "SecureString", event_id="e-4"),
    put_parameter("/prod/db/password", "String", event_id="e-5", error_code="AccessDenied"),
    put_parameter("/prod/app/colour", "String", event_id="e-6"),
    {**put_parameter("/x/secret", "String", event_id="e-7"), "userIdentity": None},
]


def fast_path_blob() -> bytes:
    """A gzip log the fast path reads record by record."""
    return gz_log(RECORDS)


def full_parse_blob() -> bytes:
    """A plain JSON log whose \\u-escaped eventName makes the document parsed whole."""
    text = log_document(RECORDS).decode()
    return text.replace('"PutParameter"', '"\\u0050utParameter"', 1).encode()


def handler_findings(
    stack: Stack, context: LambdaContext, key: str, monkeypatch: pytest.MonkeyPatch
) -> list[dict[str, Any]]:
    reported: list[Finding] = []
    monkeypatch.setattr(handler, "log_findings", reported.extend)
    handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)
    return [finding.to_dict() for finding in reported]


def cli_findings(source: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    out = io.StringIO()
    main(["scan", "--json", source], out=out)
    capsys.readouterr()
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.parametrize("blob", [fast_path_blob, full_parse_blob], ids=["fast-path", "parsed"])
def test_function_and_command_line_report_the_same_findings_for_one_blob(
    blob: Any,
    stack: Stack,
    context: LambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    raw = blob()
    key = log_key() if raw[:2] == b"\x1f\x8b" else log_key().removesuffix(".gz")
    stack.s3.put_object(Bucket=stack.log_bucket, Key=key, Body=raw)

    from_function = handler_findings(stack, context, key, monkeypatch)
    from_s3 = cli_findings(f"s3://{stack.log_bucket}/{key}", capsys)
    local = tmp_path / Path(key).name
    local.write_bytes(raw)
    from_file = cli_findings(str(local), capsys)

    assert [f["event_id"] for f in from_function] == ["e-1", "e-2", "e-3", "e-7"]
    # Published under the field names operators query, whatever the Python names.
    assert {(f["event_source"], f["type_source"]) for f in from_function} == {
        ("cloudtrail", "request")
    }
    assert from_s3 == from_function  # every field, the S3 URI in source included
    for finding in from_file:
        assert finding.pop("source") == str(local)
    assert from_file == [{k: v for k, v in f.items() if k != "source"} for f in from_function]


def test_a_write_of_unknown_type_gets_the_functions_note_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The function's words when it cannot look the type up (the command line has no SSM);
    # the command line used to add a note of its own.
    log = tmp_path / "typeless.json.gz"
    log.write_bytes(gzip.compress(log_document([put_parameter("/prod/db/password", None)])))

    [finding] = cli_findings(str(log), capsys)

    assert finding["parameter_type"] == "unknown" and finding["type_source"] == "unknown"
    assert finding["notes"] == [
        "the write did not state a type (an overwrite keeps the current one)",
        "its current type was not looked up",
    ]


def test_a_record_from_eventbridge_is_reported_as_such(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    reported: list[Finding] = []
    monkeypatch.setattr(handler, "log_findings", reported.extend)
    event = {
        "version": "0",
        "id": "eb-1",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.ssm",
        "detail": put_parameter("/prod/db/password", "String", event_id="e-9"),
    }

    handler.lambda_handler(event, context)

    [finding] = [f.to_dict() for f in reported]
    assert (finding["source"], finding["event_source"]) == ("eventbridge:eb-1", "eventbridge")


FIXES = [
    put_parameter("/prod/db/password", "String", event_id="w-1"),
    put_parameter("/app/log_level", "String", event_id="w-2"),  # not a finding
    {**put_parameter("/app/log_level", "SecureString"), "eventTime": "2026-11-20T12:00:00Z"},
    {**put_parameter("/prod/api/token", "SecureString"), "eventTime": "2026-11-20T12:00:00Z"},
    delete_parameter("/prod/db/password", "/app/colour", batch=True, event_id="d-1"),
]


@pytest.mark.parametrize("inspect_values", [False, True])
def test_the_function_hands_on_the_fixes_the_rule_keeps(stack: Stack, inspect_values: bool) -> None:
    # scan_blob leaves fixes unmatched (the command line only pairs them with findings);
    # the function hands them on alone, so process_object matches them as the rule does.
    key = log_key()
    stack.s3.put_object(Bucket=stack.log_bucket, Key=key, Body=gz_log(FIXES))
    ref = ObjectRef(stack.log_bucket, key)

    result = process_object(
        stack.s3, ref, DICTIONARY, Counters(), 10**8, inspect_values=inspect_values
    )

    expected = [
        fix
        for record in FIXES
        for fix in evaluate_remediation(record, DICTIONARY, ref.uri, inspect_values=inspect_values)
        if evaluate_record(record, DICTIONARY, ref.uri, inspect_values=inspect_values) is None
    ]
    assert result.remediations == expected
    names = [(f.parameter_name, f.name_matched) for f in result.remediations]
    if inspect_values:
        assert ("/app/colour", False) in names and ("/app/log_level", False) in names
    else:
        assert names == [("/prod/api/token", True), ("/prod/db/password", True)]


def test_the_command_line_pairs_unmatched_fixes_with_its_findings_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "fixes.json.gz"
    log.write_bytes(gz_log(FIXES))

    [finding] = cli_findings(str(log), capsys)

    assert finding["parameter_name"] == "/prod/db/password"
    assert finding["resolved_by"] == {
        "how": "deleted",
        "operation": "DeleteParameters",
        "actor": "arn:aws:iam::123456789012:user/bob",
        "event_id": "d-1",
        "event_time": "2026-11-20T11:15:30Z",
        "source": str(log),
        "resolved": True,
    }
