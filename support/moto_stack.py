"""The root module applied to moto's server, and the deployed function run in-process."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .awsutil import aws_env, client, patched_environ
from .terraform import Tf, copy_module, moto_override


@dataclass
class MotoStack:
    """The module applied against moto: where it lives and what it produced."""

    workdir: Path
    endpoint: str
    region: str
    variables: dict[str, Any]
    tf: Tf
    outputs: dict[str, Any]
    destroyed: bool = False

    def client(self, service: str) -> Any:
        """A boto3 client for the stack's moto server and region."""
        return client(service, self.endpoint, self.region)

    def refresh_outputs(self) -> None:
        """Re-read the outputs after an apply."""
        self.outputs = self.tf.outputs()

    def destroy(self) -> str:
        """terraform destroy (once)."""
        text = self.tf.destroy(self.variables)
        self.destroyed = True
        return text


def deploy_to_moto(
    workdir: Path, endpoint: str, region: str, variables: Mapping[str, Any]
) -> MotoStack:
    """Copy the module into workdir, point it at moto, init and apply it."""
    copy_module(workdir)
    (workdir / "moto_override.tf").write_text(moto_override(endpoint, region))
    tf = Tf(workdir, aws_env(endpoint, region))
    tf.init()
    tf.apply(variables)
    return MotoStack(workdir, endpoint, region, dict(variables), tf, tf.outputs())


@dataclass(frozen=True)
class DeployedContext:
    """The deployed function's Lambda context: its name and ARN, and a deadline far away."""

    function_name: str
    invoked_function_arn: str
    aws_request_id: str = "c0ffee00-0000-4000-8000-000000000000"
    memory_limit_in_mb: int = 256

    def get_remaining_time_in_millis(self) -> int:
        """Plenty of time."""
        return 60_000


# ---- Running the deployed function in-process ----


@contextlib.contextmanager
def function_environment(
    stack: MotoStack, overrides: Mapping[str, str] | None = None
) -> Iterator[DeployedContext]:
    """The deployed function's environment (pointed at moto) around in-process handler calls.

    Yields the Lambda context; the handler's cached configuration is dropped on the way in
    and out, and os.environ is restored afterwards.
    """
    from paramguard import handler

    out = stack.outputs
    config = stack.client("lambda").get_function_configuration(FunctionName=out["function_name"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") or k == "AWS_CA_BUNDLE"}
    env.update(config["Environment"]["Variables"])
    env.update(aws_env(stack.endpoint, stack.region))
    env.update(overrides or {})
    with patched_environ(env):
        handler.reset()
        try:
            yield DeployedContext(out["function_name"], out["function_arn"])
        finally:
            handler.reset()


def subscribe_probe(stack: MotoStack, name: str) -> tuple[str, str]:
    """An SQS queue subscribed to the alert topic: (queue URL, subscription ARN)."""
    sqs, sns = stack.client("sqs"), stack.client("sns")
    queue_url: str = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    subscription = sns.subscribe(
        TopicArn=stack.outputs["sns_topic_arn"], Protocol="sqs", Endpoint=queue_arn
    )
    return queue_url, str(subscription["SubscriptionArn"])
