"""Handler latency of each trigger path, in-process on moto: python -m bench.latency.

Also the target of issue 16: a quiet log file (no PutParameter) costs the handler one AWS
call, the S3 GetObject; the metrics are a log line. The calls are counted with a botocore
event hook on every client the handler creates; exits 1 when the count is not 1.

What AWS adds before the function runs (CloudTrail's delivery to S3, EventBridge's
delivery) cannot be measured without an account; docs/deploy.md quotes AWS's figures.
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import boto3
from moto import mock_aws

from bench.generate import generate
from bench.targets import at_most, report
from support import emf
from support.awsutil import ACCOUNT, REGION, LambdaContext
from support.builders import gz_log, load_event, log_key, put_parameter, s3_event
from support.paths import DICTIONARY_FILE

REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
QUIET_JSON_BYTES = 10_000
QUIET_FILES = max(REPEATS, 20)
TARGET_CALLS = 1


def _environment() -> None:
    for name in list(os.environ):
        if name.startswith("AWS_") and name != "AWS_CA_BUNDLE":
            del os.environ[name]
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        DICTIONARY_BUCKET="dictionary",
        SNS_TOPIC_ARN=f"arn:aws:sns:{REGION}:{ACCOUNT}:findings",
        DEDUP_TABLE_NAME="dedup",
        LOG_LEVEL="ERROR",
    )


def _stack() -> Any:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="dictionary")
    s3.create_bucket(Bucket="trail")
    s3.put_object(Bucket="dictionary", Key="dictionary.txt", Body=DICTIONARY_FILE.read_bytes())
    boto3.client("sns", region_name=REGION).create_topic(Name="findings")
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName="dedup",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return s3


def _noise(count: int) -> list[Any]:
    return [
        {"eventVersion": "1.09", "eventSource": "ec2.amazonaws.com", "eventName": "Describe"}
    ] * count


def _paths(s3: Any) -> dict[str, Callable[[int], Any]]:
    def s3_path(i: int) -> Any:
        key = log_key()
        records = _noise(2000) + [put_parameter(f"/s3/{i}/db_password", event_id=f"s3-{i}")]
        s3.put_object(Bucket="trail", Key=key, Body=gz_log(records))
        return s3_event("trail", [key])

    def eventbridge_path(i: int) -> Any:
        event = load_event("eventbridge_ssm_parameter_store_change_create.json")
        event["detail-type"] = "AWS API Call via CloudTrail"
        event["detail"] = put_parameter(f"/eb/{i}/db_password", event_id=f"eb-{i}")
        return event

    def change_path(i: int) -> Any:
        event = load_event("eventbridge_ssm_parameter_store_change_create.json")
        event["detail"]["name"] = f"/change/{i}/db_password"
        event["id"] = f"change-{i}"
        return event

    def sqs_path(i: int) -> Any:
        event = load_event("sqs_wrapped_s3_objectcreated_put_powertools.json")
        event["Records"][0]["body"] = json.dumps(s3_path(i))
        return event

    return {
        "S3 notification (log file, 2,001 records)": s3_path,
        "S3 via SQS (the same)": sqs_path,
        "EventBridge: CloudTrail API call": eventbridge_path,
        "EventBridge: Parameter Store Change": change_path,
    }


def _count_calls() -> list[str]:
    """Every API call (not HTTP attempt) of clients created from now on, as service.operation."""
    calls: list[str] = []

    def before_call(model: Any, **_: Any) -> None:
        calls.append(f"{model.service_model.service_name}.{model.name}")

    # Clients copy their session's event hooks when created: register before the handler
    # creates its clients (handler.reset() below).
    boto3._get_default_session().events.register("before-call", before_call)
    return calls


def quiet_files(s3: Any, context: LambdaContext) -> tuple[float, float, float]:
    """Median handler ms, AWS calls and EMF lines per quiet file of about 10 KB of JSON."""
    from paramguard import handler

    calls = _count_calls()
    handler.reset()
    keys = []
    for i in range(QUIET_FILES + 1):
        key = log_key()
        document = generate(QUIET_JSON_BYTES, 0.0, seed=100 + i)
        s3.put_object(Bucket="trail", Key=key, Body=gzip.compress(document, mtime=0))
        keys.append(key)
    times, counts = [], []
    with emf.record_emf(passthrough=False) as stdout:
        handler.lambda_handler(s3_event("trail", [keys[0]]), context)  # cold: the dictionary
        for key in keys[1:]:
            del calls[:]
            start = time.perf_counter()
            result = handler.lambda_handler(s3_event("trail", [key]), context)
            times.append((time.perf_counter() - start) * 1000)
            counts.append(len(calls))
            if result["findings"] or result["scanned"] != 1:
                raise RuntimeError(f"a quiet file was not scanned quietly: {result}")
    lines = (len(stdout.documents()) - 1) / len(times)
    return statistics.median(times), statistics.mean(counts), lines


def main() -> int:
    """Print the median handler time of each path, then the quiet-file target; 1 if missed."""
    _environment()
    with mock_aws():
        from paramguard import handler

        s3 = _stack()
        context = LambdaContext()
        ms, calls, lines = quiet_files(s3, context)
        handler.reset()
        with emf.record_emf(passthrough=False):
            handler.lambda_handler(load_event("s3_test_event.json"), context)  # warm up
        print(f"{'path':42} {'handler ms (median of ' + str(REPEATS) + ')':>28}")
        for name, build in _paths(s3).items():
            times = []
            for i in range(REPEATS):
                event = build(i)
                start = time.perf_counter()
                with emf.record_emf(passthrough=False):  # the metrics line, not the table
                    handler.lambda_handler(event, context)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{name:42} {statistics.median(times):28.1f}")
    print("(moto in-process: includes the S3, SNS and DynamoDB calls, not AWS's delivery)")
    print(
        f"\nQuiet log file ({QUIET_JSON_BYTES // 1000} KB of JSON, no PutParameter), "
        f"{QUIET_FILES} files, warm:"
    )
    print(f"  handler ms (median)          {ms:8.1f}")
    print(f"  metrics lines per invocation {lines:8.1f}  (embedded metric format, stdout)")
    print(f"  AWS calls per file           {calls:8.1f}  (the S3 GetObject)")
    name = "handler on a quiet 10 KB log: AWS calls per file"
    return report([at_most(name, calls, TARGET_CALLS, "calls")], "bench.latency")


if __name__ == "__main__":
    sys.exit(main())
