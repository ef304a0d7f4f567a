"""Findings handed on to Security Hub (ASFF) and EventBridge, checked field by field.

moto stores what BatchImportFindings is sent (botocore checks the request's shape and
required members first); it does not check that the ProductArn is enabled, that the caller's
account is the finding's, nor ASFF's length limits: those are asserted here from the AWS
documentation (AwsSecurityFinding; required top-level ASFF attributes).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from paramguard import handler
from paramguard.eventbus import DETAIL_TYPE, SOURCE, put_findings
from paramguard.finding import Finding
from paramguard.securityhub import build_asff, finding_id, import_findings

from support.awsutil import ACCOUNT, REGION, LambdaContext
from support.builders import SECRET_VALUE, gz_log, log_key, put_parameter, s3_event
from support.emf import metric_sum

from .conftest import Stack

REQUIRED = {
    "AwsAccountId",
    "CreatedAt",
    "Description",
    "GeneratorId",
    "Id",
    "ProductArn",
    "Resources",
    "SchemaVersion",
    "Severity",
    "Title",
    "Types",
    "UpdatedAt",
}
NOW = datetime(2026, 11, 30, 3, 0, 0, 123000, tzinfo=UTC)


def finding(name: str = "/prod/db/password", **fields: Any) -> Finding:
    values: dict[str, Any] = {
        "parameter_name": name,
        "parameter_type": "String",
        "matched": "password",
        "matched_line": 3,
        "read_from": "s3://trail/AWSLogs/x.json.gz",
        "origin": "cloudtrail",
        "type_from": "request",
        "event_id": "evt-1",
        "event_time": "2026-11-20T10:15:30Z",
        "account_id": ACCOUNT,
        "region": REGION,
        "actor": "arn:aws:iam::123456789012:user/alice",
    }
    values.update(fields)
    return Finding(**values)


def test_asff_has_every_required_field_and_the_documented_values() -> None:
    doc = build_asff(finding(), REGION, ACCOUNT, NOW)

    assert REQUIRED <= doc.keys()
    assert doc["SchemaVersion"] == "2018-10-08"
    assert doc["ProductArn"] == f"arn:aws:securityhub:{REGION}:{ACCOUNT}:product/{ACCOUNT}/default"
    assert doc["AwsAccountId"] == ACCOUNT
    assert doc["Types"][0].startswith("Sensitive Data Identifications/")
    assert doc["Severity"] == {"Label": "HIGH"}
    assert doc["FindingProviderFields"]["Severity"] == {"Label": "HIGH"}
    assert doc["CreatedAt"] == "2026-11-20T10:15:30.000Z"
    assert doc["UpdatedAt"] == "2026-11-30T03:00:00.123Z"
    assert doc["RecordState"] == "ACTIVE" and doc["Workflow"] == {"Status": "NEW"}
    [resource] = doc["Resources"]
    assert resource == {
        "Type": "Other",
        "Id": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/prod/db/password",
        "Partition": "aws",
        "Region": REGION,
    }
    assert doc["Remediation"]["Recommendation"]["Url"].startswith("https://docs.aws.amazon.com/")
    assert "SecureString" in doc["Remediation"]["Recommendation"]["Text"]
    # An overwrite would keep the plaintext versions in the history: delete, then re-create.
    assert "delete-parameter" in doc["Remediation"]["Recommendation"]["Text"]
    assert "--overwrite" not in doc["Remediation"]["Recommendation"]["Text"]
    assert doc["ProductFields"]["paramguard/actor"] == "arn:aws:iam::123456789012:user/alice"
    assert SECRET_VALUE not in json.dumps(doc)


def test_asff_respects_the_length_limits_with_a_huge_name() -> None:
    name = "/" + "p" * 3000 + "/password"
    doc = build_asff(finding(name, notes=["n" * 5000]), REGION, ACCOUNT, NOW)

    assert len(doc["Title"]) <= 256
    assert len(doc["Description"]) <= 1024
    assert len(doc["Remediation"]["Recommendation"]["Text"]) <= 512
    assert len(doc["Id"]) <= 512
    assert all(len(v) <= 1024 for v in doc["ProductFields"].values())


def test_finding_id_is_stable_per_account_region_and_parameter() -> None:
    first = build_asff(finding(event_id="evt-1"), REGION, ACCOUNT, NOW)["Id"]
    again = build_asff(finding(event_id="evt-2", actor="bob"), REGION, ACCOUNT, NOW)["Id"]
    other = build_asff(finding("/prod/db/other_password"), REGION, ACCOUNT, NOW)["Id"]

    assert first == again != other
    assert finding_id(ACCOUNT, "eu-west-1", "/a") != finding_id(ACCOUNT, REGION, "/a")


def test_other_partitions_get_their_arns() -> None:
    doc = build_asff(finding(region="cn-north-1"), "cn-north-1", ACCOUNT, NOW)

    assert doc["ProductArn"].startswith("arn:aws-cn:securityhub:cn-north-1:")
    assert doc["Resources"][0]["Id"].startswith("arn:aws-cn:ssm:cn-north-1:")


@pytest.mark.usefixtures("aws")
def test_import_on_moto_and_another_accounts_finding_is_counted_not_sent() -> None:
    hub = boto3.client("securityhub", region_name=REGION)
    findings = [finding(), finding("/prod/api_key", account_id="210987654321")]

    result = import_findings(hub, findings, REGION, ACCOUNT, NOW)

    assert (result.imported, result.failed, result.not_importable) == (1, 0, 1)
    [stored] = hub.get_findings()["Findings"]
    assert stored["Id"] == finding_id(ACCOUNT, REGION, "/prod/db/password")


class _Refusing:
    def batch_import_findings(self, **_: Any) -> dict[str, Any]:
        return {
            "FailedCount": 1,
            "SuccessCount": 0,
            "FailedFindings": [{"Id": "x", "ErrorCode": "InvalidInput", "ErrorMessage": "no"}],
        }


def test_a_refused_finding_is_logged_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    result = import_findings(_Refusing(), [finding()], REGION, ACCOUNT, NOW)

    assert result.failed == 1
    assert any(getattr(r, "event", "") == "securityhub_failed" for r in caplog.records)


def _bus_to_queue(region: str = REGION) -> tuple[Any, str]:
    events = boto3.client("events", region_name=region)
    sqs = boto3.client("sqs", region_name=region)
    url = sqs.create_queue(QueueName="paramguard-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events.put_rule(Name="paramguard", EventPattern=json.dumps({"source": [SOURCE]}))
    events.put_targets(Rule="paramguard", Targets=[{"Id": "q", "Arn": arn}])
    return sqs, url


def _received(sqs: Any, url: str) -> list[dict[str, Any]]:
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


@pytest.mark.usefixtures("aws")
def test_events_reach_a_rule_on_the_default_bus() -> None:
    sqs, url = _bus_to_queue()
    events = boto3.client("events", region_name=REGION)

    sent, failed = put_findings(events, "default", [finding()], lambda f: "arn:param")

    assert (sent, failed) == (1, 0)
    [event] = _received(sqs, url)
    assert event["source"] == SOURCE
    assert event["detail-type"] == DETAIL_TYPE
    assert event["resources"] == ["arn:param"]
    assert event["detail"]["parameter_name"] == "/prod/db/password"
    assert event["detail"]["source"] == "s3://trail/AWSLogs/x.json.gz"  # published names
    assert SECRET_VALUE not in json.dumps(event)


def test_handler_exports_findings_and_a_quiet_file_makes_no_extra_call(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECURITYHUB_FINDINGS", "true")
    monkeypatch.setenv("EVENT_BUS_NAME", "default")
    handler.reset()
    sqs, url = _bus_to_queue()
    quiet = log_key()
    stack.s3.put_object(
        Bucket=stack.log_bucket, Key=quiet, Body=gz_log([put_parameter("/x/flags", "String")])
    )
    handler.lambda_handler(s3_event(stack.log_bucket, [quiet]), context)
    assert handler.runtime()._clients == {}  # no Security Hub or EventBridge client made

    key = log_key()
    stack.s3.put_object(
        Bucket=stack.log_bucket,
        Key=key,
        Body=gz_log([put_parameter("/prod/db/password", "String", event_id="evt-9")]),
    )
    result = handler.lambda_handler(s3_event(stack.log_bucket, [key]), context)

    assert result["findings"] == 1
    hub = boto3.client("securityhub", region_name=REGION)
    [stored] = hub.get_findings()["Findings"]
    assert stored["Resources"][0]["Id"].endswith(":parameter/prod/db/password")
    [event] = _received(sqs, url)
    assert event["detail"]["event_id"] == "evt-9"
    assert metric_sum(stack.metrics, "ParamStoreAnalyser", "FindingExportFailures") == 0
