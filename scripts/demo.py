#!/usr/bin/env python3
"""`make demo`: the whole paramguard story on a local AWS (moto's server), no account needed.

Terraform deploys the module against moto; a user stores a secret as a plain String; the
function, run in-process on the S3 event, reports it; a new dictionary entry takes effect
without a redeploy; the alarms that say when the detector goes blind are listed; then
everything is destroyed.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(1, str(REPO / "function"))

from support import awsutil, builders, emf, moto_server, moto_stack, terraform  # noqa: E402

REGION = "eu-west-1"
ACCOUNT = awsutil.ACCOUNT
VARIABLES: dict[str, Any] = {
    "name_prefix": "paramguard-demo",
    "notification_email": "security@example.com",
    "force_destroy": True,
}


class DemoFailed(RuntimeError):
    """A step did not show what it should have."""


def heading(title: str) -> None:
    """Print a section heading."""
    print(f"\n=== {title} " + "=" * max(0, 72 - len(title)), flush=True)


def show(label: str, value: object) -> None:
    """Print one labelled value."""
    print(f"  {label:<28} {value}", flush=True)


def deliver_log(stack: moto_stack.MotoStack, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Write the log file CloudTrail would deliver; return the event S3 would send."""
    bucket = stack.outputs["log_bucket_name"]
    key = builders.log_object_key(ACCOUNT, REGION)
    body = builders.cloudtrail_log_gz(records)
    stack.client("s3").put_object(Bucket=bucket, Key=key, Body=body)
    show("log file", f"s3://{bucket}/{key}")
    return builders.s3_object_created(bucket, key, len(body), REGION)


def drain(stack: moto_stack.MotoStack, queue_url: str, want: int) -> list[dict[str, str]]:
    """Messages the topic delivered to the demo's SQS subscription."""
    sqs = stack.client("sqs")
    messages: list[dict[str, str]] = []
    deadline = time.monotonic() + 15
    while len(messages) < want and time.monotonic() < deadline:
        for message in sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        ).get("Messages", []):
            envelope = json.loads(message["Body"])
            messages.append(
                {"subject": envelope.get("Subject", ""), "message": envelope["Message"]}
            )
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return messages


def run_function(
    handler: Any, context: moto_stack.DeployedContext, event: dict[str, Any]
) -> dict[str, Any]:
    """Call the deployed handler in-process, as Lambda would."""
    result: dict[str, Any] = handler.lambda_handler(event, context)
    show("function returned", json.dumps(result))
    return result


def story(stack: moto_stack.MotoStack) -> None:
    """Everything between apply and destroy."""
    from paramguard import handler

    out = stack.outputs
    for name in (
        "log_bucket_name",
        "dictionary_s3_uri",
        "function_name",
        "alarm_name",
        "sns_topic_arn",
        "dictionary_upload_command",
        "alarm_console_url",
        "alarms_console_url",
        "dashboard_console_url",
    ):
        show(name, out[name])
    show("saved queries", ", ".join(sorted(out["saved_query_names"].values())))

    # An SQS queue subscribed to the topic shows what an email subscriber would read.
    queue_url, _ = moto_stack.subscribe_probe(stack, "paramguard-demo-inbox")
    # The function reads its configuration from the environment Terraform gave it. In AWS a
    # new dictionary is picked up within DICTIONARY_TTL_SECONDS (60 s by default); the demo
    # does not wait.
    with moto_stack.function_environment(stack, {"DICTIONARY_TTL_SECONDS": "0"}) as context:
        scenes(stack, handler, context, queue_url)
    blind_spots(stack)


def blind_spots(stack: moto_stack.MotoStack) -> None:
    """The alarms that fire when paramguard stops seeing writes, and the heartbeat in detail."""
    out = stack.outputs
    heading("How you would know if paramguard went blind: the alarms")
    names, guards = out["alarm_names"], out["alarm_guards"]
    described = stack.client("cloudwatch").describe_alarms(AlarmNames=list(names.values()))
    alarms = {alarm["AlarmName"]: alarm for alarm in described["MetricAlarms"]}
    for key in sorted(names, key=lambda k: (k != "anomalies", k)):
        print(f"  {names[key]:<42} {guards[key]}")
        if alarms[names[key]]["AlarmActions"] != [out["sns_topic_arn"]]:
            raise DemoFailed(f"{names[key]} does not notify {out['sns_topic_arn']}")
    print(
        "  (trigger_mode eventbridge or both adds one per EventBridge rule, for failed "
        "invocations; inventory_schedule one for the sweep and one for its rule.)"
    )
    if "heartbeat" not in names:
        raise DemoFailed("no heartbeat alarm")

    heading("The heartbeat: no log file processed means no eyes")
    heartbeat = alarms[names["heartbeat"]]
    window = heartbeat["Period"] * heartbeat["EvaluationPeriods"] // 60
    show("alarm", heartbeat["AlarmName"])
    show("metric", f"{heartbeat['Namespace']} {heartbeat['MetricName']}")
    show(
        "fires when",
        f"{heartbeat['Statistic']} < {heartbeat['Threshold']:g} in each of "
        f"{heartbeat['DatapointsToAlarm']} of {heartbeat['EvaluationPeriods']} periods of "
        f"{heartbeat['Period']} s ({window} minutes)",
    )
    show("missing data", f"{heartbeat['TreatMissingData']} (no data at all is the blind case)")
    show("notifies", ", ".join(heartbeat["AlarmActions"]))
    print("  " + heartbeat["AlarmDescription"])
    print("  (moto evaluates no alarm; in AWS this one goes to ALARM when the trail stops.)")


def scenes(
    stack: moto_stack.MotoStack, handler: Any, context: moto_stack.DeployedContext, queue_url: str
) -> None:
    """The user's write, the finding, the metric, the message, then a new dictionary entry."""
    out = stack.outputs
    heading("A user stores a database password as a plain String")
    stack.client("ssm").put_parameter(Name="/demo/prod/db_password", Value="hunter2", Type="String")
    show("aws ssm put-parameter", "--name /demo/prod/db_password --type String --value ***")
    event = deliver_log(
        stack,
        [
            builders.put_parameter_record(
                "/demo/prod/db_password", parameter_type="String", account_id=ACCOUNT, region=REGION
            )
        ],
    )

    heading("The function runs on the S3 event")
    # Its stdout is what Lambda sends to the log group; the demo keeps it to show below.
    with emf.record_emf(passthrough=False) as stdout:
        result: dict[str, Any] = handler.lambda_handler(event, context)
    show("function returned", json.dumps(result))
    if result.get("findings") != 1:
        raise DemoFailed(f"expected 1 finding, the function reported {result.get('findings')}")

    heading("The metric the alarm watches: one embedded metric format line")
    [document] = stdout.documents()
    [directive] = document["_aws"]["CloudWatchMetrics"]
    [alarm] = stack.client("cloudwatch").describe_alarms(AlarmNames=[out["alarm_name"]])[
        "MetricAlarms"
    ]
    [line] = [text for text in stdout.lines if '"_aws"' in text]
    show("line written to stdout", f"{len(line)} bytes of JSON, no prefix")
    show("namespace", directive["Namespace"])
    show("dimensions", directive["Dimensions"])
    show("AnomaliesDetected", document["AnomaliesDetected"])
    show("LogFilesProcessed", document["LogFilesProcessed"])
    show(
        "alarm watches",
        f"{alarm['Namespace']} {alarm['MetricName']} dimensions {alarm.get('Dimensions', [])}",
    )
    show(
        "alarm condition",
        f"{alarm['Statistic']} {alarm['ComparisonOperator']} {alarm['Threshold']:g}"
        f" over {alarm['Period']} s",
    )
    show("alarm actions", ", ".join(alarm["AlarmActions"]))
    print(
        "  (In AWS, CloudWatch Logs extracts the metric from this line in the log group, and the\n"
        "   alarm goes to ALARM within a minute or two. moto extracts no metric and evaluates\n"
        "   no alarm: the demo reads the line itself.)"
    )
    if directive["Namespace"] != alarm["Namespace"] or directive["Dimensions"] != [[]]:
        raise DemoFailed(f"the metrics line does not match the alarm: {directive}")
    if alarm.get("Dimensions") or document.get(alarm["MetricName"], 0) < 1:
        raise DemoFailed("the function emitted no AnomaliesDetected point the alarm would see")

    heading("The notification (as the email subscriber reads it)")
    messages = drain(stack, queue_url, want=1)
    if not any("/demo/prod/db_password" in m["message"] for m in messages):
        raise DemoFailed(f"no notification names /demo/prod/db_password: {messages}")
    for message in messages:
        print(f"  Subject: {message['subject']}")
        print("  " + message["message"].replace("\n", "\n  "))

    heading("A new dictionary entry, without a redeploy")
    s3 = stack.client("s3")
    bucket = out["dictionary_bucket_name"]
    current = s3.get_object(Bucket=bucket, Key="dictionary.txt")["Body"].read()
    s3.put_object(Bucket=bucket, Key="dictionary.txt", Body=current + b"\nflux capacitor\n")
    show("added entry", "flux capacitor")
    show("uploaded like", out["dictionary_upload_command"])
    stack.client("ssm").put_parameter(
        Name="/demo/flux_capacitor_setting", Value="1.21 GW", Type="String"
    )
    event = deliver_log(
        stack,
        [
            builders.put_parameter_record(
                "/demo/flux_capacitor_setting",
                parameter_type="String",
                account_id=ACCOUNT,
                region=REGION,
            )
        ],
    )
    result = run_function(handler, context, event)
    messages = drain(stack, queue_url, want=1)
    if result.get("findings") != 1 or not any(
        "/demo/flux_capacitor_setting" in m["message"] for m in messages
    ):
        raise DemoFailed("the new dictionary entry did not produce a finding")
    for message in messages:
        print(f"  Subject: {message['subject']}")


def main() -> int:
    """Run the demo; 0 when every step showed what it should."""
    reason = terraform.terraform_unavailable()
    if reason and "mirror" not in reason:
        print(f"demo: {reason}", file=sys.stderr)
        return 1
    heading("Starting a local AWS (moto server)")
    server = moto_server.MotoServer().start()
    show("endpoint", server.endpoint)
    stack: moto_stack.MotoStack | None = None
    failed = False
    try:
        with tempfile.TemporaryDirectory(prefix="paramguard-demo-") as tmp:
            workdir = Path(tmp) / "module"
            heading("terraform init && terraform apply (a copy of the module, against moto)")
            started = time.monotonic()
            stack = moto_stack.deploy_to_moto(workdir, server.endpoint, REGION, VARIABLES)
            show("applied in", f"{time.monotonic() - started:.0f} s")
            try:
                story(stack)
            except Exception as exc:
                failed = True
                print(f"\nDEMO FAILED: {exc}", file=sys.stderr)
            finally:
                heading("terraform destroy")
                stack.destroy()
                show("destroyed", "all resources")
    except Exception as exc:
        failed = True
        print(f"\nDEMO FAILED: {exc}", file=sys.stderr)
    finally:
        server.stop()
    from demo_iac import iac_scene  # scripts/demo_iac.py: before the write, no AWS needed

    try:
        iac_scene()
    except RuntimeError as exc:
        failed = True
        print(f"\nDEMO FAILED: {exc}", file=sys.stderr)
    heading("Demo " + ("FAILED" if failed else "finished"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
