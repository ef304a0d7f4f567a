"""The fake account on moto: credentials, clients, and reading back what the function sent."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


@dataclass
class LambdaContext:
    """Stands in for the Lambda context object (no deadline: the handler runs as outside Lambda)."""

    function_name: str = "paramguard-analyzer"
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:paramguard-analyzer"
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e812345678"


def aws_env(endpoint: str, region: str) -> dict[str, str]:
    """Environment variables that point boto3 (every client) at moto."""
    return {
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
    }


def client(service: str, endpoint: str, region: str) -> Any:
    """A boto3 client talking to moto's server."""
    import boto3

    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


@contextlib.contextmanager
def patched_environ(env: Mapping[str, str]) -> Iterator[None]:
    """Temporarily replace os.environ (python-terraform passes os.environ to terraform)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def drain_messages(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    """Every SNS notification delivered to an SQS subscriber, as SNS envelopes."""
    messages: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return messages
        for message in batch:
            messages.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def client_error(code: str, operation: str, status: int = 400) -> Any:
    """A botocore ClientError as the service would raise it."""
    from botocore.exceptions import ClientError

    response: Any = {
        "Error": {"Code": code, "Message": code},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, operation)
