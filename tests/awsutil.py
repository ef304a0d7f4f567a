"""Reading back what the function published, in moto."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any


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


def metric_sum(cloudwatch: Any, namespace: str, name: str) -> float | None:
    """Sum of a metric over the last hour, or None if it was never published."""
    now = datetime.now(UTC)
    points = cloudwatch.get_metric_statistics(
        Namespace=namespace,
        MetricName=name,
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(minutes=5),
        Period=60,
        Statistics=["Sum"],
    )["Datapoints"]
    if not points:
        return None
    return float(sum(point["Sum"] for point in points))


def client_error(code: str, operation: str, status: int = 400) -> Any:
    """A botocore ClientError as the service would raise it."""
    from botocore.exceptions import ClientError

    response: Any = {
        "Error": {"Code": code, "Message": code},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, operation)
