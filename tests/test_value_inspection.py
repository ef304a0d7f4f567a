"""Opt-in value inspection end to end on moto: the exact version written is read and judged.

moto enforces no IAM: that the role may call ssm:GetParameter (and only with inspection on)
is checked against the policy document in tests/test_terraform.py.
"""

from __future__ import annotations

import json
import logging
import random
import re
import string
import time
from dataclasses import dataclass
from typing import Any

import pytest
from paramguard import handler
from paramguard.events import TransientError
from paramguard.inspection import Write, inspect_writes
from paramguard.matcher import load_default
from paramguard.report import build_notification
from paramguard.rule import evaluate_record
from paramguard.values import inspect_value

from support.awsutil import LambdaContext, client_error, drain_messages
from support.builders import gz_log, log_key, put_parameter, s3_event
from support.emf import metric_sum
from support.iam_policy import record_api_calls

from .conftest import Stack
from .test_type_lookups import TimedContext, VirtualTime

NS = "ParamStoreAnalyser"
_RANDOM = random.Random(11)


def github_token() -> str:
    """A classic GitHub token in its documented shape (generated, never a real one)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        token = "ghp_" + "".join(_RANDOM.choice(alphabet) for _ in range(36))
        hit = inspect_value(token)
        if hit is not None and hit.matched == "value:github-token":
            return token


BENIGN = "https://api.acme.example/v2/orders"


@pytest.fixture
def inspecting(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Stack:
    monkeypatch.setenv("INSPECT_VALUES", "true")
    handler.reset()
    return stack


def write(stack: Stack, name: str, value: str, kind: str = "String", **record: Any) -> Any:
    """Write the parameter in moto and return the CloudTrail record of that write."""
    version = stack.ssm.put_parameter(Name=name, Value=value, Type=kind, Overwrite=True)["Version"]
    entry = put_parameter(name, kind, **record)
    entry["responseElements"]["version"] = version
    return entry


def run(stack: Stack, records: list[Any], context: Any) -> tuple[Any, list[Any]]:
    key = log_key()
    stack.s3.put_object(Bucket=stack.log_bucket, Key=key, Body=gz_log(records))
    with record_api_calls() as calls:
        result = handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)
    reads = [params for svc, op, params in calls if (svc, op) == ("ssm", "GetParameter")]
    return result, reads


def findings(caplog: pytest.LogCaptureFixture) -> dict[str, dict[str, Any]]:
    return {
        r.__dict__["parameter_name"]: r.__dict__
        for r in caplog.records
        if getattr(r, "event", "") == "finding"
    }


def test_a_token_under_a_harmless_name_is_reported_by_its_value(
    inspecting: Stack, context: LambdaContext, caplog: pytest.LogCaptureFixture
) -> None:
    token = github_token()
    records = [
        write(inspecting, "/integrations/acme-prod", token),
        write(inspecting, "/integrations/acme-url", BENIGN),
    ]
    caplog.clear()  # the test's own write above is not the function's doing
    caplog.set_level(logging.DEBUG)

    result, reads = run(inspecting, records, context)

    assert result["findings"] == 1
    found = findings(caplog)
    assert set(found) == {"/integrations/acme-prod"}
    assert found["/integrations/acme-prod"]["matched"] == "value:github-token"
    assert found["/integrations/acme-prod"]["matched_line"] == 0
    assert {r["Name"] for r in reads} == {"/integrations/acme-prod:1", "/integrations/acme-url:1"}
    assert all(r["WithDecryption"] is False for r in reads)
    [message] = drain_messages(inspecting.sqs, inspecting.queue_url)
    assert "value:github-token" in message["Message"]
    assert "value holds a secret" in message["Message"]
    assert metric_sum(inspecting.metrics, NS, "AnomaliesDetected") == 1
    assert metric_sum(inspecting.metrics, NS, "ValuesNotInspected") == 0
    # The sentinel: the value itself appears nowhere the function writes to.
    assert token not in json.dumps(message)
    assert token not in caplog.text
    assert all(token not in json.dumps(r.__dict__, default=str) for r in caplog.records)
    assert token not in json.dumps(result)


def test_a_securestring_is_never_read(inspecting: Stack, context: LambdaContext) -> None:
    records = [write(inspecting, "/integrations/acme-prod", github_token(), "SecureString")]

    result, reads = run(inspecting, records, context)

    assert result["findings"] == 0 and reads == []


def test_a_name_match_with_a_benign_value_is_still_reported(
    inspecting: Stack, context: LambdaContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    records = [
        write(inspecting, "/prod/db/password", BENIGN),
        write(inspecting, "/prod/api/token", github_token()),
    ]

    result, reads = run(inspecting, records, context)

    assert result["findings"] == 2 and len(reads) == 2
    found = findings(caplog)
    assert found["/prod/db/password"]["matched"] == "password"
    assert found["/prod/db/password"]["value_matched"] is None
    # Both: the name's entry stays in matched, the detector is added.
    assert found["/prod/api/token"]["matched"] == "token"
    assert found["/prod/api/token"]["value_matched"] == "value:github-token"
    text = json.dumps(drain_messages(inspecting.sqs, inspecting.queue_url))
    assert "Value matched:  value:github-token" in text


def test_the_version_written_is_the_one_judged(
    inspecting: Stack, context: LambdaContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    first = write(inspecting, "/svc/dotenv", github_token(), event_id="evt-v1")
    second = write(inspecting, "/svc/dotenv", BENIGN, event_id="evt-v2")  # v2 is benign

    result, reads = run(inspecting, [first, second], context)

    assert sorted(r["Name"] for r in reads) == ["/svc/dotenv:1", "/svc/dotenv:2"]
    reported = [r.__dict__ for r in caplog.records if getattr(r, "event", "") == "finding"]
    assert [(r["event_id"], r["matched"]) for r in reported] == [("evt-v1", "value:github-token")]
    assert result["findings"] == 1


def test_without_a_version_the_latest_is_read_and_said(
    inspecting: Stack, context: LambdaContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    record = write(inspecting, "/svc/dotenv", github_token())
    del record["responseElements"]["version"]

    result, reads = run(inspecting, [record], context)

    assert [r["Name"] for r in reads] == ["/svc/dotenv"]
    assert "latest version" in findings(caplog)["/svc/dotenv"]["notes"][-1]


def test_a_plaintext_write_fixed_since_is_still_reported_by_its_name(
    inspecting: Stack, context: LambdaContext, caplog: pytest.LogCaptureFixture
) -> None:
    # Written as String, then overwritten as SecureString before the log file arrived; the
    # record names no version, so the latest (now SecureString) is what a read returns. The
    # plaintext value is still in the parameter's history: the name match must be reported,
    # as it is with inspection off. A value-only write is counted as not inspected.
    caplog.set_level(logging.INFO)
    matched = write(inspecting, "/prod/db/password", "hunter2hunter2")
    quiet = write(inspecting, "/svc/dotenv", github_token())
    for record in (matched, quiet):
        del record["responseElements"]["version"]
    for name in ("/prod/db/password", "/svc/dotenv"):
        inspecting.ssm.put_parameter(Name=name, Value="x", Type="SecureString", Overwrite=True)

    result, _ = run(inspecting, [matched, quiet], context)

    assert result["findings"] == 1
    reported = findings(caplog)
    assert set(reported) == {"/prod/db/password"}
    assert "value not inspected" in reported["/prod/db/password"]["notes"][-1]
    skipped = [
        r.__dict__["parameter_name"]
        for r in caplog.records
        if getattr(r, "event", "") == "value_not_inspected"
    ]
    assert sorted(skipped) == ["/prod/db/password", "/svc/dotenv"]


def test_another_accounts_write_is_not_read(
    inspecting: Stack, context: LambdaContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    records = [
        put_parameter("/other/db_password", "String", account="210987654321"),
        put_parameter("/other/acme-prod", "String", account="210987654321"),
    ]

    result, reads = run(inspecting, records, context)

    assert reads == [] and result["findings"] == 1
    note = findings(caplog)["/other/db_password"]["notes"][-1]
    assert note == (
        "value not inspected: parameter in account 210987654321 (no member role: MEMBER_ROLE_NAME)"
    )
    assert metric_sum(inspecting.metrics, NS, "ValuesNotInspected") == 2


def test_off_reads_nothing_and_reports_names_only(
    stack: Stack, context: LambdaContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    records = [
        write(stack, "/integrations/acme-prod", github_token()),
        write(stack, "/prod/db/password", BENIGN),
    ]

    result, reads = run(stack, records, context)

    assert reads == []
    assert result["findings"] == 1 and set(findings(caplog)) == {"/prod/db/password"}
    assert findings(caplog)["/prod/db/password"]["value_matched"] is None
    assert metric_sum(stack.metrics, NS, "ValuesNotInspected") is None  # not published


class FailingReads:
    """The look-up client, with GetParameter failing as SSM would for some names."""

    def __init__(self, real: Any, failures: dict[str, tuple[str, int]]) -> None:
        self.real, self.failures = real, failures

    def describe_parameters(self, **request: Any) -> Any:
        return self.real.describe_parameters(**request)

    def get_parameter(self, **request: Any) -> Any:
        name = request["Name"].split(":")[0]
        if name in self.failures:
            code, status = self.failures[name]
            raise client_error(code, "GetParameter", status)
        return self.real.get_parameter(**request)


def test_read_failures_are_counted_and_a_throttled_read_is_retried(
    inspecting: Stack,
    context: LambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    records = [
        write(inspecting, "/a/denied", github_token()),
        write(inspecting, "/a/gone", github_token()),
        write(inspecting, "/a/db_password", BENIGN),  # a name match, read denied
    ]
    failing = FailingReads(
        inspecting.ssm,
        {
            "/a/denied": ("AccessDeniedException", 400),
            "/a/gone": ("ParameterVersionNotFound", 400),
            "/a/db_password": ("AccessDeniedException", 400),
        },
    )
    monkeypatch.setattr(handler.runtime(), "lookup_ssm", lambda region: failing)

    result, _ = run(inspecting, records, context)

    assert result["findings"] == 1  # the name match, with a note
    note = findings(caplog)["/a/db_password"]["notes"][-1]
    assert note == "value not inspected: reading it failed (AccessDeniedException)"
    assert metric_sum(inspecting.metrics, NS, "ValuesNotInspected") == 3
    assert metric_sum(inspecting.metrics, NS, "ValueReadFailures") == 2
    logged = {
        r.__dict__["parameter_name"]: r.__dict__["reason"]
        for r in caplog.records
        if getattr(r, "event", "") == "value_not_inspected"
    }
    assert logged["/a/gone"] == "the version written no longer exists (ParameterVersionNotFound)"

    failing.failures = {"/a/throttled": ("ThrottlingException", 400)}
    records = [write(inspecting, "/a/throttled", github_token())]
    with pytest.raises(TransientError, match="could not be read"):
        run(inspecting, records, context)


class SlowReads(FailingReads):
    """Each GetParameter spends `cost` virtual seconds."""

    def __init__(self, real: Any, clock: VirtualTime, cost: float) -> None:
        super().__init__(real, {})
        self.clock, self.cost, self.reads = clock, cost, 0

    def get_parameter(self, **request: Any) -> Any:
        self.reads += 1
        self.clock.offset += self.cost
        return super().get_parameter(**request)


def test_out_of_time_name_matches_are_reported_and_the_rest_counted(
    inspecting: Stack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    token = github_token()
    named = [write(inspecting, f"/app{i}/db_password", BENIGN) for i in range(10)]
    unnamed = [write(inspecting, f"/svc{i}/settings", token) for i in range(30)]
    clock = VirtualTime(monkeypatch)
    slow = SlowReads(inspecting.ssm, clock, cost=2.0)
    monkeypatch.setattr(handler.runtime(), "lookup_ssm", lambda region: slow)
    context = TimedContext(budget_seconds=60.0, started=time.monotonic())

    result, _ = run(inspecting, named + unnamed, context)

    assert context.get_remaining_time_in_millis() > 0
    found = findings(caplog)
    assert {f"/app{i}/db_password" for i in range(10)} <= set(found)  # every name match
    by_value = [n for n in found if n.startswith("/svc")]
    assert 0 < len(by_value) < 30 and slow.reads < 40  # the clock stopped the reads
    left = [
        r.__dict__["parameter_name"]
        for r in caplog.records
        if getattr(r, "event", "") == "value_not_inspected" and not r.__dict__["name_matched"]
    ]
    assert sorted(by_value + left) == sorted(f"/svc{i}/settings" for i in range(30))
    not_inspected = metric_sum(inspecting.metrics, NS, "ValuesNotInspected")
    assert not_inspected == 40 - slow.reads
    assert result["findings"] == len(found)


@dataclass(frozen=True)
class Rule:
    """A dictionary `value:` line, as matcher.Dictionary.value_rules exposes it."""

    entry: str
    line: int
    pattern: re.Pattern[str]


@dataclass
class WithValueRules:
    """The default dictionary plus one `value:` rule (the interface the function reads)."""

    value_rules: tuple[Rule, ...]

    def match(self, name: str) -> Any:
        return load_default().match(name)


def test_a_value_rule_reports_its_dictionary_line(inspecting: Stack) -> None:
    inspecting.ssm.put_parameter(Name="/svc/acme", Value="acmekey-7781-zz", Type="String")
    finding = evaluate_record(
        put_parameter("/svc/acme", "String"), load_default(), "s3://b/k", inspect_values=True
    )
    assert finding is not None and not finding.name_matched
    rules = WithValueRules((Rule(r"value: acmekey-\d{4}", 7, re.compile(r"acmekey-\d{4}")),))

    result = inspect_writes(
        [Write(finding.finding, False)], lambda region: inspecting.ssm, "123456789012", rules
    )

    [reported] = result.findings
    assert (reported.matched, reported.matched_line) == ("value:7", 7)
    assert "line 7 of the dictionary" in build_notification(reported).message
