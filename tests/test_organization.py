"""Issue 15: member accounts through an assumed role, `inventory --organization`, the sweep fan-out.

moto runs the organization (Organizations, STS AssumeRole across its accounts: an assumed
role's credentials act in the role's account). moto lets anyone assume a role that does not
exist; support.organization.refuse_missing_roles makes that AccessDenied, as AWS answers.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from paramguard import handler
from paramguard.cli import main
from paramguard.events import recognise
from paramguard.finding import partition_of
from paramguard.organization import (
    MemberSessions,
    list_accounts,
    send_sweep_messages,
)

from support.awsutil import ACCOUNT, REGION, LambdaContext, client_error, drain_messages
from support.builders import gz_log, log_key, put_parameter, s3_event, sqs_event
from support.emf import metric_sum
from support.organization import (
    MEMBER_ROLE,
    create_organization,
    put_parameters,
    refuse_missing_roles,
)

from .conftest import Stack

NS = "ParamStoreAnalyser"
OTHER = "eu-west-1"


# ---- the sessions, on a fake STS and an injected clock -------------------------------------


class FakeSTS:
    """AssumeRole answering credentials that expire `lifetime` seconds after `clock.now`."""

    def __init__(self, clock: Clock, lifetime: float = 3600, refuse: str = "") -> None:
        # refuse: the error code AssumeRole answers for account 333333333333
        self.clock, self.lifetime, self.refuse = clock, lifetime, refuse
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def assume_role(self, RoleArn: str, RoleSessionName: str) -> dict[str, Any]:  # noqa: N803
        with self.lock:
            self.calls.append(RoleArn)
        assert RoleSessionName == "paramguard"
        if self.refuse and ":333333333333:" in RoleArn:
            raise client_error(self.refuse, "AssumeRole", 403)
        expires = datetime.fromtimestamp(self.clock.now + self.lifetime, UTC)
        n = len(self.calls)
        return {
            "Credentials": {
                "AccessKeyId": f"ASIA{n}",
                "SecretAccessKey": "s",
                "SessionToken": "t",
                "Expiration": expires,
            }
        }


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def sessions(sts: FakeSTS, clock: Clock) -> MemberSessions:
    return MemberSessions(MEMBER_ROLE, sts, "aws", own_account=ACCOUNT, now=clock)


def test_credentials_are_cached_per_account_and_renewed_before_they_expire(
    aws_credentials: None,
) -> None:
    clock = Clock()
    sts = FakeSTS(clock)
    members = sessions(sts, clock)

    first = members.client("111111111111", "ssm", REGION)
    assert members.client("111111111111", "ssm", REGION) is first
    members.client("111111111111", "ssm", OTHER)
    members.client("222222222222", "ssm", REGION)
    assert len(sts.calls) == 2  # one AssumeRole per account, whatever the regions

    clock.now += 3600 - 961  # more than a whole invocation (15 min) left: still cached
    assert members.client("111111111111", "ssm", REGION) is first
    clock.now += 2  # not enough left for a 15-minute invocation: renewed, with a new client
    renewed = members.client("111111111111", "ssm", REGION)
    assert renewed is not first
    assert len(sts.calls) == 3
    assert sts.calls[-1] == "arn:aws:iam::111111111111:role/paramguard-member"


def test_one_assume_role_per_account_however_many_threads_ask(aws_credentials: None) -> None:
    clock = Clock()
    sts = FakeSTS(clock)
    members = sessions(sts, clock)
    threads = [
        threading.Thread(target=members.client, args=(f"11111111111{n % 3}", "ssm", REGION))
        for n in range(24)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(sts.calls)) == sorted(sts.calls) and len(sts.calls) == 3


def test_a_refused_role_is_remembered_logged_once_and_counted_once_per_invocation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from paramguard.aws_errors import MemberRoleError

    clock = Clock()
    sts = FakeSTS(clock, refuse="AccessDenied")
    members = sessions(sts, clock)
    members.start_invocation()
    with caplog.at_level(logging.WARNING, logger="paramguard.organization"):
        for _ in range(5):
            with pytest.raises(MemberRoleError) as raised:
                members.client("333333333333", "ssm", REGION)
    assert raised.value.note() == (
        "assuming role arn:aws:iam::333333333333:role/paramguard-member in account "
        "333333333333 failed (AccessDenied)"
    )
    assert not raised.value.transient
    assert len(sts.calls) == 1  # the negative cache: one call, not one per record
    assert members.take_failures() == 1
    lines = [r for r in caplog.records if getattr(r, "event", "") == "member_role_failed"]
    assert len(lines) == 1 and lines[0].account_id == "333333333333"  # type: ignore[attr-defined]
    clock.now += 61  # a minute later the role is asked for again (it may be deployed now)
    members.start_invocation()
    with pytest.raises(MemberRoleError):
        members.client("333333333333", "ssm", REGION)
    assert len(sts.calls) == 2 and members.take_failures() == 1


def test_short_lived_credentials_are_used_for_half_their_life(aws_credentials: None) -> None:
    clock = Clock()
    sts = FakeSTS(clock, lifetime=900)  # shorter than the renewal margin
    members = sessions(sts, clock)
    first = members.client("111111111111", "ssm", REGION)
    clock.now += 449
    assert members.client("111111111111", "ssm", REGION) is first
    clock.now += 2
    assert members.client("111111111111", "ssm", REGION) is not first
    assert len(sts.calls) == 2


@pytest.mark.parametrize("code", ["ExpiredToken", "ExpiredTokenException"])
def test_expired_credentials_are_transient(code: str) -> None:
    """A member client whose token expired mid-sweep: the SQS message is retried, not dropped."""
    from paramguard.aws_errors import is_transient

    assert is_transient(client_error(code, "DescribeParameters", 400))


def test_throttling_is_transient_and_retried_sooner() -> None:
    from paramguard.aws_errors import MemberRoleError

    clock = Clock()
    members = sessions(FakeSTS(clock, refuse="Throttling"), clock)
    with pytest.raises(MemberRoleError) as raised:
        members.client("333333333333", "ssm", REGION)
    assert raised.value.transient


def test_the_own_account_uses_its_own_credentials() -> None:
    clock = Clock()
    sts = FakeSTS(clock)
    own = object()
    members = MemberSessions(
        MEMBER_ROLE, sts, "aws", own_account=ACCOUNT, own_client=lambda *_: own, now=clock
    )
    assert members.client(ACCOUNT, "ssm", REGION) is own and sts.calls == []


@pytest.mark.parametrize(
    ("region", "partition"),
    [("eu-west-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")],
)
def test_the_role_arn_is_in_the_functions_partition(region: str, partition: str) -> None:
    members = MemberSessions(MEMBER_ROLE, None, partition_of(region))
    assert members.role_arn("111111111111") == (
        f"arn:{partition}:iam::111111111111:role/paramguard-member"
    )


# ---- the event: one account's sweep message ------------------------------------------------


def test_a_sweep_message_is_recognised_and_a_malformed_one_goes_to_the_dlq() -> None:
    good = json.dumps({"paramguard": "sweep-account", "account": "111111111111", "regions": []})
    bad = json.dumps({"paramguard": "sweep-account", "account": "11111", "regions": ["x"]})
    work = recognise(sqs_event(good, bad))
    assert work.kind == "sqs"
    assert work.items[0].sweep_account is not None
    assert work.items[0].sweep_account.account == "111111111111"
    assert work.items[1].error and "not an account ID" in work.items[1].error


# ---- the function in an organization on moto -----------------------------------------------


@pytest.fixture
def org(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Three member accounts; the first two have the member role, the third has none."""
    accounts = create_organization(3, with_role=2)
    monkeypatch.setenv("MEMBER_ROLE_NAME", MEMBER_ROLE)
    handler.reset()
    with refuse_missing_roles() as calls:
        yield accounts, calls
    handler.reset()


def _findings(caplog: pytest.LogCaptureFixture) -> dict[str, Any]:
    return {
        r.parameter_name: r  # type: ignore[attr-defined]
        for r in caplog.records
        if getattr(r, "event", "") == "finding"
    }


def _invoke_with(stack: Stack, records: list[dict[str, Any]], org_id: str = "o-aa111bb222") -> Any:
    key = log_key(org=org_id)
    stack.s3.put_object(Bucket=stack.log_bucket, Key=key, Body=gz_log(records))
    return handler.lambda_handler(s3_event(stack.log_bucket, [key]), LambdaContext())


def test_types_in_a_member_account_are_looked_up_through_its_role(
    stack: Stack, org: Any, caplog: pytest.LogCaptureFixture
) -> None:
    (member, _, missing), calls = org
    put_parameters(member, REGION, {"/app/db_password": "String", "/app/api_token": "SecureString"})
    records = [
        put_parameter("/app/db_password", None, overwrite=True, account=member),
        put_parameter("/app/api_token", None, overwrite=True, account=member),
        put_parameter("/legacy/db_password", None, overwrite=True, account=missing),
    ]
    with caplog.at_level(logging.INFO):
        result = _invoke_with(stack, records)

    found = _findings(caplog)
    assert set(found) == {"/app/db_password", "/legacy/db_password"}  # api_token: SecureString
    assert result["findings"] == 2
    resolved = found["/app/db_password"]
    assert (resolved.parameter_type, resolved.type_source) == ("String", "describe_parameters")
    assert resolved.account_id == member
    unknown = found["/legacy/db_password"]
    assert unknown.parameter_type == "unknown"
    assert unknown.notes[-1] == (
        "its current type was not looked up: assuming role "
        f"arn:aws:iam::{missing}:role/paramguard-member in account {missing} failed "
        "(AccessDenied); check it by hand"
    )
    assert metric_sum(stack.metrics, NS, "MemberRoleFailures") == 1
    assert len(drain_messages(stack.sqs, stack.queue_url)) == 2  # both notified


def test_credentials_are_cached_across_warm_invocations(
    stack: Stack, org: Any, caplog: pytest.LogCaptureFixture
) -> None:
    (member, _, missing), calls = org
    put_parameters(member, REGION, {"/a/db_password": "String", "/b/db_password": "String"})
    first = [put_parameter("/a/db_password", None, overwrite=True, account=member)]
    second = [
        put_parameter("/b/db_password", None, overwrite=True, account=member),
        put_parameter("/c/db_password", None, overwrite=True, account=missing),
        put_parameter("/d/db_password", None, overwrite=True, account=missing),
    ]
    _invoke_with(stack, first)
    _invoke_with(stack, second)
    _invoke_with(stack, second)
    # One AssumeRole per account over the three invocations: the member's credentials are
    # reused, the missing role's refusal remembered (and still counted in each invocation).
    assert sorted(c for c in calls if c.endswith(MEMBER_ROLE)) == sorted(
        [f"arn:aws:iam::{member}:role/{MEMBER_ROLE}", f"arn:aws:iam::{missing}:role/{MEMBER_ROLE}"]
    )
    assert [metric_sum([line], NS, "MemberRoleFailures") for line in stack.metrics.lines] == [
        0,
        1,
        1,
    ]


def test_without_a_member_role_another_accounts_type_stays_unknown(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        _invoke_with(
            stack, [put_parameter("/x/db_password", None, overwrite=True, account="1" * 12)]
        )
    note = _findings(caplog)["/x/db_password"].notes[-1]
    assert "whose current types this function cannot look up" in note
    assert "MEMBER_ROLE_NAME" in note


def test_values_in_a_member_account_are_read_through_its_role(
    stack: Stack, org: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (member, _, missing), _ = org
    monkeypatch.setenv("INSPECT_VALUES", "true")
    handler.reset()
    put_parameters(member, REGION, {"/app/db_password": "String"})
    records = [
        put_parameter("/app/db_password", "String", account=member),
        put_parameter("/old/db_password", "String", account=missing),
    ]
    with caplog.at_level(logging.INFO):
        _invoke_with(stack, records)
    found = _findings(caplog)
    # The member's value was read there (version 1 exists only in the member account).
    assert not any("value not inspected" in n for n in found["/app/db_password"].notes)
    assert found["/old/db_password"].notes == [
        f"value not inspected: assuming role arn:aws:iam::{missing}:role/paramguard-member "
        f"in account {missing} failed (AccessDenied)"
    ]


# ---- inventory --organization --------------------------------------------------------------


def _inventory(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(["inventory", "--organization", *argv], out=out)
    return code, out.getvalue(), capsys.readouterr().err


def test_inventory_organization_sweeps_members_and_regions_and_names_a_missing_role(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second, missing = create_organization(3, with_role=2)
    put_parameters(first, REGION, {"/a/db_password": "String", "/a/ok": "String"})
    put_parameters(first, OTHER, {"/a/api_key": "StringList"})
    put_parameters(second, OTHER, {"/b/db_password": "String", "/b/secret": "SecureString"})
    put_parameters(missing, REGION, {"/c/db_password": "String"})
    with refuse_missing_roles():
        code, out, err = _inventory(["--region", REGION, "--region", OTHER, "--json"], capsys)

    rows = {
        (r["account_id"], r["region"], r["parameter_name"])
        for r in map(json.loads, out.splitlines())
    }
    assert rows == {
        (first, REGION, "/a/db_password"),
        (first, OTHER, "/a/api_key"),
        (second, OTHER, "/b/db_password"),
    }
    assert code == 1  # findings win over the failed account
    assert f"paramguard: {missing}: not swept: cannot assume arn:aws:iam::{missing}:role/" in err
    assert "AccessDenied" in err
    assert f"paramguard: {first}: 3 String/StringList parameters in 2 regions, 2 findings" in err
    assert "4 accounts x 2 regions (1 accounts not swept)" in err


def test_inventory_organization_exit_codes(aws: None, capsys: pytest.CaptureFixture[str]) -> None:
    first, missing = create_organization(2, with_role=1)
    with refuse_missing_roles():
        # A clean account and a failing one: the failure decides (2).
        code, _, err = _inventory(["--account", first, "--account", missing], capsys)
        assert code == 2 and "1 failure" in err
        # Only the clean one: 0.
        assert _inventory(["--account", first], capsys)[0] == 0
        # Nothing could be swept at all: 2, said so.
        code, _, err = _inventory(["--account", missing], capsys)
        assert code == 2 and "nothing swept" in err


def test_inventory_organization_under_an_ou_is_recursive(aws: None) -> None:
    org = boto3.client("organizations", region_name=REGION)
    accounts = create_organization(3)
    root = org.list_roots()["Roots"][0]["Id"]
    parent = org.create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]
    child = org.create_organizational_unit(ParentId=parent["Id"], Name="eu")["OrganizationalUnit"]
    org.move_account(AccountId=accounts[0], SourceParentId=root, DestinationParentId=parent["Id"])
    org.move_account(AccountId=accounts[1], SourceParentId=root, DestinationParentId=child["Id"])
    under = [a.id for a in list_accounts(org, [parent["Id"]])]
    assert under == [accounts[0], accounts[1]]
    assert {a.id for a in list_accounts(org, own_account=ACCOUNT)} == {ACCOUNT, *accounts}


def test_the_management_account_is_skipped_unless_it_is_the_callers_own(
    aws: None, caplog: pytest.LogCaptureFixture
) -> None:
    """A service-managed StackSet deploys no member role to the management account (ACCOUNT)."""
    org = boto3.client("organizations", region_name=REGION)
    accounts = create_organization(2)
    with caplog.at_level(logging.INFO, logger="paramguard.organization"):
        assert [a.id for a in list_accounts(org, own_account=accounts[0])] == accounts
    skipped = [r for r in caplog.records if r.__dict__.get("event") == "management_account_skipped"]
    assert [(r.levelno, r.__dict__["account_id"]) for r in skipped] == [(logging.INFO, ACCOUNT)]
    assert ACCOUNT in {a.id for a in list_accounts(org, include_management=True)}
    assert ACCOUNT in {a.id for a in list_accounts(org, own_account=ACCOUNT)}


def test_inventory_organization_from_a_delegated_administrator_skips_the_management_account(
    aws: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from paramguard import cli

    first, second = create_organization(2)
    monkeypatch.setattr(cli, "_caller_account", lambda *_: first)
    with refuse_missing_roles():
        code, _, err = _inventory([], capsys)
        assert code == 0, err
        assert f"{ACCOUNT}: not swept: the management account" in err
        assert "2 accounts x 1 region (0 accounts not swept)" in err
        # Asked for: swept through the member role, which the management account lacks here.
        code, _, err = _inventory(["--include-management-account"], capsys)
        assert f"paramguard: {ACCOUNT}: not swept: cannot assume" in err
        assert "3 accounts x 1 region (1 accounts not swept)" in err


def test_organization_options_need_organization(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inventory", "--account", "111111111111"], out=io.StringIO()) == 2
    assert "go with --organization" in capsys.readouterr().err


# ---- the deployed sweep: schedule -> queue -> one invocation per account --------------------


SCHEDULE = {
    "version": "0",
    "id": "sweep-1",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": ACCOUNT,
    "time": "2026-11-30T04:00:00Z",
    "region": REGION,
    "resources": [],
    "detail": {},
}


def test_the_scheduled_sweep_fans_out_and_each_message_sweeps_its_account(
    stack: Stack,
    org: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (first, second, missing), _ = org
    sweep_queue = stack.sqs.create_queue(QueueName="paramguard-sweep")["QueueUrl"]
    monkeypatch.setenv("SWEEP_QUEUE_URL", sweep_queue)
    monkeypatch.setenv("INVENTORY_REGIONS", f"{REGION},{OTHER}")
    handler.reset()
    put_parameters(first, OTHER, {"/a/db_password": "String"})
    put_parameters(second, REGION, {"/b/api_token": "String"})
    stack.ssm.put_parameter(Name="/own/db_password", Value="v", Type="String")

    assert handler.lambda_handler(SCHEDULE, LambdaContext())["findings"] == 0
    bodies = []
    while batch := stack.sqs.receive_message(QueueUrl=sweep_queue, MaxNumberOfMessages=10).get(
        "Messages"
    ):
        bodies += [m["Body"] for m in batch]
    messages = sorted((json.loads(b) for b in bodies), key=lambda m: m["account"])
    assert messages == sorted(
        (
            {"paramguard": "sweep-account", "account": a, "regions": [REGION, OTHER]}
            for a in (ACCOUNT, first, second, missing)
        ),
        key=lambda m: m["account"],
    )

    with caplog.at_level(logging.INFO):
        answer = handler.lambda_handler(sqs_event(*bodies), LambdaContext())
    # The missing role is a permanent failure: counted, not retried forever.
    assert answer == {"batchItemFailures": []}
    found = _findings(caplog)
    assert {(f.account_id, f.region) for f in found.values()} == {
        (first, OTHER),
        (second, REGION),
        (ACCOUNT, REGION),
    }
    notified = drain_messages(stack.sqs, stack.queue_url)
    assert len(notified) == 3
    assert metric_sum(stack.metrics, NS, "MemberRoleFailures") == 1
    assert metric_sum(stack.metrics, NS, "InventoryFailures") == 1


def test_the_sweep_from_a_delegated_administrator_queues_no_management_account(
    stack: Stack, org: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The function runs in a member account (first); the management account (ACCOUNT) has
    no member role, so queueing it would fail, and fire the alarm, on every sweep."""
    (first, second, missing), _ = org
    sweep_queue = stack.sqs.create_queue(QueueName="paramguard-sweep")["QueueUrl"]
    monkeypatch.setenv("SWEEP_QUEUE_URL", sweep_queue)
    handler.reset()
    arn = f"arn:aws:lambda:{REGION}:{first}:function:paramguard-analyzer"
    with caplog.at_level(logging.INFO):
        handler.lambda_handler(SCHEDULE, LambdaContext(invoked_function_arn=arn))
    bodies = stack.sqs.receive_message(QueueUrl=sweep_queue, MaxNumberOfMessages=10)["Messages"]
    assert sorted(json.loads(m["Body"])["account"] for m in bodies) == sorted(
        [first, second, missing]
    )
    assert [
        r.__dict__["account_id"]
        for r in caplog.records
        if r.__dict__.get("event") == "management_account_skipped"
    ] == [ACCOUNT]
    assert metric_sum(stack.metrics, NS, "InventoryFailures") == 0


def test_a_throttled_account_is_answered_as_a_batch_item_failure(
    stack: Stack, org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (first, second, _), _ = org
    rt = handler.runtime()
    rt.start_members(ACCOUNT)
    assert rt.members is not None
    real = rt.members.sts.assume_role

    def assume_role(**kwargs: Any) -> Any:
        if second in kwargs["RoleArn"]:
            raise client_error("Throttling", "AssumeRole")
        return real(**kwargs)

    monkeypatch.setattr(rt.members.sts, "assume_role", assume_role)
    bodies = [
        json.dumps({"paramguard": "sweep-account", "account": a, "regions": [REGION]})
        for a in (first, second)
    ]
    answer = handler.lambda_handler(sqs_event(*bodies), LambdaContext())
    assert answer == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}


def test_sweep_messages_go_ten_per_call_and_failed_entries_are_retried(aws: None) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    accounts = [f"{n:012d}" for n in range(23)]
    real = sqs.send_message_batch
    refused = {"n": 0}

    def flaky(**request: Any) -> Any:
        if refused["n"] < 1:  # the first call: one entry fails on the service's side
            refused["n"] += 1
            answer = real(QueueUrl=request["QueueUrl"], Entries=request["Entries"][1:])
            answer["Failed"] = [
                {"Id": request["Entries"][0]["Id"], "SenderFault": False, "Code": "InternalError"}
            ]
            return answer
        return real(**request)

    reader = boto3.client("sqs", region_name=REGION)
    sqs.send_message_batch = flaky  # type: ignore[method-assign]
    sent = send_sweep_messages(sqs, url, accounts, [REGION], sleep=lambda _: None)
    assert (sent.sent, sent.failed, sent.calls) == (23, [], 4)
    received = set()
    while batch := reader.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for message in batch:
            received.add(json.loads(message["Body"])["account"])
            reader.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert received == set(accounts)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SWEEP_ACCOUNTS", "111111111111,12345"),
        ("MEMBER_ROLE_NAME", "role with spaces"),
        ("SWEEP_QUEUE_URL", "arn:aws:sqs:us-east-1:111111111111:q"),
    ],
)
def test_bad_organization_settings_name_the_variable(name: str, value: str) -> None:
    from paramguard.config import Config, ConfigError

    env = {
        "DICTIONARY_BUCKET": "b",
        "SNS_TOPIC_ARN": f"arn:aws:sns:{REGION}:{ACCOUNT}:t",
        name: value,
    }
    with pytest.raises(ConfigError, match=name):
        Config.from_env(env)
    ok = Config.from_env(
        {
            **env,
            "SWEEP_ACCOUNTS": " 111111111111, 222222222222,111111111111",
            "MEMBER_ROLE_NAME": MEMBER_ROLE,
            "SWEEP_QUEUE_URL": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/paramguard-sweep",
        }
    )
    assert ok.sweep_accounts == ("111111111111", "222222222222")


class ShortContext(LambdaContext):
    """A Lambda context with 20 s left: less than the handler keeps back for its reports."""

    def get_remaining_time_in_millis(self) -> int:
        return 20_000


def test_an_account_not_swept_in_time_is_retried_by_the_queue(
    stack: Stack, org: Any, caplog: pytest.LogCaptureFixture
) -> None:
    (first, _, _), _ = org
    body = json.dumps({"paramguard": "sweep-account", "account": first, "regions": [REGION]})
    with caplog.at_level(logging.WARNING):
        answer = handler.lambda_handler(sqs_event(body), ShortContext())
    assert answer == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
    [line] = [r for r in caplog.records if getattr(r, "event", "") == "inventory_retry"]
    assert line.account_id == first and line.regions == [REGION]  # type: ignore[attr-defined]
