"""Deterministic synthetic CloudTrail log files, shaped as CloudTrail writes them."""

from __future__ import annotations

import gzip
import json
import random
import uuid
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / ".data"
GENERATOR_VERSION = 1
REGIONS = ["us-east-1", "us-east-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
ACCOUNTS = ["123456789012", "210987654321", "111122223333"]
SUSPICIOUS_NAMES = [
    "/prod/db/password",
    "/prod/payments/stripe_api_key",
    "/staging/app/DB_PASSWORD",
    "/svc/github/token",
    "/prod/auth/client_secret",
    "/shared/slack/webhook_secret",
    "/prod/aws/secret_access_key",
    "/dev/mysql/root-password",
]
BENIGN_NAMES = [
    "/prod/app/log_level",
    "/prod/app/feature_flags",
    "/staging/service/endpoint_url",
    "/ami/latest/amazon-linux",
    "/prod/app/max_connections",
    "/shared/region",
    "/prod/app/timeout_seconds",
]
USER_AGENTS = [
    "aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 "
    "md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 "
    "md/prompt#off md/command#ssm.put-parameter",
    "Boto3/1.35.10 md/Botocore#1.35.10 ua/2.0 os/linux#5.10.226 md/arch#x86_64 lang/python#3.11",
    "aws-sdk-go-v2/1.30.4 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ssm#1.52.6",
    "console.amazonaws.com",
    "Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.64.0 "
    "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.4",
    "AWS Internal",
    "aws-sdk-java/2.25.60 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11",
]


class _Gen:
    """One seeded stream of records."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.clock = 1_763_633_700

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rnd.getrandbits(128), version=4))

    def hexid(self, n: int) -> str:
        return "".join(self.rnd.choice("0123456789abcdef") for _ in range(n))

    def upper(self, prefix: str, n: int) -> str:
        return prefix + "".join(
            self.rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(n)
        )

    def ip(self) -> str:
        r = self.rnd
        return f"{r.randint(3, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"

    def time(self) -> str:
        import time as _time

        self.clock += self.rnd.randint(0, 3)
        return _time.strftime("%Y-%m-%dT%H:%M:%SZ", _time.gmtime(self.clock))

    def identity(self, account: str) -> tuple[dict[str, Any], str, str]:
        r = self.rnd
        kind = r.choices(["AssumedRole", "IAMUser", "AWSService", "Root"], [60, 25, 12, 3])[0]
        if kind == "IAMUser":
            user = r.choice(["alice", "bob", "deploy-bot", "ci-runner", "carol.smith"])
            ident: dict[str, Any] = {
                "type": "IAMUser",
                "principalId": self.upper("AIDA", 17),
                "arn": f"arn:aws:iam::{account}:user/{user}",
                "accountId": account,
                "accessKeyId": self.upper("AKIA", 16),
                "userName": user,
            }
            return ident, self.ip(), r.choice(USER_AGENTS)
        if kind == "AssumedRole":
            role = r.choice(["AWSReservedSSO_Admin_0123abcd", "deploy-role", "lambda-exec", "ops"])
            session = r.choice(["alice@example.com", "i-0abc123def4567890", "1763633700123"])
            pid = self.upper("AROA", 17)
            ident = {
                "type": "AssumedRole",
                "principalId": f"{pid}:{session}",
                "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
                "accountId": account,
                "accessKeyId": self.upper("ASIA", 16),
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": pid,
                        "arn": f"arn:aws:iam::{account}:role/{role}",
                        "accountId": account,
                        "userName": role,
                    },
                    "attributes": {
                        "creationDate": self.time(),
                        "mfaAuthenticated": r.choice(["false", "true"]),
                    },
                },
            }
            if r.random() < 0.3:
                ident["invokedBy"] = "cloudformation.amazonaws.com"
            return ident, self.ip(), r.choice(USER_AGENTS)
        if kind == "AWSService":
            service = r.choice(
                ["lambda.amazonaws.com", "ec2.amazonaws.com", "cloudtrail.amazonaws.com"]
            )
            return {"type": "AWSService", "invokedBy": service}, service, service
        ident = {
            "type": "Root",
            "principalId": account,
            "arn": f"arn:aws:iam::{account}:root",
            "accountId": account,
            "accessKeyId": self.upper("ASIA", 16),
        }
        return ident, self.ip(), "signin.amazonaws.com"

    def tls(self, host: str) -> dict[str, Any]:
        return {
            "tlsVersion": self.rnd.choice(["TLSv1.3", "TLSv1.2"]),
            "cipherSuite": self.rnd.choice(
                ["TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"]
            ),
            "clientProvidedHostHeader": host,
        }

    def policy(self, account: str) -> str:
        r = self.rnd
        statements = [
            {
                "Sid": f"Stmt{r.randint(1, 10**12)}",
                "Effect": r.choice(["Allow", "Deny"]),
                "Action": r.sample(
                    [
                        "s3:GetObject",
                        "s3:PutObject",
                        "kms:Decrypt",
                        "ssm:GetParameter",
                        "ssm:PutParameter",
                        "logs:PutLogEvents",
                        "sts:AssumeRole",
                    ],
                    r.randint(1, 4),
                ),
                "Resource": [
                    f"arn:aws:s3:::bucket-{self.hexid(8)}/*",
                    f"arn:aws:ssm:us-east-1:{account}:parameter/app/*",
                ],
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
            }
            for _ in range(r.randint(1, 3))
        ]
        return json.dumps({"Version": "2012-10-17", "Statement": statements})

    def body(self, account: str, region: str, put_rate: float) -> dict[str, Any]:
        r = self.rnd
        if r.random() < put_rate:
            return self.put_parameter(account, region)
        choice = r.choices(
            ["ec2", "s3", "iam", "sts", "kms", "lambda", "cloudtrail", "ssm", "denied"],
            [22, 20, 6, 18, 14, 6, 2, 10, 2],
        )[0]
        return getattr(self, f"ev_{choice}")(account, region)  # type: ignore[no-any-return]

    def ev_ec2(self, account: str, region: str) -> dict[str, Any]:
        r = self.rnd
        ids = [f"i-0{self.hexid(16)}" for _ in range(r.randint(1, 3))]
        name = r.choice(["DescribeInstances", "StartInstances", "RunInstances", "CreateTags"])
        items = [{"instanceId": i} for i in ids]
        resp: Any = None
        if name == "StartInstances":
            resp = {
                "instancesSet": {
                    "items": [
                        {
                            "instanceId": i,
                            "currentState": {"code": 0, "name": "pending"},
                            "previousState": {"code": 80, "name": "stopped"},
                        }
                        for i in ids
                    ]
                }
            }
        return {
            "eventSource": "ec2.amazonaws.com",
            "eventName": name,
            "requestParameters": {"instancesSet": {"items": items}, "filterSet": {}},
            "responseElements": resp,
            "readOnly": name.startswith("Describe"),
            "resources": [
                {
                    "accountId": account,
                    "type": "AWS::EC2::Instance",
                    "ARN": f"arn:aws:ec2:{region}:{account}:instance/{i}",
                }
                for i in ids
            ],
        }

    def ev_s3(self, account: str, region: str) -> dict[str, Any]:
        r = self.rnd
        bucket = f"data-{self.hexid(6)}"
        key = f"exports/2026/11/{self.hexid(12)}.parquet"
        name = r.choice(["GetObject", "PutObject", "ListObjects", "HeadObject"])
        return {
            "eventSource": "s3.amazonaws.com",
            "eventName": name,
            "requestParameters": {
                "bucketName": bucket,
                "Host": f"{bucket}.s3.{region}.amazonaws.com",
                "key": key,
                "x-id": name,
            },
            "responseElements": None,
            "additionalEventData": {
                "SignatureVersion": "SigV4",
                "CipherSuite": "TLS_AES_128_GCM_SHA256",
                "bytesTransferredIn": 0,
                "bytesTransferredOut": r.randint(0, 10**7),
                "AuthenticationMethod": "AuthHeader",
                "x-amz-id-2": self.hexid(60),
            },
            "readOnly": name != "PutObject",
            "eventCategory": "Data",
            "managementEvent": False,
            "resources": [
                {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"},
                {"accountId": account, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"},
            ],
        }

    def ev_iam(self, account: str, region: str) -> dict[str, Any]:
        r = self.rnd
        name = r.choice(["CreatePolicy", "PutRolePolicy", "GetRole", "CreateUser"])
        params: dict[str, Any] = {"roleName": r.choice(["deploy-role", "app-role"])}
        if name in ("CreatePolicy", "PutRolePolicy"):
            params = {
                "policyName": f"policy-{self.hexid(6)}",
                "policyDocument": self.policy(account),
            }
        return {
            "eventSource": "iam.amazonaws.com",
            "eventName": name,
            "requestParameters": params,
            "responseElements": None,
            "awsRegion": "us-east-1",
        }

    def ev_sts(self, account: str, region: str) -> dict[str, Any]:
        role = f"arn:aws:iam::{account}:role/deploy-role"
        session = f"session-{self.hexid(8)}"
        return {
            "eventSource": "sts.amazonaws.com",
            "eventName": "AssumeRole",
            "requestParameters": {
                "roleArn": role,
                "roleSessionName": session,
                "durationSeconds": 3600,
            },
            "responseElements": {
                "credentials": {
                    "accessKeyId": self.upper("ASIA", 16),
                    "sessionToken": self.hexid(120),
                    "expiration": "Nov 20, 2026, 11:15:30 AM",
                },
                "assumedRoleUser": {
                    "assumedRoleId": self.upper("AROA", 17) + ":" + session,
                    "arn": f"arn:aws:sts::{account}:assumed-role/deploy-role/{session}",
                },
            },
            "resources": [{"accountId": account, "type": "AWS::IAM::Role", "ARN": role}],
            "sharedEventID": self.uid(),
        }

    def ev_kms(self, account: str, region: str) -> dict[str, Any]:
        key = f"arn:aws:kms:{region}:{account}:key/{self.uid()}"
        return {
            "eventSource": "kms.amazonaws.com",
            "eventName": self.rnd.choice(["Decrypt", "GenerateDataKey", "Encrypt"]),
            "requestParameters": {
                "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
                "encryptionContext": {
                    "aws:ssm:parameter-name": "/app/x",
                    "PARAMETER_ARN": f"arn:aws:ssm:{region}:{account}:parameter/app/x",
                },
            },
            "responseElements": None,
            "resources": [{"accountId": account, "type": "AWS::KMS::Key", "ARN": key}],
        }

    def ev_lambda(self, account: str, region: str) -> dict[str, Any]:
        fn = self.rnd.choice(["ingest", "paramguard-analyzer", "api-handler"])
        return {
            "eventSource": "lambda.amazonaws.com",
            "eventName": "Invoke",
            "requestParameters": {
                "functionName": f"arn:aws:lambda:{region}:{account}:function:{fn}",
                "sourceArn": f"arn:aws:s3:::bucket-{self.hexid(6)}",
            },
            "responseElements": None,
            "eventCategory": "Data",
            "managementEvent": False,
            "additionalEventData": {
                "functionVersion": f"arn:aws:lambda:{region}:{account}:function:{fn}:$LATEST"
            },
        }

    def ev_cloudtrail(self, account: str, region: str) -> dict[str, Any]:
        return {
            "eventSource": "cloudtrail.amazonaws.com",
            "eventName": "UpdateTrail",
            "requestParameters": {
                "name": "management",
                "isMultiRegionTrail": True,
                "s3BucketName": f"trail-{self.hexid(6)}",
            },
            "responseElements": {
                "name": "management",
                "includeGlobalServiceEvents": True,
                "trailARN": f"arn:aws:cloudtrail:{region}:{account}:trail/management",
            },
        }

    def ev_ssm(self, account: str, region: str) -> dict[str, Any]:
        r = self.rnd
        name = r.choice(
            ["GetParameter", "GetParameters", "DescribeParameters", "GetParametersByPath"]
        )
        params: dict[str, Any] = {
            "name": r.choice(SUSPICIOUS_NAMES + BENIGN_NAMES),
            "withDecryption": r.choice([True, False]),
        }
        if name == "GetParameters":
            params = {"names": r.sample(SUSPICIOUS_NAMES + BENIGN_NAMES, 3), "withDecryption": True}
        elif name == "DescribeParameters":
            params = {
                "parameterFilters": [
                    {"key": "Name", "option": "Equals", "values": [r.choice(BENIGN_NAMES)]}
                ]
            }
        return {
            "eventSource": "ssm.amazonaws.com",
            "eventName": name,
            "requestParameters": params,
            "responseElements": None,
            "readOnly": True,
        }

    def ev_denied(self, account: str, region: str) -> dict[str, Any]:
        # An access-denied attempt: the needle appears in the message, not as the event name.
        name = self.rnd.choice(SUSPICIOUS_NAMES)
        return {
            "eventSource": "ssm.amazonaws.com",
            "eventName": "GetParameter",
            "errorCode": "AccessDenied",
            "errorMessage": f"User: arn:aws:sts::{account}:assumed-role/ops/x is not "
            "authorized to perform: ssm:PutParameter on resource: "
            f"arn:aws:ssm:{region}:{account}:parameter{name}",
            "requestParameters": {"name": name},
            "responseElements": None,
        }

    def put_parameter(self, account: str, region: str) -> dict[str, Any]:
        r = self.rnd
        name = r.choice(SUSPICIOUS_NAMES if r.random() < 0.5 else BENIGN_NAMES)
        kind = r.choices(["String", "SecureString", "StringList", None], [45, 40, 10, 5])[0]
        params: dict[str, Any] = {"name": name, "value": "HIDDEN_DUE_TO_SECURITY_REASONS"}
        if kind is not None:
            params["type"] = kind
        if kind == "SecureString":
            params["keyId"] = "alias/aws/ssm"
        if r.random() < 0.4:
            params["overwrite"] = True
        return {
            "eventSource": "ssm.amazonaws.com",
            "eventName": "PutParameter",
            "requestParameters": params,
            "responseElements": {"version": r.randint(1, 9), "tier": "Standard"},
        }

    def record(self, put_rate: float) -> dict[str, Any]:
        account = self.rnd.choice(ACCOUNTS)
        region = self.rnd.choice(REGIONS)
        body = self.body(account, region, put_rate)
        identity, ip, agent = self.identity(account)
        service = body["eventSource"].split(".")[0]
        record: dict[str, Any] = {
            "eventVersion": "1.10",
            "userIdentity": identity,
            "eventTime": self.time(),
            "eventSource": body.pop("eventSource"),
            "eventName": body.pop("eventName"),
            "awsRegion": body.pop("awsRegion", region),
            "sourceIPAddress": ip,
            "userAgent": agent,
        }
        for key in ("errorCode", "errorMessage"):
            if key in body:
                record[key] = body.pop(key)
        record["requestParameters"] = body.pop("requestParameters")
        record["responseElements"] = body.pop("responseElements")
        record.update(
            {
                "requestID": self.uid(),
                "eventID": self.uid(),
                "readOnly": body.pop("readOnly", False),
                **body,
                "eventType": "AwsApiCall",
                "managementEvent": body.get("managementEvent", True),
                "recipientAccountId": account,
                "eventCategory": body.get("eventCategory", "Management"),
                "tlsDetails": self.tls(f"{service}.{region}.amazonaws.com"),
            }
        )
        return record


def generate(target_bytes: int, put_rate: float, seed: int) -> bytes:
    """A compact CloudTrail document of about target_bytes with put_rate PutParameter records."""
    gen = _Gen(seed)
    parts: list[str] = []
    size = 14
    while size < target_bytes:
        text = json.dumps(gen.record(put_rate), separators=(",", ":"))
        parts.append(text)
        size += len(text) + 1
    return ('{"Records":[' + ",".join(parts) + "]}").encode()


def cached(size_mb: int, put_permille: int, seed: int = 5) -> Path:
    """Path of the gzip log for these parameters, generating it on first use."""
    name = f"v{GENERATOR_VERSION}_{size_mb}MB_{put_permille}pm_s{seed}.json.gz"
    path = DATA_DIR / name
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        document = generate(size_mb * 1_000_000, put_permille / 1000, seed)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(gzip.compress(document, compresslevel=6, mtime=0))
        tmp.replace(path)
    return path
