"""Hostile input: any JSON in any field of a record, an event or a detail never crashes a run.

Property tests for the rule, the event recogniser and the message builder (issue 10, item 4),
and SNS's limits, which count bytes (item 12).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from paramguard.aws_io import resolve_candidates
from paramguard.eventbus import build_resolution_entry
from paramguard.events import UnrecognisedEvent, recognise
from paramguard.finding import Finding
from paramguard.fixes import mark_resolved
from paramguard.matcher import load_default
from paramguard.report import (
    MESSAGE_LIMIT,
    Notification,
    build_notification,
    build_summary,
)
from paramguard.rule import evaluate_change, evaluate_record, evaluate_remediation
from paramguard.securityhub import remediation_note
from paramguard.text import printable

from support.builders import SECRET_VALUE, delete_parameter, load_event, put_parameter

DICTIONARY = load_default()

# Characters an attacker would pick: line breaks, terminal escapes, C1 controls, bidi
# overrides, zero-width and separator characters, lone surrogates, a non-character.
NASTY = "\n\r\t\x00\x1b\x7f\x85\x9b\u00a0\u200b\u200e\u202e\u2066\u2028\u2029\ufeff\ufffe"
NASTY += "\ud800\udfff"
TEXT = st.text(alphabet=st.characters(exclude_categories=()) | st.sampled_from(NASTY), max_size=40)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)
# A value that is sometimes the right thing, so the interesting paths are reached too.
NAMES = st.sampled_from(["/prod/db/password", "api_key", "/x/github_token\u202e", "/a\nb/secret"])


def overridden(base: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """base with some fields replaced by arbitrary JSON (dotted names reach one level down)."""
    result = copy.deepcopy(base)
    for path, value in fields.items():
        head, _, tail = path.partition(".")
        if tail and isinstance(result.get(head), dict):
            result[head][tail] = value
        else:
            result[head] = value
    return result


RECORD_FIELDS = [
    "eventSource",
    "eventName",
    "errorCode",
    "errorMessage",
    "requestParameters",
    "requestParameters.name",
    "requestParameters.type",
    "requestParameters.overwrite",
    "userIdentity",
    "userIdentity.arn",
    "userIdentity.type",
    "userIdentity.accountId",
    "responseElements",
    "responseElements.version",
    "recipientAccountId",
    "awsRegion",
    "eventID",
    "eventTime",
    "sourceIPAddress",
    "userAgent",
]


@st.composite
def records(draw: st.DrawFn) -> Any:
    """A real PutParameter record with any of its fields replaced by any JSON, or any JSON."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON)
    base = put_parameter(draw(NAMES), draw(st.sampled_from(["String", "StringList", None])))
    fields = draw(st.dictionaries(st.sampled_from(RECORD_FIELDS), JSON | NAMES, max_size=5))
    return overridden(base, fields)


def assert_publishable(notification: Notification) -> None:
    """What SNS Publish accepts (its documented limits, counted here independently)."""
    body = notification.message.encode("utf-8")  # strict: a lone surrogate would raise
    attribute_bytes = 0
    for name, attribute in notification.attributes.items():
        value = attribute["StringValue"]
        assert value, name  # SNS refuses an empty value
        attribute_bytes += len(name.encode()) + len(attribute["DataType"].encode())
        attribute_bytes += len(value.encode("utf-8"))
    assert 0 < len(body) and len(body) + attribute_bytes <= 262_144
    subject = notification.subject.encode("utf-8")
    assert len(subject) < 100 and notification.subject.isprintable()
    # Every line of the text is printable: no forged line, no terminal escape, no bidi trick.
    assert all(line.isprintable() for line in notification.message.split("\n"))


def check_candidates(candidates: list[Any]) -> None:
    """Candidates become findings whose messages SNS would accept."""
    findings = resolve_candidates(candidates, None, None)
    assert len(findings) == len(candidates)  # nothing dropped without a look-up
    for finding in findings:
        assert finding.parameter_type in {"String", "StringList", "unknown"}
        assert_publishable(build_notification(finding))
        json.dumps(finding.to_dict(), ensure_ascii=False).encode("utf-8")
    if findings:
        assert_publishable(build_summary(findings, 0))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=records())
def test_any_record_is_evaluated_and_reported_without_raising(record: Any) -> None:
    candidate = evaluate_record(record, DICTIONARY, "s3://b/k")
    check_candidates([candidate] if candidate else [])


@pytest.mark.parametrize(
    "declared", [["String"], {"x": 1}, ["SecureString"], 1, 0.5, True, "", "string", "Secure"]
)
def test_a_type_that_is_not_clearly_securestring_is_reported_as_unknown(declared: Any) -> None:
    record = put_parameter("/prod/db/password", "String")
    record["requestParameters"]["type"] = declared

    candidate = evaluate_record(record, DICTIONARY, "s3://b/k")

    assert candidate is not None and candidate.needs_type_lookup
    assert candidate.finding.parameter_type == "unknown"
    assert "not String, StringList or SecureString" in candidate.finding.notes[0]


def test_securestring_is_still_not_a_finding() -> None:
    record = put_parameter("/prod/db/password", "SecureString")
    assert evaluate_record(record, DICTIONARY, "x") is None


# ---- Events: every shape the function accepts, with fields replaced by any JSON ----


def _eventbridge(detail_type: Any, source: Any, detail: Any) -> dict[str, Any]:
    event = load_event("eventbridge_ssm_parameter_store_change_create.json")
    event.update({"detail-type": detail_type, "source": source, "detail": detail})
    return dict(event)


@st.composite
def details(draw: st.DrawFn) -> Any:
    """An EventBridge detail: a Parameter Store Change's or a CloudTrail record, overridden."""
    kind = draw(st.sampled_from(["change", "record", "any"]))
    if kind == "any":
        return draw(JSON)
    if kind == "record":
        return draw(records())
    base = {"name": draw(NAMES), "type": "String", "operation": "Create", "description": ""}
    fields = draw(
        st.dictionaries(st.sampled_from(["name", "type", "operation", "description"]), JSON)
    )
    return {**base, **fields}


@st.composite
def events(draw: st.DrawFn) -> Any:
    """Any event shape the function accepts, with any field replaced by arbitrary JSON."""
    shape = draw(st.sampled_from(["s3", "sns", "sqs", "eventbridge", "batch", "ct-sns", "any"]))
    if shape == "any":
        return draw(JSON)
    if shape == "eventbridge":
        event = _eventbridge(
            draw(
                st.sampled_from(
                    ["AWS API Call via CloudTrail", "Parameter Store Change", "Scheduled Event"]
                )
                | TEXT
            ),
            draw(st.sampled_from(["aws.ssm", "aws.events", "aws.s3"]) | JSON),
            draw(details()),
        )
        fields = draw(st.dictionaries(st.sampled_from(["id", "account", "region", "time"]), JSON))
        return {**event, **fields}
    if shape == "batch":
        event = load_event(
            draw(
                st.sampled_from(
                    [
                        "s3_batch_ops_request_schema1.0_powertools.json",
                        "s3_batch_ops_request_schema2.0_powertools.json",
                    ]
                )
            )
        )
        task_fields = ["taskId", "s3Key", "s3VersionId", "s3BucketArn", "s3Bucket"]
        event["tasks"][0] = overridden(
            event["tasks"][0], draw(st.dictionaries(st.sampled_from(task_fields), JSON))
        )
        top = ["invocationSchemaVersion", "invocationId", "tasks"]
        return overridden(event, draw(st.dictionaries(st.sampled_from(top), JSON, max_size=1)))
    notification = load_event("s3_objectcreated_put_docs.json")
    s3_fields = ["eventName", "eventSource", "s3", "s3.bucket", "s3.object"]
    notification["Records"][0] = overridden(
        notification["Records"][0], draw(st.dictionaries(st.sampled_from(s3_fields), JSON))
    )
    obj = notification["Records"][0].get("s3")
    if isinstance(obj, dict) and isinstance(obj.get("object"), dict):
        obj["object"] = overridden(
            obj["object"],
            draw(st.dictionaries(st.sampled_from(["key", "size", "versionId"]), JSON)),
        )
    inner: Any = notification
    if shape == "ct-sns":
        inner = {"s3Bucket": draw(JSON | TEXT), "s3ObjectKey": draw(JSON)}
    if shape == "s3":
        return notification
    body: Any = draw(st.sampled_from([json.dumps(inner), json.dumps(inner)[:-3]]) | TEXT | JSON)
    if shape == "sns" or shape == "ct-sns":
        event = load_event("sns_event_lambda-go.json")
        event["Records"][0]["Sns"]["Message"] = body
        return dict(event)
    event = load_event("sqs_wrapped_s3_objectcreated_put_powertools.json")
    event["Records"][0]["body"] = body
    event["Records"][0]["messageId"] = draw(TEXT | JSON)
    event["Records"].append({**event["Records"][0], "body": json.dumps(notification)})
    return dict(event)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=events())
def test_any_event_is_recognised_or_refused_with_unrecognised_event(event: Any) -> None:
    try:
        work = recognise(event)
    except UnrecognisedEvent as exc:
        str(exc).encode("utf-8")  # the error message can be logged
        return
    candidates = []
    for item in work.items:
        for ref in item.objects:
            ref.uri.encode("utf-8")  # a key S3 could hold, usable in a request
        for record, source in item.records:
            found = evaluate_record(record, DICTIONARY, source)
            candidates += [found] if found else []
        for change in item.changes:
            candidate = evaluate_change(change, DICTIONARY)
            candidates += [candidate] if candidate else []
        if item.error:
            item.error.encode("utf-8")
    for reason in work.ignored:
        reason.encode("utf-8")
    check_candidates(candidates)


def test_a_malformed_sqs_message_fails_alone() -> None:
    event = load_event("sqs_wrapped_s3_objectcreated_put_powertools.json")
    good = copy.deepcopy(event["Records"][0])
    event["Records"][0]["body"] = "[" * 100_000  # json.loads raises RecursionError
    event["Records"][0]["messageId"] = "deep"
    event["Records"].append(good)

    work = recognise(event)

    assert [item.error is not None for item in work.items] == [True, False]
    assert work.items[1].objects


def test_a_parameter_store_change_with_an_odd_type_is_reported_as_unknown() -> None:
    event = _eventbridge("Parameter Store Change", "aws.ssm", {"name": "/p/db_password"})
    event["detail"].update(operation="Update", type=["String"])

    [item] = recognise(event).items
    candidate = evaluate_change(item.changes[0], DICTIONARY)

    assert candidate is not None and candidate.needs_type_lookup
    assert candidate.finding.parameter_type == "unknown"


# ---- The message builder: SNS counts bytes ----


def finding(**fields: Any) -> Finding:
    base: dict[str, Any] = {
        "parameter_name": "/prod/db/password",
        "parameter_type": "String",
        "matched": "password",
        "matched_line": 3,
        "event_id": "e-1",
        "event_time": "2026-11-20T10:15:30Z",
        "account_id": "123456789012",
        "region": "us-east-1",
        "actor": "arn:aws:iam::123456789012:user/alice",
        "actor_type": "IAMUser",
        "source_ip": "198.51.100.7",
        "user_agent": "aws-cli/2",
        "read_from": "s3://b/k",
        "origin": "cloudtrail",
        "type_from": "request",
    }
    return Finding(**{**base, **fields})


@settings(max_examples=300, deadline=None)
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            name: TEXT | st.text(max_size=2000)
            for name in ("parameter_name", "matched", "actor", "user_agent", "read_from", "region")
        },
    ),
    notes=st.lists(TEXT, max_size=3),
)
def test_any_text_in_a_finding_makes_a_valid_message(
    fields: dict[str, str], notes: list[str]
) -> None:
    assume(fields.get("parameter_name", "x"))
    assert_publishable(build_notification(finding(**fields, notes=notes)))


@pytest.mark.parametrize("char", ["密", "🔑", "é"])
def test_a_huge_multibyte_name_is_cut_by_bytes_and_says_so(char: str) -> None:
    # 100,000 characters are under SNS's limit counted in characters, far over it in bytes.
    name = "/prod/" + char * 100_000 + "/db_password"
    message = build_notification(finding(parameter_name=name, user_agent=char * 50_000))

    assert_publishable(message)
    assert "more bytes]" in message.message  # each huge field says it was shortened
    assert "/db_password" in message.subject  # the end of the name says what it is
    assert len(message.attributes["parameter_name"]["StringValue"].encode()) <= 1024


def test_a_message_that_still_does_not_fit_is_cut_at_a_utf8_boundary() -> None:
    notes = ["密" * 3000] * 200  # many notes, each under the per-field bound
    message = build_notification(finding(notes=notes))

    assert_publishable(message)
    assert message.message.endswith("the finding is in the function's log]")
    assert MESSAGE_LIMIT - 2000 < len(message.message.encode()) <= MESSAGE_LIMIT


def test_summary_of_many_long_names_fits() -> None:
    findings = [finding(parameter_name=f"/{i}/" + "ü" * 1000 + "/secret") for i in range(500)]
    summary = build_summary(findings, 20)
    assert_publishable(summary)
    assert "truncated" in summary.message


def test_a_crafted_region_makes_no_link_and_no_command_injection() -> None:
    text = build_notification(
        finding(region="evil.example/#", parameter_name="/p/secret'; rm -rf ~ #")
    ).message
    assert "evil.example" not in text.split("Console:")[-1] or "Console:" not in text
    assert "--region <region>" in text
    assert "--name '/p/secret'\"'\"'; rm -rf ~ #'" in text


def test_printable_escapes_what_could_forge_or_hide_a_line() -> None:
    assert printable("a\nb\rc\td\x1b[2Je\u202ef\x85g\ud800") == (
        "a\\nb\\rc\\td\\x1b[2Je\\u202ef\\x85g\\ud800"
    )
    assert printable("/prod/пароль/🔑 ok") == "/prod/пароль/🔑 ok"


# ---- Fixes (deletes, SecureString overwrites) from hostile records ----

FIX_FIELDS = [
    *RECORD_FIELDS,
    "requestParameters.names",
    "responseElements.deletedParameters",
    "responseElements.invalidParameters",
]


@st.composite
def fix_records(draw: st.DrawFn) -> Any:
    """A real delete (or SecureString write) with any of its fields replaced by any JSON."""
    names = draw(st.lists(NAMES, min_size=1, max_size=3))
    kind = draw(st.sampled_from(["one", "many", "secure"]))
    if kind == "secure":
        base = put_parameter(names[0], "SecureString", overwrite=True)
    else:
        base = delete_parameter(*names, batch=kind == "many")
    fields = draw(st.dictionaries(st.sampled_from(FIX_FIELDS), JSON | NAMES, max_size=5))
    return overridden(base, fields)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=fix_records(), write=records())
def test_any_fix_is_evaluated_paired_and_published_without_raising(record: Any, write: Any) -> None:
    fixes = evaluate_remediation(record, DICTIONARY, "s3://b/k", inspect_values=True)
    candidate = evaluate_record(write, DICTIONARY, "s3://b/a")
    findings = resolve_candidates([candidate] if candidate else [], None, None)
    mark_resolved(findings, fixes, "us-east-1", "123456789012")
    for finding in findings:
        assert_publishable(build_notification(finding))
    for fix in fixes:
        text = build_resolution_entry(fix, "default", None, None, False)["Detail"]
        text.encode("utf-8")  # strict: a lone surrogate would raise
        assert len(remediation_note(fix)) <= 512
        assert SECRET_VALUE not in text
