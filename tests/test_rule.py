"""The rule on real payloads and hand-built traps: which writes are findings (no AWS)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from paramguard.events import ParameterChange
from paramguard.finding import Finding, Remediation
from paramguard.matcher import load_default
from paramguard.rule import (
    FixesPairedLater,
    evaluate_change_remediation,
    evaluate_record,
    evaluate_remediation,
    match_fixes,
)

from support.builders import delete_parameter, load_event, put_parameter

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


# ---- Remediations: the calls that fix a plaintext parameter ----


def remediations(record: Any, *, inspect_values: bool = False) -> list[tuple[str, str, str]]:
    fixed = evaluate_remediation(record, DICTIONARY, "test", inspect_values=inspect_values)
    return [(r.parameter_name, r.how, r.operation) for r in fixed]


def test_a_delete_of_a_flagged_name_is_a_remediation_with_its_actor_and_time() -> None:
    record = delete_parameter("/prod/db/password", event_id="del-1")
    [fixed] = evaluate_remediation(record, DICTIONARY, "s3://b/k")
    assert (fixed.parameter_name, fixed.how, fixed.operation) == (
        "/prod/db/password",
        "deleted",
        "DeleteParameter",
    )
    assert fixed.actor == "arn:aws:iam::123456789012:user/bob"
    assert fixed.event_time == "2026-11-20T11:15:30Z" and fixed.event_id == "del-1"
    assert fixed.account_id == "123456789012" and fixed.read_from == "s3://b/k"
    assert evaluate(record) is None  # never a finding


def test_delete_parameters_counts_only_what_it_deleted() -> None:
    names = ["/prod/db/password", "/prod/api/token", "/prod/ssh/private_key", "/app/log_level"]
    record = delete_parameter(*names, batch=True, deleted=["/prod/db/password", "/app/log_level"])
    assert remediations(record) == [("/prod/db/password", "deleted", "DeleteParameters")]
    # Without a response (an abridged record), the names asked for.
    record["responseElements"] = None
    assert [n for n, _, _ in remediations(record)] == names[:3]
    record["requestParameters"]["names"] = ["/prod/db/password", "/prod/db/password", 7, None]
    assert remediations(record) == [("/prod/db/password", "deleted", "DeleteParameters")]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (delete_parameter("/prod/db/password", error_code="ParameterNotFound"), []),
        (delete_parameter("/prod/db/password", batch=True, error_code="AccessDenied"), []),
        (delete_parameter("/app/log_level"), []),  # no finding could have named it
        (put_parameter("/prod/db/password", "SecureString", overwrite=True), ["secured"]),
        (put_parameter("/prod/db/password", "String", overwrite=True), []),
        (put_parameter("/prod/db/password", None, overwrite=True), []),  # keeps its type
        (put_parameter("/prod/db/password", "SecureString", error_code="AccessDenied"), []),
        ({"eventSource": "ssm.amazonaws.com", "eventName": "DeleteParameter"}, []),
        ({**delete_parameter("/prod/db/password"), "eventSource": "s3.amazonaws.com"}, []),
        ({**delete_parameter("/prod/db/password"), "requestParameters": ["x"]}, []),
        ("DeleteParameter", []),
    ],
)
def test_what_is_and_is_not_a_remediation(record: Any, expected: list[str]) -> None:
    assert [how for _, how, _ in remediations(record)] == expected


def test_with_value_inspection_every_name_can_be_remediated() -> None:
    record = delete_parameter("/app/log_level")
    [fixed] = evaluate_remediation(record, DICTIONARY, "t", inspect_values=True)
    assert fixed.name_matched is False


FIX_RECORDS = [
    put_parameter("/prod/db/password", "SecureString", overwrite=True),
    put_parameter("/app/log_level", "SecureString"),  # not a name a finding could have
    delete_parameter("/prod/api/token"),
    delete_parameter("/app/colour"),
    delete_parameter("/prod/db/password", "/app/log_level", "/prod/ssh/private_key", batch=True),
    delete_parameter("/prod/db/password", error_code="AccessDenied"),
    put_parameter("/prod/db/password", "String"),
]


class CountingMatcher:
    """The default dictionary, counting the names it is asked about."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def match(self, name: str) -> Any:
        self.asked.append(name)
        return DICTIONARY.match(name)


@pytest.mark.parametrize("inspect_values", [False, True])
def test_fixes_left_unmatched_then_matched_are_the_fixes_matched_at_once(
    inspect_values: bool,
) -> None:
    # The command line only pairs fixes with findings, so the scan matches no fix's name;
    # the function matches them after the scan (match_fixes): the same fixes, same order.
    later = CountingMatcher()
    unmatched = [
        fix
        for record in FIX_RECORDS
        for fix in evaluate_remediation(
            record, FixesPairedLater(later), "t", inspect_values=inspect_values
        )
    ]
    assert later.asked == [] and {f.name_matched for f in unmatched} == {None}
    assert len(unmatched) == 7  # every fix, the names no finding could have included
    at_once = [
        fix
        for record in FIX_RECORDS
        for fix in evaluate_remediation(record, DICTIONARY, "t", inspect_values=inspect_values)
    ]
    assert match_fixes(unmatched, DICTIONARY, inspect_values=inspect_values) == at_once
    assert len(at_once) == (7 if inspect_values else 4)


def test_a_scan_leaving_fixes_unmatched_still_matches_the_writes() -> None:
    later = CountingMatcher()
    record = put_parameter("/prod/db/password", "String")
    candidate = evaluate_record(record, FixesPairedLater(later), "t")
    assert candidate is not None and candidate.finding.matched == "password"
    assert later.asked == ["/prod/db/password"]


@pytest.mark.parametrize(
    ("operation", "declared", "how"),
    [
        ("Delete", "String", "deleted"),
        ("Delete", None, "deleted"),
        ("Create", "SecureString", "secured"),
        ("Update", "SecureString", "secured"),
        ("Update", "String", None),
        ("Create", "StringList", None),
        ("LabelParameterVersion", "SecureString", None),
    ],
)
def test_parameter_store_change_remediations(
    operation: str, declared: str | None, how: str | None
) -> None:
    event = load_event("eventbridge_ssm_parameter_store_change_delete.json")
    change = ParameterChange(
        name="/prod/db/password",
        type=declared,
        operation=operation,
        account_id=event["account"],
        region=event["region"],
        time=event["time"],
        event_id=event["id"],
    )
    fixed = evaluate_change_remediation(change, DICTIONARY)
    assert (fixed.how if fixed else None) == how
    if fixed:
        assert fixed.origin == "parameter-store-change" and fixed.actor is None
        assert fixed.event_time == "2017-05-22T16:45:48Z" and fixed.region == "us-east-2"
    # The sample's own name is not secret-like: nothing to resolve.
    sample = dataclasses.replace(change, name=event["detail"]["name"])
    assert evaluate_change_remediation(sample, DICTIONARY) is None


def test_published_dicts_are_asdicts_under_the_published_names_and_copies() -> None:
    record = put_parameter("/prod/db/password", None)
    candidate = evaluate(record)
    assert candidate is not None
    finding = candidate.finding
    finding.resolved_by = {"how": "deleted", "actor": None, "resolved": True}
    [fix] = evaluate_remediation(delete_parameter("/prod/db/password"), DICTIONARY, "t")
    renamed = {"read_from": "source", "origin": "event_source", "type_from": "type_source"}
    item: Finding | Remediation
    for item in (finding, fix):
        published = item.to_dict()
        expected = {renamed.get(k, k): getattr(item, k) for k in item.fields()}
        assert published == expected and list(published) == list(expected)
    published = finding.to_dict()
    published["notes"].append("changed")
    published["resolved_by"]["how"] = "changed"
    assert finding.notes == ["the write did not state a type (an overwrite keeps the current one)"]
    assert finding.resolved_by["how"] == "deleted"
