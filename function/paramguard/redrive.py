"""Re-processing invocations that landed in the failure queue, deleting only what succeeded."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


def original_event(body: str) -> Any:
    """The event to re-process from a failure-queue message.

    An on-failure destination wraps it as `requestPayload`; a dead-letter queue holds it as is.
    """
    message = json.loads(body)
    if isinstance(message, dict) and "requestPayload" in message and "requestContext" in message:
        return message["requestPayload"]
    return message


def succeeded(answer: Any) -> bool:
    """Whether a handler answer means everything in the event was processed."""
    if isinstance(answer, dict):
        if answer.get("batchItemFailures"):
            return False
        results = answer.get("results")
        if isinstance(results, list):
            return all(r.get("resultCode") != "TemporaryFailure" for r in results)
    return True


@dataclass
class RedriveReport:
    """What a redrive did."""

    received: int = 0
    succeeded: int = 0
    failed: list[str] = field(default_factory=list)  # "message-id: reason"


def redrive(
    sqs: Any, queue_url: str, process: Callable[[Any], Any], limit: int = 1000
) -> RedriveReport:
    """Process each message's event; delete it only if processing succeeded.

    A message that fails stays in the queue (visible again after its visibility timeout).
    """
    report = RedriveReport()
    while report.received < limit:
        batch = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=min(10, limit - report.received),
            WaitTimeSeconds=1,
            VisibilityTimeout=300,
        ).get("Messages", [])
        if not batch:
            break
        for message in batch:
            report.received += 1
            ident = message.get("MessageId", "?")
            try:
                answer = process(original_event(message["Body"]))
            except Exception as exc:  # any failure keeps the message for another try
                report.failed.append(f"{ident}: {type(exc).__name__}: {str(exc)[:300]}")
                continue
            if not succeeded(answer):
                report.failed.append(f"{ident}: not fully processed: {json.dumps(answer)[:300]}")
                continue
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            report.succeeded += 1
    return report


def invoke_function(lambda_client: Any, function_name: str) -> Callable[[Any], Any]:
    """A processor that runs the deployed function synchronously on the event."""

    def process(event: Any) -> Any:
        response = lambda_client.invoke(
            FunctionName=function_name,
            InvocationType="RequestResponse",
            Payload=json.dumps(event).encode(),
        )
        payload = response["Payload"].read()
        if response.get("FunctionError"):
            raise RuntimeError(f"function error: {payload[:300]!r}")
        return json.loads(payload) if payload else None

    return process
