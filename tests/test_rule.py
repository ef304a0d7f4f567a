"""The rule on real payloads and hand-built traps: which writes are findings (no AWS)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from paramguard.matcher import load_default
from paramguard.rule import evaluate_record

from support.builders import load_event, put_parameter

DICTIONARY = load_default()


def evaluate(record: Any) -> Any:
    return evaluate_record(record, DICTIONARY, "test")


def test_real_abridged_putparameter_is_evaluated_not_crashed() -> None:
    # The real record has no userAgent, recipientAccountId or eventType.
    record = load_event("tf4_abridged_real_PutParameter_String_HIDDEN_value.json")
    assert evaluate(record) is None  # "/forensic-drill/mandate04-23228" is not secret-like

    record["requestParameters"]["name"] = "/forensic-drill/db_password"
    candidate = evaluate(record)
    assert candidate is not None
    finding = candidate.finding
    assert finding.parameter_type == "String"
    assert finding.actor == "arn:aws:iam::511825856493:user/cdo04-an"
    assert finding.account_id is None and finding.user_agent is None
    assert finding.version == 1 and finding.region == "us-east-1"
    assert "HIDDEN" not in json.dumps(finding.to_dict())


@pytest.mark.parametrize(
    "sample",
    [
        "elastic_integrations_GetParameter.json",
        "awsdocs_ssmguide_StartConnection_ssm-guiconnect.json",
    ],
)
def test_real_non_putparameter_records_are_not_findings(sample: str) -> None:
    record = load_event(sample)
    record.setdefault("requestParameters", {})["name"] = "/prod/db/password"
    assert evaluate(record) is None


@pytest.mark.parametrize(
    ("record", "found"),
    [
        (put_parameter("/prod/db/password", "String"), True),
        (put_parameter("/prod/db/password", "StringList"), True),
        (put_parameter("/prod/db/password", "SecureString"), False),
        # Not a type Parameter Store defines, so not clearly SecureString: kept, looked up.
        (put_parameter("/prod/db/password", "string"), True),
        (put_parameter("/prod/db/password", "String", error_code="AccessDenied"), False),
        (put_parameter("/prod/app/log_level", "String"), False),
        ({**put_parameter("/p/password"), "eventSource": "ssm-guiconnect.amazonaws.com"}, False),
        ({**put_parameter("/p/password"), "eventName": "PutParameters"}, False),
        ({**put_parameter("/p/password"), "eventName": "GetParameter"}, False),
        ({**put_parameter("/p/password"), "errorCode": None}, True),
        ({**put_parameter("/p/password"), "requestParameters": None}, False),
        ({**put_parameter("/p/password"), "requestParameters": "oops"}, False),
        ({**put_parameter("/p/password"), "userIdentity": None}, True),
        ({**put_parameter("/p/password"), "responseElements": "x"}, True),
        ({"eventSource": "ssm.amazonaws.com", "eventName": "PutParameter"}, False),
        ({"requestParameters": {"name": None, "type": "String"}}, False),
        (None, False),
        ([], False),
        ("PutParameter", False),
        (42, False),
    ],
)
def test_the_rule(record: Any, found: bool) -> None:
    assert (evaluate(record) is not None) is found


def test_missing_type_asks_for_a_lookup() -> None:
    candidate = evaluate(put_parameter("/prod/db/password", None, overwrite=True))
    assert candidate is not None and candidate.needs_type_lookup
    assert candidate.finding.parameter_type == "unknown"


def test_finding_names_the_matched_entry() -> None:
    candidate = evaluate(put_parameter("/prod/stripeApiKey", "String"))
    assert candidate is not None
    assert candidate.finding.matched in DICTIONARY.entries
