"""Re-processing invocations that landed in the failure queue, deleting only what succeeded."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

# SQS limits (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html).
MAX_VISIBILITY_TIMEOUT = 43200
BATCH = 10
# The time between Lambda giving up on an invocation and the invoke call returning.
INVOKE_MARGIN_SECONDS = 30


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


def visibility_for_function(timeout_seconds: int) -> int:
    """How long to hold a message while the function, with this timeout, re-processes it."""
    return min(timeout_seconds + INVOKE_MARGIN_SECONDS, MAX_VISIBILITY_TIMEOUT)


def function_timeout(lambda_client: Any, function_name: str) -> int:
    """The deployed function's configured timeout in seconds."""
    config = lambda_client.get_function_configuration(FunctionName=function_name)
    return int(config["Timeout"])


def queue_visibility_timeout(sqs: Any, queue_url: str) -> int:
    """The queue's own visibility timeout in seconds."""
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["VisibilityTimeout"])
    return int(attributes["Attributes"]["VisibilityTimeout"])


@dataclass
class RedriveReport:
    """What a redrive did."""

    visibility_timeout: int = 0
    received: int = 0
    succeeded: int = 0
    failed: list[str] = field(default_factory=list)  # "message-id: reason"
    returned: int = 0  # failed messages made visible again at the end of the run
    return_errors: list[str] = field(default_factory=list)


def redrive(
    sqs: Any,
    queue_url: str,
    process: Callable[[Any], Any],
    visibility_timeout: int,
    limit: int = 1000,
) -> RedriveReport:
    """Process each message's event; delete it only if processing succeeded.

    Each message is held for visibility_timeout seconds while it is processed, which must
    cover one processing (for the deployed function: its timeout). A message that fails is
    held until the queue is drained, so this run does not take it again, and is then
    returned to the queue at once, so that a second run finds it instead of reporting an
    empty queue.
    """
    report = RedriveReport(visibility_timeout=visibility_timeout)
    seen: set[str] = set()
    kept: list[tuple[str, str]] = []  # (message id, receipt handle) of failed messages
    try:
        while report.received < limit:
            batch = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=min(BATCH, limit - report.received),
                WaitTimeSeconds=1,
                VisibilityTimeout=visibility_timeout,
            ).get("Messages", [])
            if not batch or all(m.get("MessageId", "?") in seen for m in batch):
                # Empty; or only messages tried in this run that came back because the
                # visibility timeout was shorter than the run: taking them again would loop.
                kept += [(m.get("MessageId", "?"), m["ReceiptHandle"]) for m in batch]
                break
            for message in batch:
                ident = message.get("MessageId", "?")
                if ident in seen:
                    # Back after its visibility timeout ran out during this run: already
                    # tried once here; hold it with the others that failed.
                    kept.append((ident, message["ReceiptHandle"]))
                    continue
                seen.add(ident)
                report.received += 1
                reason = _process(process, message)
                if reason is not None:
                    report.failed.append(f"{ident}: {reason}")
                    kept.append((ident, message["ReceiptHandle"]))
                    continue
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
                report.succeeded += 1
    finally:
        _return_to_queue(sqs, queue_url, kept, report)
    return report


def _process(process: Callable[[Any], Any], message: dict[str, Any]) -> str | None:
    """None if the message's event was fully processed, else why not."""
    try:
        answer = process(original_event(message["Body"]))
    except Exception as exc:  # any failure keeps the message for another try
        return f"{type(exc).__name__}: {str(exc)[:300]}"
    if not succeeded(answer):
        return f"not fully processed: {json.dumps(answer)[:300]}"
    return None


def _return_to_queue(
    sqs: Any, queue_url: str, kept: list[tuple[str, str]], report: RedriveReport
) -> None:
    """Make the failed messages visible again now (ChangeMessageVisibility to 0)."""
    latest = dict(kept)  # the most recent receipt handle of each message
    entries = [
        {"Id": str(index), "ReceiptHandle": handle, "VisibilityTimeout": 0}
        for index, handle in enumerate(latest.values())
    ]
    idents = list(latest)
    for start in range(0, len(entries), BATCH):
        chunk = entries[start : start + BATCH]
        chunk_ids = idents[start : start + BATCH]
        try:
            answer = sqs.change_message_visibility_batch(QueueUrl=queue_url, Entries=chunk)
        except Exception as exc:  # reported, never raised over the run's own outcome
            errors = [f"{ident}: {type(exc).__name__}: {str(exc)[:300]}" for ident in chunk_ids]
        else:
            report.returned += len(answer.get("Successful", []))
            errors = [
                f"{idents[int(f['Id'])]}: {f.get('Code')}: {f.get('Message')}"
                for f in answer.get("Failed", [])
            ]
        for error in errors:
            # Not lost, only late: visible again after the visibility timeout.
            logger.error(
                "failed message not returned to the queue",
                extra={"event": "redrive_return_failed", "error": error},
            )
        report.return_errors += errors


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
