"""Type look-ups of overwrites that omit `type`: batched, cached, and stopped at the deadline.

Issue 10, item 3: 60 overwrites with a throttled SSM ran 30.5 s against a 20 s budget, one
uncached DescribeParameters call each, and the function was killed before it reported.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import pytest
from paramguard import handler
from paramguard.aws_io import LOOKUP_BATCH, resolve_candidates
from paramguard.finding import Candidate
from paramguard.matcher import load_default
from paramguard.rule import evaluate_record

from support.awsutil import ACCOUNT, REGION, LambdaContext, client_error, drain_messages
from support.builders import gz_log, log_key, put_parameter, s3_event
from support.emf import metric_sum

from .conftest import Stack

DICTIONARY = load_default()
NS = "ParamStoreAnalyser"


def overwrite(name: str, region: str = REGION, account: str = ACCOUNT) -> Candidate:
    candidate = evaluate_record(
        put_parameter(name, None, overwrite=True, region=region, account=account),
        DICTIONARY,
        "s3://b/k",
    )
    assert candidate is not None and candidate.needs_type_lookup
    return candidate


class FakeSSM:
    """DescribeParameters over a dict of name -> type, answering up to MaxResults per page.

    Each call costs `cost` seconds on `clock`; `refuse` names make the call fail as SSM's
    validation would; every `throttle_every`-th call is throttled.
    """

    def __init__(
        self,
        types: dict[str, str],
        clock: FakeClock | None = None,
        cost: float = 0.0,
        refuse: str = "",
        throttle_every: int = 0,
    ) -> None:
        self.types = types
        self.clock = clock
        self.cost = cost
        self.refuse = refuse
        self.throttle_every = throttle_every
        self.calls: list[list[str]] = []

    def describe_parameters(self, **request: Any) -> dict[str, Any]:
        [name_filter] = request["ParameterFilters"]
        assert name_filter["Key"] == "Name" and name_filter["Option"] == "Equals"
        values = name_filter["Values"]
        self.calls.append(list(values))
        if self.clock:
            self.clock.now += self.cost
        if not 1 <= len(values) <= 50:
            raise client_error("ValidationException", "DescribeParameters")
        if self.refuse and any(self.refuse in value for value in values):
            raise client_error("ValidationException", "DescribeParameters")
        if self.throttle_every and len(self.calls) % self.throttle_every == 0:
            raise client_error("ThrottlingException", "DescribeParameters")
        matches = [{"Name": n, "Type": self.types[n]} for n in values if n in self.types]
        return {"Parameters": matches[: request.get("MaxResults", 50)]}


@dataclass
class FakeClock:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


def test_lookups_are_batched_per_account_and_region_and_cached() -> None:
    names = [f"/svc{i}/db_password" for i in range(120)]
    west = FakeSSM({n: "String" for n in names})
    east = FakeSSM({"/eu/api_key": "SecureString"})
    candidates = [overwrite(n, "eu-west-1") for n in names]
    candidates += [overwrite(n, "eu-west-1") for n in names[:30]]  # the same names again
    candidates.append(overwrite("/eu/api_key", "eu-central-1"))
    clients = {"eu-west-1": west, "eu-central-1": east}

    findings = resolve_candidates(candidates, clients.__getitem__, ACCOUNT)

    assert [len(values) for values in west.calls] == [50, 50, 20]  # each name asked once
    assert len(east.calls) == 1
    assert len(findings) == 150  # the SecureString is not a finding; every other is
    assert all(f.parameter_type == "String" for f in findings)
    assert all(f.type_from == "describe_parameters" for f in findings)


def test_what_cannot_be_known_is_reported_unknown_with_the_reason() -> None:
    ssm = FakeSSM({"/a/db_password": "String"}, refuse="!")
    candidates = [
        overwrite("/a/db_password"),
        overwrite("/gone/db_password"),  # no longer exists
        overwrite("/a/secret!"),  # SSM refuses the name: only its own look-up fails
        overwrite("/other/api_key", account="210987654321"),  # another account
        overwrite("/spaced/ secret"),  # a space would fail the whole batch: never sent
    ]

    findings = resolve_candidates(candidates, lambda region: ssm, ACCOUNT)

    by_name = {f.parameter_name: f for f in findings}
    assert by_name["/a/db_password"].parameter_type == "String"
    for name, reason in [
        ("/gone/db_password", "no longer exists"),
        ("/a/secret!", "failed (ValidationException)"),
        ("/other/api_key", "account 210987654321"),
        ("/spaced/ secret", "cannot be a Parameter Store name"),
    ]:
        assert by_name[name].parameter_type == "unknown"
        assert reason in by_name[name].notes[-1], name
    assert all(" " not in value for values in ssm.calls for value in values)


def test_lookups_stop_at_the_deadline_and_report_the_rest_as_unknown() -> None:
    clock = FakeClock()
    names = [f"/svc{i}/token" for i in range(400)]
    ssm = FakeSSM({n: "String" for n in names}, clock=clock, cost=7.0)

    findings = resolve_candidates(
        [overwrite(n) for n in names], lambda region: ssm, ACCOUNT, deadline=20.0, clock=clock
    )

    assert len(findings) == 400  # none dropped
    assert len(ssm.calls) == 3 and clock.now <= 20.0 + 7.0  # no call started after 20 s
    known = [f for f in findings if f.parameter_type == "String"]
    unknown = [f for f in findings if f.parameter_type == "unknown"]
    assert len(known) == 3 * LOOKUP_BATCH and len(unknown) == 250
    assert all("running out of time" in f.notes[-1] for f in unknown)


def test_throttled_lookups_report_unknown_and_go_on(caplog: pytest.LogCaptureFixture) -> None:
    names = [f"/svc{i}/password" for i in range(150)]
    ssm = FakeSSM({n: "StringList" for n in names}, throttle_every=2)
    caplog.set_level(logging.INFO)

    findings = resolve_candidates([overwrite(n) for n in names], lambda region: ssm, ACCOUNT)

    assert len(ssm.calls) == 3  # a throttled batch is not split into single calls
    assert sum(f.parameter_type == "StringList" for f in findings) == 100
    throttled = [f for f in findings if f.parameter_type == "unknown"]
    assert len(throttled) == 50 and "ThrottlingException" in throttled[0].notes[-1]
    assert any(getattr(r, "event", "") == "type_lookup_failed" for r in caplog.records)


# ---- The handler against a slow, throttled SSM, with a Lambda deadline ----


class VirtualTime:
    """time.monotonic plus seconds that fake calls 'spend', so a slow SSM costs no real time."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = 0.0
        self._real = time.monotonic
        monkeypatch.setattr(time, "monotonic", self.now)

    def now(self) -> float:
        return self._real() + self.offset


@dataclass
class TimedContext(LambdaContext):
    """A Lambda context whose remaining time runs on (virtual) monotonic time."""

    budget_seconds: float = 60.0
    started: float = 0.0

    def get_remaining_time_in_millis(self) -> int:
        return int((self.started + self.budget_seconds - time.monotonic()) * 1000)


class SlowThrottledSSM:
    """moto's SSM behind a slow link: each call spends `cost` virtual seconds; every seventh
    call is throttled (what is left after botocore's own retries)."""

    def __init__(self, real: Any, clock: VirtualTime, cost: float) -> None:
        self.real, self.clock, self.cost = real, clock, cost
        self.calls = 0

    def describe_parameters(self, **request: Any) -> Any:
        self.calls += 1
        self.clock.offset += self.cost
        if self.calls % 7 == 0:
            raise client_error("ThrottlingException", "DescribeParameters")
        return self.real.describe_parameters(**request)


@pytest.mark.parametrize("cost", [6.0, handler._LOOKUP_CALL_SECONDS])  # the worst case too
def test_handler_finishes_within_its_budget_and_reports_every_finding(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, cost: float
) -> None:
    names = [f"/app{i}/db_password" for i in range(300)]
    for index, name in enumerate(names):
        kind = "SecureString" if index % 10 == 0 else "String"
        stack.ssm.put_parameter(Name=name, Value="v", Type=kind)
    key = log_key()
    records = [put_parameter(n, None, overwrite=True) for n in names]
    stack.s3.put_object(Bucket=stack.log_bucket, Key=key, Body=gz_log(records))
    clock = VirtualTime(monkeypatch)
    slow = SlowThrottledSSM(stack.ssm, clock, cost)  # within the look-up clients' bound
    monkeypatch.setattr(handler.runtime(), "lookup_ssm", lambda region: slow)
    context = TimedContext(budget_seconds=90.0, started=time.monotonic())
    caplog.set_level(logging.INFO)

    result = handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)

    assert context.get_remaining_time_in_millis() > 0  # finished within the budget
    logged = [r.__dict__ for r in caplog.records]
    reported = {r["parameter_name"] for r in logged if r.get("event") == "finding"}
    secure = {r["parameter_name"] for r in logged if r.get("event") == "not_a_finding"}
    assert reported | secure == set(names) and not reported & secure  # every write accounted for
    assert secure <= {n for i, n in enumerate(names) if i % 10 == 0}  # only real SecureStrings
    assert result["findings"] == len(reported) > 0
    assert metric_sum(stack.metrics, NS, "AnomaliesDetected") == len(reported)
    messages = drain_messages(stack.sqs, stack.queue_url)
    assert len(messages) == 21  # 20 individual notifications and the summary of the rest
    unresolved = [
        r for r in logged if r.get("event") == "finding" and r["parameter_type"] == "unknown"
    ]
    assert unresolved  # the clock (and the throttling) left some unknown, reported all the same
    assert slow.calls < len(names) / 10  # batched, not one call per overwrite
