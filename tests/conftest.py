"""Fixtures in moto's documented shape: fake credentials, then mocked clients."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws
from paramguard import handler, inflate

from support.awsutil import REGION, LambdaContext, client_error
from support.emf import EmfRecorder, from_capsys
from support.paths import DICTIONARY_FILE


@pytest.fixture(scope="session", autouse=True)
def _shared_botocore_loader() -> Iterator[None]:
    """One botocore data loader for the whole run, as one boto3 session would have.

    Each mock_aws() start drops boto3's default session (so moto's credentials apply), and a
    new session re-reads and re-parses the same service-model JSON files: most of the time a
    moto fixture took. The files never change during a run, and within one session botocore
    already hands out the same parsed models.
    """
    import botocore.loaders
    import botocore.session

    loaders: dict[str | None, botocore.loaders.Loader] = {}

    def create_loader(search_path_string: str | None = None) -> botocore.loaders.Loader:
        if search_path_string not in loaders:
            loaders[search_path_string] = botocore.loaders.create_loader(search_path_string)
        return loaders[search_path_string]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", create_loader)
        yield


@pytest.fixture(params=inflate.KNOWN)
def inflater(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> inflate.Inflater:
    """Each deflate implementation in turn, as the one decompress uses (skipped if absent).

    requirements-dev.txt installs python-isal, so CI runs both; a clone without it still
    tests the stdlib fallback.
    """
    chosen = inflate.load(request.param)
    if chosen is None:
        pytest.skip(f"{request.param} is not installed (pip install 'paramguard[fast]')")
    monkeypatch.setattr(inflate, "selected", chosen)
    return chosen


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mocked AWS credentials for moto; no request can reach a real account."""
    for name in list(os.environ):
        if name.startswith("AWS_") and name != "AWS_CA_BUNDLE":
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)


@pytest.fixture
def aws(aws_credentials: None) -> Iterator[None]:
    """Everything inside runs against moto."""
    with mock_aws():
        yield


@dataclass
class Stack:
    """The resources the function talks to, created in moto."""

    s3: Any
    sns: Any
    sqs: Any
    metrics: EmfRecorder  # the function's EMF lines: moto extracts no metric from them
    ssm: Any
    log_bucket: str
    dictionary_bucket: str
    dictionary_key: str
    topic_arn: str
    queue_url: str


@pytest.fixture
def stack(
    aws: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Stack]:
    """Log bucket, dictionary bucket with the default dictionary, topic with an SQS subscriber.

    The function's environment points at them, as Terraform wires it.
    """
    s3 = boto3.client("s3", region_name=REGION)
    sns = boto3.client("sns", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    s3.create_bucket(Bucket="trail-logs")
    s3.create_bucket(Bucket="paramguard-dictionary")
    s3.put_object(
        Bucket="paramguard-dictionary", Key="dictionary.txt", Body=DICTIONARY_FILE.read_bytes()
    )
    topic_arn = sns.create_topic(Name="paramguard-findings")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="findings-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "false"},
    )
    monkeypatch.setenv("DICTIONARY_BUCKET", "paramguard-dictionary")
    monkeypatch.setenv("DICTIONARY_KEY", "dictionary.txt")
    monkeypatch.setenv("SNS_TOPIC_ARN", topic_arn)
    monkeypatch.setenv("METRIC_NAMESPACE", "ParamStoreAnalyser")
    handler.reset()
    yield Stack(
        s3=s3,
        sns=sns,
        sqs=sqs,
        metrics=from_capsys(capsys),
        ssm=boto3.client("ssm", region_name=REGION),
        log_bucket="trail-logs",
        dictionary_bucket="paramguard-dictionary",
        dictionary_key="dictionary.txt",
        topic_arn=topic_arn,
        queue_url=queue_url,
    )
    handler.reset()


@pytest.fixture
def dedup_stack(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Stack:
    """The stack plus the DynamoDB table that makes each write notified once."""
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName="paramguard-dedup",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    monkeypatch.setenv("DEDUP_TABLE_NAME", "paramguard-dedup")
    handler.reset()
    return stack


def fail_reads_of(monkeypatch: pytest.MonkeyPatch, key: str, code: str, status: int = 400) -> None:
    """Make the function's S3 reads of one key fail as S3 would, with that error code."""
    rt = handler.runtime()
    real = rt.s3.get_object

    def get_object(**kwargs: Any) -> Any:
        if kwargs.get("Key") == key:
            raise client_error(code, "GetObject", status)
        return real(**kwargs)

    monkeypatch.setattr(rt.s3, "get_object", get_object)


@pytest.fixture
def context() -> LambdaContext:
    """A Lambda context for the handler."""
    return LambdaContext()
