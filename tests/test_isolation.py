"""One bad object, message or region never costs the others their findings (handler on moto).

Issue 10, items 4 and 5.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import boto3
import paramguard.logfile
import paramguard.scan
import pytest
from paramguard import handler
from paramguard.cli import main as cli_main
from paramguard.events import ProcessingError, TransientError

from support.awsutil import ACCOUNT, REGION, LambdaContext, client_error, drain_messages
from support.builders import gz_log, load_event, log_key, put_parameter, s3_event, sqs_event
from support.emf import metric_sum

from .conftest import Stack

NS = "ParamStoreAnalyser"


def deliver(stack: Stack, records: list[Any], marker: str = "") -> str:
    key = log_key().replace(".json.gz", f"{marker}.json.gz")
    stack.s3.put_object(Bucket=stack.log_bucket, Key=key, Body=gz_log(records))
    return key


def odd_type(name: str) -> dict[str, Any]:
    """A successful PutParameter whose type is a JSON list (crashed evaluate_record before)."""
    record = put_parameter(name)
    record["requestParameters"]["type"] = ["String"]
    return record


def break_objects(monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    """Make scanning any object whose URI holds marker fail as a bug would."""
    real = paramguard.logfile.scan_document

    def scan(data: Any, matcher: Any, read_from: str, **options: Any) -> Any:
        if marker in read_from:
            raise RuntimeError("simulated bug")
        return real(data, matcher, read_from, **options)

    monkeypatch.setattr(paramguard.scan, "scan_document", scan)


def names_notified(stack: Stack) -> dict[str, str]:
    messages = drain_messages(stack.sqs, stack.queue_url)
    return {
        m["MessageAttributes"]["parameter_name"]["Value"]: m["MessageAttributes"]["parameter_type"][
            "Value"
        ]
        for m in messages
        if m["MessageAttributes"]["kind"]["Value"] == "finding"
    }


def test_sqs_batch_fails_only_the_bad_message_and_reports_the_rest(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = deliver(stack, [odd_type("/a/db_password"), put_parameter("/a/api_key")])
    boom = deliver(stack, [put_parameter("/b/secret")], marker="-boom")
    good = deliver(stack, [put_parameter("/c/token")])
    break_objects(monkeypatch, "-boom")
    event = sqs_event(*(json.dumps(s3_event(stack.log_bucket, [key])) for key in (odd, boom, good)))

    result = handler.lambda_handler(event, context)

    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}
    assert names_notified(stack) == {
        "/a/db_password": "unknown",  # an odd type is reported, not a crash
        "/a/api_key": "String",
        "/c/token": "String",
    }
    assert metric_sum(stack.metrics, NS, "AnomaliesDetected") == 3
    assert metric_sum(stack.metrics, NS, "LogFileFailures") == 1


def test_an_object_that_fails_unexpectedly_is_kept_for_retry_after_the_rest_is_reported(
    stack: Stack,
    context: LambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    boom = deliver(stack, [put_parameter("/b/secret")], marker="-boom")
    good = deliver(stack, [put_parameter("/c/token")])
    break_objects(monkeypatch, "-boom")
    caplog.set_level(logging.INFO)

    with pytest.raises(ProcessingError, match="RuntimeError: simulated bug"):
        handler.lambda_handler(s3_event(stack.log_bucket, [boom, good]), context)

    assert names_notified(stack) == {"/c/token": "String"}
    assert metric_sum(stack.metrics, NS, "AnomaliesDetected") == 1
    assert metric_sum(stack.metrics, NS, "LogFileFailures") == 1
    [error] = [r for r in caplog.records if getattr(r, "event", "") == "object_error"]
    assert boom in error.__dict__["object"] and error.exc_info


def test_batch_operations_reports_an_unexpected_failure_per_task(
    stack: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    boom = deliver(stack, [put_parameter("/b/secret")], marker="-boom")
    good = deliver(stack, [odd_type("/c/token")])
    break_objects(monkeypatch, "-boom")
    event = load_event("s3_batch_ops_request_schema2.0_powertools.json")
    template = event["tasks"][0]
    event["tasks"] = [
        {**template, "taskId": "t-boom", "s3Bucket": stack.log_bucket, "s3Key": boom},
        {**template, "taskId": "t-good", "s3Bucket": stack.log_bucket, "s3Key": good},
    ]

    result = handler.lambda_handler(event, context)

    codes = {r["taskId"]: (r["resultCode"], r["resultString"]) for r in result["results"]}
    assert codes["t-boom"][0] == "PermanentFailure" and "internal error" in codes["t-boom"][1]
    assert codes["t-good"] == ("Succeeded", "1 finding(s)")
    assert names_notified(stack) == {"/c/token": "unknown"}


def test_the_command_line_reports_an_odd_type_instead_of_a_traceback(tmp_path: Any) -> None:
    (tmp_path / "odd.json.gz").write_bytes(gz_log([odd_type("/prod/db_password")]))
    out = io.StringIO()

    code = cli_main(["scan", "--json", str(tmp_path)], out=out)

    [row] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert code == 1 and row["parameter_type"] == "unknown"
    assert any("not String, StringList or SecureString" in note for note in row["notes"])


# ---- The scheduled sweep: each region on its own ----

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]


def scheduled_event() -> dict[str, Any]:
    event = load_event("eventbridge_ssm_parameter_store_change_create.json")
    event.update(
        {
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": ACCOUNT,
            "region": REGION,
            "detail": {},
        }
    )
    return dict(event)


class BrokenSSM:
    """An SSM client whose every call fails with the given error code (or exception)."""

    def __init__(self, code: str | Exception, status: int = 400) -> None:
        self.code, self.status = code, status

    def get_paginator(self, operation: str) -> Any:
        if isinstance(self.code, Exception):
            raise self.code
        raise client_error(self.code, "DescribeParameters", self.status)


@pytest.fixture
def regions(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Stack:
    """Plaintext secrets in three regions, the sweep configured for all of them."""
    for region in REGIONS:
        boto3.client("ssm", region_name=region).put_parameter(
            Name=f"/{region}/db_password", Value="v", Type="String"
        )
    monkeypatch.setenv("INVENTORY_REGIONS", ",".join(REGIONS))
    handler.reset()
    return stack


def break_region(monkeypatch: pytest.MonkeyPatch, region: str, client: Any) -> None:
    rt = handler.runtime()
    real = rt.ssm
    monkeypatch.setattr(rt, "ssm", lambda name: client if name == region else real(name))


@pytest.mark.parametrize("code", ["AccessDeniedException", "UnrecognizedClientException"])
def test_a_region_that_fails_for_good_is_counted_and_the_others_reported(
    regions: Stack,
    context: LambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    code: str,
) -> None:
    # An organization SCP denying the region; an opt-in region that is not enabled.
    break_region(monkeypatch, "eu-west-1", BrokenSSM(code))
    caplog.set_level(logging.INFO)

    result = handler.lambda_handler(scheduled_event(), context)

    assert result["findings"] == 2 and result["inventory_failures"] == 1
    assert set(names_notified(regions)) == {"/us-east-1/db_password", "/ap-southeast-2/db_password"}
    assert metric_sum(regions.metrics, NS, "InventoryFailures") == 1
    assert metric_sum(regions.metrics, NS, "AnomaliesDetected") == 2
    [failed] = [r for r in caplog.records if getattr(r, "event", "") == "inventory_failed"]
    assert failed.__dict__["region"] == "eu-west-1" and failed.__dict__["error"] == code


def test_an_unexpected_error_in_a_region_is_logged_with_its_traceback_and_counted(
    regions: Stack,
    context: LambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    break_region(monkeypatch, "us-east-1", BrokenSSM(KeyError("Parameters")))
    caplog.set_level(logging.INFO)

    assert handler.lambda_handler(scheduled_event(), context)["findings"] == 2

    assert metric_sum(regions.metrics, NS, "InventoryFailures") == 1
    [failed] = [r for r in caplog.records if getattr(r, "event", "") == "inventory_failed"]
    assert failed.__dict__["error"] == "KeyError" and failed.exc_info


def test_a_throttled_region_is_retried_after_the_others_are_reported(
    regions: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_region(monkeypatch, "ap-southeast-2", BrokenSSM("ThrottlingException"))

    with pytest.raises(TransientError, match="ap-southeast-2"):
        handler.lambda_handler(scheduled_event(), context)

    assert set(names_notified(regions)) == {"/us-east-1/db_password", "/eu-west-1/db_password"}
    assert metric_sum(regions.metrics, NS, "InventoryFailures") == 0


class FailsOnSecondPage:
    """An SSM client whose listing yields one page of parameters, then fails."""

    def __init__(self, code: str, parameters: list[dict[str, Any]]) -> None:
        self.code, self.parameters = code, parameters

    def get_paginator(self, operation: str) -> Any:
        outer = self

        class Pages:
            def paginate(self, **kwargs: Any) -> Any:
                yield {"Parameters": outer.parameters}
                raise client_error(outer.code, "DescribeParameters", 400)

        return Pages()


@pytest.mark.parametrize("code", ["ThrottlingException", "AccessDeniedException"])
def test_a_region_failing_part_way_still_reports_what_it_found(
    regions: Stack, context: LambdaContext, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    page = [{"Name": "/eu-west-1/first_page_token", "Type": "String", "Version": 1}]
    break_region(monkeypatch, "eu-west-1", FailsOnSecondPage(code, page))

    if code == "ThrottlingException":
        with pytest.raises(TransientError, match="eu-west-1"):
            handler.lambda_handler(scheduled_event(), context)
    else:
        handler.lambda_handler(scheduled_event(), context)

    assert "/eu-west-1/first_page_token" in names_notified(regions)


def test_a_clean_sweep_publishes_zero_inventory_failures(
    regions: Stack, context: LambdaContext
) -> None:
    assert handler.lambda_handler(scheduled_event(), context)["findings"] == 3
    assert metric_sum(regions.metrics, NS, "InventoryFailures") == 0


def test_cli_inventory_names_the_failed_region_and_prints_the_others(
    regions: Stack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real: Any = boto3.client

    def client(service: str, region_name: str | None = None, **kwargs: Any) -> Any:
        if service == "ssm" and region_name == "eu-west-1":
            return BrokenSSM("AccessDeniedException")
        return real(service, region_name=region_name, **kwargs)

    monkeypatch.setattr(boto3, "client", client)
    out = io.StringIO()

    code = cli_main(["inventory", *(f"--region={r}" for r in REGIONS)], out=out)

    err = capsys.readouterr().err
    assert code == 1  # the findings of the other regions win over the failed one...
    assert "eu-west-1: cannot list parameters" in err and "AccessDeniedException" in err
    assert "/us-east-1/db_password" in out.getvalue()
    assert "/ap-southeast-2/db_password" in out.getvalue()
    assert "Traceback" not in err
    args = ["inventory", "--errors-first", *(f"--region={r}" for r in REGIONS)]
    assert cli_main(args, out=io.StringIO()) == 2  # ...unless failures are asked to win


def test_cli_inventory_prints_what_a_region_found_before_it_failed(
    regions: Stack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real: Any = boto3.client
    page = [{"Name": "/eu-west-1/first_page_token", "Type": "String", "Version": 1}]

    def client(service: str, region_name: str | None = None, **kwargs: Any) -> Any:
        if service == "ssm" and region_name == "eu-west-1":
            return FailsOnSecondPage("ThrottlingException", page)
        return real(service, region_name=region_name, **kwargs)

    monkeypatch.setattr(boto3, "client", client)
    out = io.StringIO()

    code = cli_main(["inventory", "--region=eu-west-1"], out=out)

    err = capsys.readouterr().err
    assert code == 1 and "eu-west-1: cannot list parameters" in err  # findings win
    assert "/eu-west-1/first_page_token" in out.getvalue()
