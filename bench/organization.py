"""The organization sweep at scale, in-process on moto: python -m bench.organization.

Issue 15's load figure: `paramguard inventory --organization` over 200 member accounts x 3
regions (accounts, member roles and parameters generated), then the deployed sweep's
fan-out of the same organization (one SQS message per account) and one account's sweep
message. Prints the wall times and the AWS API calls per account, counted with a botocore
event hook on every client (the caller's own and each member session's). Its targets, through
bench.targets: every planted finding is found, and no member account costs more calls than
its floor (one AssumeRole, and one DescribeParameters page per region: each account-region
holds fewer than 50 plaintext parameters). Issue 15 asks for the wall time, not a limit on
it: it is printed, and shown beside the calls target in make bench's table.

moto answers in-process on this machine's CPU with no network: the wall time is paramguard's
work plus moto's, not AWS's latency (an AssumeRole and a DescribeParameters page take tens of
milliseconds each in AWS; the pool of -j threads overlaps them).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import replace
from typing import Any

import boto3
from moto import mock_aws

from bench.targets import at_most, check, report
from support.awsutil import ACCOUNT, LambdaContext
from support.builders import sqs_event
from support.organization import MEMBER_ROLE, TRUST

ACCOUNTS = int(os.environ.get("BENCH_ORG_ACCOUNTS", "200"))
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
JOBS = int(os.environ.get("BENCH_ORG_JOBS", "16"))
# Per account-region: two suspicious plaintext names, benign ones, a SecureString.
PARAMETERS = {
    "/app/db_password": "String",
    "/app/api_token": "StringList",
    "/app/log_level": "String",
    "/app/feature_flags": "StringList",
    "/app/endpoint": "String",
    "/app/secret_key": "SecureString",
}
FINDINGS_PER_REGION = 2


def _environment() -> None:
    for name in list(os.environ):
        if name.startswith("AWS_") and name != "AWS_CA_BUNDLE":
            del os.environ[name]
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGIONS[0]
    )


def _organization() -> list[str]:
    """The organization's member accounts, each with the member role and its parameters."""
    org = boto3.client("organizations", region_name=REGIONS[0])
    org.create_organization(FeatureSet="ALL")
    sts = boto3.client("sts", region_name=REGIONS[0])
    accounts = []
    for n in range(ACCOUNTS):
        status = org.create_account(Email=f"m{n}@example.com", AccountName=f"member-{n}")
        account = status["CreateAccountStatus"]["AccountId"]
        accounts.append(account)
        keys = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
            RoleSessionName="setup",
        )["Credentials"]
        session = boto3.session.Session(
            aws_access_key_id=keys["AccessKeyId"],
            aws_secret_access_key=keys["SecretAccessKey"],
            aws_session_token=keys["SessionToken"],
        )
        session.client("iam").create_role(RoleName=MEMBER_ROLE, AssumeRolePolicyDocument=TRUST)
        for region in REGIONS:
            ssm = session.client("ssm", region_name=region)
            for name, kind in PARAMETERS.items():
                ssm.put_parameter(Name=name, Value="generated", Type=kind)  # type: ignore[arg-type]
    return accounts


def _count_calls() -> Counter[str]:
    """API calls (not HTTP attempts) of every client made from now on, by account.

    An AssumeRole counts for the account whose role it assumes; a member client's calls for
    its account; the caller's other calls for the caller.
    """
    from paramguard import organization

    calls: Counter[str] = Counter()

    def hook(account: str) -> Any:
        def before_call(model: Any, params: Any, **_: Any) -> None:
            if model.name == "AssumeRole":  # STS's query protocol: the body is a dict
                calls[str(params["body"]["RoleArn"]).split(":")[4]] += 1
            else:
                calls[account] += 1

        return before_call

    # Clients copy their session's event hooks when created: registered before any is made.
    boto3._get_default_session().events.register("before-call", hook(ACCOUNT))
    real = organization.member_client

    def member_client(account: str, *args: Any) -> Any:
        made = real(account, *args)
        made.meta.events.register("before-call", hook(account))
        return made

    organization.member_client = member_client  # type: ignore[assignment]
    return calls


def _inventory(accounts: list[str], calls: Counter[str]) -> tuple[float, Counter[str], int]:
    """Wall seconds, calls by account and findings of inventory --organization."""
    from paramguard.cli import main

    argv = ["inventory", "--organization", "--json", "-j", str(JOBS)]
    for region in REGIONS:
        argv += ["--region", region]
    out, err = io.StringIO(), sys.stderr
    calls.clear()
    sys.stderr = io.StringIO()  # the progress lines: one per account
    try:
        start = time.perf_counter()
        code = main(argv, out=out)
        seconds = time.perf_counter() - start
    finally:
        sys.stderr = err
    if code != 1:
        raise RuntimeError(f"inventory --organization exited {code}")
    return seconds, Counter(calls), len(out.getvalue().splitlines())


def _fan_out(accounts: list[str], calls: Counter[str]) -> tuple[float, int, float]:
    """The deployed sweep: seconds and calls to queue every account, ms per account message."""
    from paramguard import handler

    from support import emf

    sqs = boto3.client("sqs", region_name=REGIONS[0])
    url = sqs.create_queue(QueueName="sweep")["QueueUrl"]
    topic = boto3.client("sns", region_name=REGIONS[0]).create_topic(Name="findings")
    s3 = boto3.client("s3", region_name=REGIONS[0])
    s3.create_bucket(Bucket="dictionary")
    from support.paths import DICTIONARY_FILE

    s3.put_object(Bucket="dictionary", Key="dictionary.txt", Body=DICTIONARY_FILE.read_bytes())
    os.environ.update(
        DICTIONARY_BUCKET="dictionary",
        SNS_TOPIC_ARN=topic["TopicArn"],
        MEMBER_ROLE_NAME=MEMBER_ROLE,
        SWEEP_QUEUE_URL=url,
        INVENTORY_REGIONS=",".join(REGIONS),
        MAX_NOTIFICATIONS_PER_INVOCATION="1",
        LOG_LEVEL="ERROR",
    )
    handler.reset()
    schedule = {"detail-type": "Scheduled Event", "source": "aws.events", "id": "bench"}
    with emf.record_emf(passthrough=False):
        calls.clear()
        start = time.perf_counter()
        handler.lambda_handler(schedule, LambdaContext())
        queued_s = time.perf_counter() - start
        queue_calls = sum(calls.values())
        bodies = []
        while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
            bodies += [m["Body"] for m in batch]
            sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)
                ],
            )
        if len(bodies) != len(accounts) + 1:
            raise RuntimeError(f"{len(bodies)} sweep messages for {len(accounts) + 1} accounts")
        members = [b for b in bodies if json.loads(b)["account"] != ACCOUNT][:20]
        times = []
        for body in members:
            start = time.perf_counter()
            answer = handler.lambda_handler(sqs_event(body), LambdaContext())
            times.append((time.perf_counter() - start) * 1000)
            if answer != {"batchItemFailures": []}:
                raise RuntimeError(f"a sweep message failed: {answer}")
    return queued_s, queue_calls, statistics.median(times)


def main() -> int:
    """Print the sweep's wall time and calls per account; report the targets."""
    _environment()
    with mock_aws():
        start = time.perf_counter()
        accounts = _organization()
        setup = time.perf_counter() - start
        calls = _count_calls()
        seconds, by_account, findings = _inventory(accounts, calls)
        queued_s, queue_calls, message_ms = _fan_out(accounts, calls)
    expected = ACCOUNTS * len(REGIONS) * FINDINGS_PER_REGION
    members = [by_account[a] for a in accounts]
    floor = 1 + len(REGIONS)  # AssumeRole + one DescribeParameters page per region
    own = by_account[ACCOUNT]
    print(
        f"Organization sweep, in-process moto: {ACCOUNTS} member accounts x {len(REGIONS)} "
        f"regions, {len(PARAMETERS)} parameters each (setup {setup:.0f} s, not timed)"
    )
    print(f"  inventory --organization -j {JOBS}")
    print(f"    wall time                      {seconds:8.1f} s")
    print(f"    per account                    {seconds / ACCOUNTS * 1000:8.1f} ms")
    print(f"    findings                       {findings:8d}  expected {expected}")
    print(
        f"    API calls per member account   {statistics.mean(members):8.2f}  "
        f"(max {max(members)}; floor {floor}: AssumeRole + 1 DescribeParameters per region)"
    )
    print(
        f"    API calls of the caller        {own:8d}  (GetCallerIdentity, ListAccounts "
        f"pages, its own account's {len(REGIONS)} regions)"
    )
    print("  deployed sweep (SWEEP_QUEUE_URL)")
    print(
        f"    schedule -> {ACCOUNTS + 1} messages       {queued_s * 1000:8.1f} ms, "
        f"{queue_calls} calls (dictionary GetObject, ListAccounts pages, SendMessageBatch "
        "of 10)"
    )
    print(f"    one account's message (median) {message_ms:8.1f} ms")
    scale = f"{ACCOUNTS} accounts x {len(REGIONS)} regions"
    targets = [
        check(
            f"inventory --organization, {scale}: every finding",
            findings == expected,
            f"{findings} of {expected}",
            "all",
        ),
        replace(
            at_most(
                "inventory --organization: API calls per member account (max)",
                max(members),
                floor,
                "calls",
            ),
            note=f"wall {seconds:.1f} s for {scale}, -j {JOBS}, in-process moto; no time target",
        ),
    ]
    return report(targets, "bench.organization")


if __name__ == "__main__":
    sys.exit(main())
