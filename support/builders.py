"""CloudTrail records, log files, and the S3 and SQS events that carry them."""

from __future__ import annotations

import copy
import gzip
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

from .awsutil import ACCOUNT, REGION
from .paths import EVENTS_DIR

# ---- For tests in-process: fixed times, and a value that must appear in no output ----

SECRET_VALUE = "s3ntinel-VALUE-must-never-appear"


def load_event(name: str) -> Any:
    """A real payload from tests/events/ (its README gives the source of each)."""
    return json.loads((EVENTS_DIR / name).read_text())


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


def delete_parameter(
    *names: str,
    batch: bool = False,
    deleted: Sequence[str] | None = None,
    error_code: str | None = None,
    event_id: str | None = None,
    when: str = "2026-11-20T11:15:30Z",
    actor: str = "arn:aws:iam::123456789012:user/bob",
) -> dict[str, Any]:
    """A DeleteParameter record (DeleteParameters with batch: names, and the response's
    deletedParameters/invalidParameters, which are the API's answer in camel case)."""
    record = put_parameter(names[0], None, event_id=event_id, actor=actor)
    record["eventTime"] = when
    record["userAgent"] = "aws-cli/2.17.60 md/command#ssm.delete-parameter"
    if batch:
        record["eventName"] = "DeleteParameters"
        record["requestParameters"] = {"names": list(names)}
        gone = list(names if deleted is None else deleted)
        record["responseElements"] = {
            "deletedParameters": gone,
            "invalidParameters": [n for n in names if n not in gone],
        }
    else:
        record["eventName"] = "DeleteParameter"
        record["requestParameters"] = {"name": names[0]}
        record["responseElements"] = None
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


# ---- As CloudTrail and S3 deliver them to a deployed stack (values hidden, times now) ----


def put_parameter_record(
    name: str,
    *,
    parameter_type: str | None,
    account_id: str,
    region: str,
    overwrite: bool = False,
    when: datetime | None = None,
) -> dict[str, Any]:
    """A successful ssm:PutParameter CloudTrail record (the value is hidden, as in AWS)."""
    when = when or datetime.now(UTC)
    request: dict[str, Any] = {"name": name, "overwrite": overwrite}
    if parameter_type is not None:
        request["type"] = parameter_type
    request["value"] = "HIDDEN_DUE_TO_SECURITY_REASONS"
    return {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEUSERID0001",
            "arn": f"arn:aws:iam::{account_id}:user/alice",
            "accountId": account_id,
            "accessKeyId": "AKIAEXAMPLEKEYID0001",
            "userName": "alice",
        },
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": "ssm.amazonaws.com",
        "eventName": "PutParameter",
        "awsRegion": region,
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.17.0 md/command#ssm.put-parameter",
        "requestParameters": request,
        "responseElements": {"version": 2 if overwrite else 1, "tier": "Standard"},
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account_id,
        "eventCategory": "Management",
    }


def cloudtrail_log_gz(records: Sequence[Mapping[str, Any]]) -> bytes:
    """A CloudTrail log file body: gzip of {"Records": [...]}."""
    return gzip.compress(json.dumps({"Records": list(records)}).encode(), mtime=0)


def log_object_key(account_id: str, region: str, when: datetime | None = None) -> str:
    """Where CloudTrail puts a log file (account trail layout)."""
    when = when or datetime.now(UTC)
    stamp = when.strftime("%Y%m%dT%H%MZ")
    suffix = uuid.uuid4().hex[:16]
    return (
        f"AWSLogs/{account_id}/CloudTrail/{region}/{when:%Y/%m/%d}/"
        f"{account_id}_CloudTrail_{region}_{stamp}_{suffix}.json.gz"
    )


def s3_object_created(
    bucket: str, key: str, size: int, region: str, version_id: str | None = None
) -> dict[str, Any]:
    """The event S3 sends the function for a new object (eventVersion 2.1, key URL-encoded).

    On a versioned bucket S3 adds the object's versionId (moto's own events leave it out).
    """
    obj: dict[str, Any] = {
        "key": quote_plus(key, safe="/"),
        "size": size,
        "eTag": uuid.uuid4().hex,
    }
    if version_id is not None:
        obj["versionId"] = version_id
    obj["sequencer"] = "0066A1B2C3D4E5F601"
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": region,
                "eventTime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                "eventName": "ObjectCreated:Put",
                "userIdentity": {"principalId": "AWS:AROAEXAMPLE:regionalDeliverySession"},
                "requestParameters": {"sourceIPAddress": "198.51.100.7"},
                "responseElements": {
                    "x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                    "x-amz-id-2": uuid.uuid4().hex,
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "paramguard-analyzer",
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": "A3EXAMPLEOWNER"},
                        "arn": f"arn:aws:s3:::{bucket}",
                    },
                    "object": obj,
                },
            }
        ]
    }
