"""Builders for CloudTrail records, log files and S3 events, shaped as AWS writes them."""

from __future__ import annotations

import copy
import gzip
import json
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

EVENTS = Path(__file__).parent / "events"
ACCOUNT = "123456789012"
REGION = "us-east-1"
SECRET_VALUE = "s3ntinel-VALUE-must-never-appear"


def load_event(name: str) -> Any:
    """A real payload from tests/events/ (see its README for the source of each)."""
    return json.loads((EVENTS / name).read_text())


def sqs_event(*bodies: str) -> dict[str, Any]:
    """The SQS event sample (a real payload), one message per body."""
    event = load_event("sqs_wrapped_s3_objectcreated_put_powertools.json")
    template = event["Records"][0]
    records = []
    for index, body in enumerate(bodies):
        record = copy.deepcopy(template)
        record["messageId"] = f"msg-{index}"
        record["body"] = body
        records.append(record)
    return {"Records": records}


def put_parameter(
    name: str,
    param_type: str | None = "String",
    *,
    error_code: str | None = None,
    account: str = ACCOUNT,
    region: str = REGION,
    event_id: str | None = None,
    overwrite: bool | None = None,
    actor: str = "arn:aws:iam::123456789012:user/alice",
) -> dict[str, Any]:
    """A PutParameter record as CloudTrail logs it (the value is one CloudTrail would hide)."""
    params: dict[str, Any] = {"name": name, "value": SECRET_VALUE}
    if param_type is not None:
        params["type"] = param_type
    if overwrite is not None:
        params["overwrite"] = overwrite
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEPRINCIPAL",
            "arn": actor,
            "accountId": account,
            "accessKeyId": "AKIAEXAMPLEKEY",
            "userName": actor.rsplit("/", 1)[-1],
        },
        "eventTime": "2026-11-20T10:15:30Z",
        "eventSource": "ssm.amazonaws.com",
        "eventName": "PutParameter",
        "awsRegion": region,
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.17.60 md/command#ssm.put-parameter",
        "requestParameters": params,
        "responseElements": {"version": 1, "tier": "Standard"},
        "requestID": str(uuid.uuid4()),
        "eventID": event_id or str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
    if error_code:
        record["errorCode"] = error_code
        record["errorMessage"] = "denied"
        record["responseElements"] = None
    return record


def log_document(records: list[Any]) -> bytes:
    """The JSON document of a log file."""
    return json.dumps({"Records": records}).encode()


def gz_log(records: list[Any]) -> bytes:
    """A gzip log file as CloudTrail delivers it."""
    return gzip.compress(log_document(records))


def log_key(account: str = ACCOUNT, region: str = REGION, org: str | None = None) -> str:
    """An object key where CloudTrail puts a log file."""
    prefix = f"AWSLogs/{org}/{account}" if org else f"AWSLogs/{account}"
    stamp = "20261120T1015Z"
    return (
        f"{prefix}/CloudTrail/{region}/2026/11/20/"
        f"{account}_CloudTrail_{region}_{stamp}_{uuid.uuid4().hex[:16]}.json.gz"
    )


def s3_event(bucket: str, keys: list[str]) -> dict[str, Any]:
    """An S3 ObjectCreated notification, from the documented example, one record per key."""
    template = load_event("s3_objectcreated_put_docs.json")["Records"][0]
    records = []
    for key in keys:
        record = copy.deepcopy(template)
        record["awsRegion"] = REGION
        record["s3"]["bucket"]["name"] = bucket
        record["s3"]["bucket"]["arn"] = f"arn:aws:s3:::{bucket}"
        record["s3"]["object"]["key"] = quote_plus(key, safe="/")
        record["s3"]["object"].pop("versionId", None)
        records.append(record)
    return {"Records": records}
