"""Handler latency of each trigger path, in-process on moto: python -m bench.latency.

What AWS adds before the function runs (CloudTrail's delivery to S3, EventBridge's
delivery) cannot be measured without an account; docs/deploy.md quotes AWS's figures.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3
from moto import mock_aws

from support.awsutil import ACCOUNT, REGION, LambdaContext
from support.builders import gz_log, load_event, log_key, put_parameter, s3_event
from support.paths import DICTIONARY_FILE

REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))


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


def main() -> None:
    """Print the median handler time of each path (one finding each)."""
    _environment()
    with mock_aws():
        from paramguard import handler

        s3 = _stack()
        handler.reset()
        context = LambdaContext()
        handler.lambda_handler(load_event("s3_test_event.json"), context)  # warm up
        print(f"{'path':42} {'handler ms (median of ' + str(REPEATS) + ')':>28}")
        for name, build in _paths(s3).items():
            times = []
            for i in range(REPEATS):
                event = build(i)
                start = time.perf_counter()
                handler.lambda_handler(event, context)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{name:42} {statistics.median(times):28.1f}")
    print(
        "(moto in-process: includes the S3, SNS, DynamoDB and CloudWatch calls, not AWS's delivery)"
    )


if __name__ == "__main__":
    main()
