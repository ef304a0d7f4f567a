"""Helpers shared by tests/test_terraform.py and scripts/demo.py.

They run the root module with Terraform against moto's server (no AWS account needed),
build the CloudTrail log files and S3 events AWS would produce, and evaluate IAM policies.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PLUGIN_DIR = "/opt/tf-plugins"
TFSCHEMA_CHECK = REPO_ROOT.parent / "shared" / "tools" / "tfschema" / "tfschema-check"
# What the module needs besides its *.tf files: the function source, the dictionary, the
# packaging script that Terraform runs and the local modules (older commits lack some).
MODULE_DIRS = ("function", "dictionary", "scripts", "modules")
FAKE_ACCOUNT_ID = "123456789012"  # moto's default account
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
# Every service the module (or the provider) talks to.
ENDPOINT_SERVICES = (
    "cloudtrail",
    "cloudwatch",
    "cloudwatchlogs",
    "dynamodb",
    "events",
    "iam",
    "kms",
    "lambda",
    "s3",
    "sns",
    "sqs",
    "ssm",
    "sts",
)


def plugin_dir() -> Path:
    """The local provider mirror (PARAMGUARD_TF_PLUGIN_DIR overrides /opt/tf-plugins)."""
    return Path(os.environ.get("PARAMGUARD_TF_PLUGIN_DIR", DEFAULT_PLUGIN_DIR))


def terraform_unavailable() -> str | None:
    """Why Terraform tests cannot run here, or None when they can."""
    if shutil.which("terraform") is None:
        return "terraform is not on PATH"
    if not plugin_dir().is_dir():
        return (
            f"provider mirror {plugin_dir()} is missing (set PARAMGUARD_TF_PLUGIN_DIR to a "
            "directory holding registry.terraform.io/hashicorp/aws)"
        )
    return None


def terraform_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a terraform subprocess: no CLI config, automation mode."""
    env = dict(os.environ)
    env.update({"TF_CLI_CONFIG_FILE": "/dev/null", "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"})
    env.pop("TF_LOG", None)
    if extra:
        env.update(extra)
    return env


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


class TerraformError(RuntimeError):
    """A terraform command failed; the message holds its output."""


class Tf:
    """Terraform in one working directory, driven through python-terraform."""

    def __init__(self, workdir: Path, env: Mapping[str, str] | None = None) -> None:
        from python_terraform import Terraform

        self.workdir = workdir
        self.env = terraform_env(env)
        self._tf = Terraform(working_dir=str(workdir))

    def run(self, command: str, *args: str, check: bool = True, **options: Any) -> tuple[int, str]:
        """Run `terraform <command>`; return (exit code, stdout + stderr)."""
        with patched_environ(self.env):
            code, out, err = self._tf.cmd(command, *args, no_color=_flag(), **options)
        text = f"{out or ''}{err or ''}"
        if check and code != 0:
            raise TerraformError(f"terraform {command} failed ({code}):\n{text[-6000:]}")
        return int(code), text

    def init(self, *, backend: bool = True) -> str:
        """terraform init, from the local provider mirror when there is one."""
        options: dict[str, Any] = {"input": False}
        if plugin_dir().is_dir():
            options["plugin_dir"] = str(plugin_dir())
        if not backend:
            options["backend"] = False
        return self.run("init", **options)[1]

    def apply(self, variables: Mapping[str, Any]) -> str:
        """terraform apply -auto-approve."""
        return self.run("apply", input=False, auto_approve=_flag(), var=dict(variables) or None)[1]

    def plan_exit_code(self, variables: Mapping[str, Any]) -> tuple[int, str]:
        """terraform plan -detailed-exitcode: 0 no changes, 2 changes (1 is an error)."""
        code, text = self.run(
            "plan",
            check=False,
            input=False,
            detailed_exitcode=_flag(),
            var=dict(variables) or None,
        )
        if code not in (0, 2):
            raise TerraformError(f"terraform plan failed ({code}):\n{text[-6000:]}")
        return code, text

    def destroy(self, variables: Mapping[str, Any]) -> str:
        """terraform destroy -auto-approve."""
        return self.run("destroy", input=False, auto_approve=_flag(), var=dict(variables) or None)[
            1
        ]

    def show_json(self) -> dict[str, Any]:
        """`terraform show -json` of the current state."""
        text = self._stdout("show", "-json")
        data: dict[str, Any] = json.loads(text)
        return data

    def outputs(self) -> dict[str, Any]:
        """The root module's outputs as plain values."""
        raw: dict[str, Any] = json.loads(self._stdout("output", "-json"))
        return {name: item["value"] for name, item in raw.items()}

    def _stdout(self, *args: str) -> str:
        result = subprocess.run(
            ["terraform", *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise TerraformError(f"terraform {' '.join(args)} failed:\n{result.stderr[-6000:]}")
        return result.stdout


def _flag() -> Any:
    from python_terraform import IsFlagged

    return IsFlagged


def copy_module(dest: Path, source: Path = REPO_ROOT) -> Path:
    """Copy the root module (*.tf, function/, dictionary/, scripts/) into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    for tf_file in sorted(source.glob("*.tf")):
        if not tf_file.name.endswith("override.tf"):
            shutil.copy2(tf_file, dest / tf_file.name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")
    for name in MODULE_DIRS:
        if (source / name).is_dir():
            # symlinks=True keeps function/paramguard/default_dictionary.txt a relative link.
            shutil.copytree(source / name, dest / name, symlinks=True, ignore=ignore)
    return dest


def module_at_commit(commit: str, dest: Path, source: Path = REPO_ROOT) -> bool:
    """Extract the root module as it was at a commit into dest; False if git lacks the commit."""
    probe = subprocess.run(
        ["git", "-C", str(source), "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        return False
    listing = subprocess.run(
        ["git", "-C", str(source), "ls-tree", "--name-only", commit],
        capture_output=True,
        text=True,
        check=True,
    )
    names = listing.stdout.split()
    tf_files = [name for name in names if name.endswith(".tf")]
    dirs = [name for name in MODULE_DIRS if name in names]
    archive = subprocess.run(
        ["git", "-C", str(source), "archive", "--format=tar", commit, *tf_files, *dirs],
        capture_output=True,
        check=True,
    )
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return True


def upgrade_module(dest: Path, source: Path = REPO_ROOT) -> None:
    """Replace the module files in dest (keeping its state and overrides) with source's."""
    for tf_file in dest.glob("*.tf"):
        if not tf_file.name.endswith("override.tf"):
            tf_file.unlink()
    for name in MODULE_DIRS:
        shutil.rmtree(dest / name, ignore_errors=True)
    copy_module(dest, source)


def moto_override(endpoint: str, region: str) -> str:
    """A provider override that points every service at moto with fake credentials."""
    endpoints = "\n".join(f'    {service} = "{endpoint}"' for service in ENDPOINT_SERVICES)
    return f"""# Test-only: generated by tests/tf_support.py, never committed (*_override.tf).
provider "aws" {{
  region                      = "{region}"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {{
{endpoints}
  }}
}}
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class MotoServer:
    """moto's server in this process, on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        from moto.core.config import default_user_config
        from moto.server import ThreadedMotoServer

        # moto would try to run the function in Docker when S3 notifies it; the tests call
        # the handler in-process instead.
        default_user_config["lambda"]["use_docker"] = False
        # One line per request would drown the output (the function logs to the root logger).
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        if not _PATCHES:
            _patch_moto_cloudtrail()
            _patch_moto_describe_trails()
            _patch_moto_bucket_policy()
            _patch_moto_lambda_logging_config()
            _patch_moto_s3_lambda_notifications()
        _LIVE_SERVERS.add(id(self))
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    @property
    def s3_lambda_events(self) -> list[tuple[str, dict[str, Any]]]:
        """(function ARN, event) of every Lambda invocation S3 notifications asked for."""
        return S3_LAMBDA_EVENTS

    def start(self) -> MotoServer:
        """Start serving."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving; the last server to stop takes the moto patches out (process-wide).

        Two servers may overlap (two module-scoped deployments): the one still running must
        keep the patches until its own stacks are destroyed.
        """
        try:
            self._server.stop()
        finally:
            _LIVE_SERVERS.discard(id(self))
            if not _LIVE_SERVERS:
                _unpatch_all()

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


_PATCHES: list[tuple[Any, str, Any]] = []
_LIVE_SERVERS: set[int] = set()


def _patch(owner: Any, name: str, value: Any) -> None:
    """Replace owner.name, remembering the original for _unpatch_all."""
    _PATCHES.append((owner, name, owner.__dict__[name]))
    setattr(owner, name, value)


def _unpatch_all() -> None:
    while _PATCHES:
        owner, name, original = _PATCHES.pop()
        setattr(owner, name, original)
    S3_LAMBDA_EVENTS.clear()


def _patch_moto_cloudtrail() -> None:
    """Let moto's StartLogging/StopLogging/UpdateTrail/DeleteTrail take a trail ARN, as AWS does.

    moto 5.2 looks the name up as a dict key, and the AWS provider passes the ARN (DeleteTrail
    with an ARN even "succeeds" without deleting anything).
    """
    from moto.cloudtrail.models import CloudTrailBackend

    for method in ("start_logging", "stop_logging", "update_trail", "delete_trail"):
        original = getattr(CloudTrailBackend, method)

        def by_name_or_arn(
            self: Any, name: str, *args: Any, _original: Any = original, **kwargs: Any
        ) -> Any:
            if name.startswith("arn:"):
                name = name.rsplit("/", 1)[-1]
            return _original(self, name, *args, **kwargs)

        _patch(CloudTrailBackend, method, by_name_or_arn)


def _patch_moto_describe_trails() -> None:
    """Make moto's DescribeTrails return only the trails named in trailNameList, as AWS does.

    moto 5.2 returns every trail of the account, and the AWS provider refuses to read its
    trail ("too many results") as soon as a second deployment has one in the same process.
    """
    from moto.cloudtrail.responses import CloudTrailResponse

    original = CloudTrailResponse.describe_trails

    def describe_trails(self: Any) -> str:
        body = json.loads(original(self))
        wanted = self._get_param("trailNameList") or []
        if wanted:
            body["trailList"] = [
                trail
                for trail in body["trailList"]
                if trail.get("Name") in wanted or trail.get("TrailARN") in wanted
            ]
        return json.dumps(body)

    _patch(CloudTrailResponse, "describe_trails", describe_trails)


def _patch_moto_bucket_policy() -> None:
    """Make moto skip bucket-policy statements that carry a Condition.

    moto 5.2 cannot evaluate conditions on S3 requests and turns every statement whose
    condition it cannot verify into an explicit Deny, so the TLS-only Deny
    (aws:SecureTransport = false) and the CloudTrail Allows (aws:SourceArn) would block the
    account's own requests. For a request from the account over TLS, which is what AWS
    sees, none of those conditions hold, so those statements do not apply.
    """
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        policy = json.loads(self.policy.decode())
        raw = policy.get("Statement", [])
        kept = [s for s in ([raw] if isinstance(raw, dict) else raw) if not s.get("Condition")]
        if not kept:
            return PermissionResult.NEUTRAL
        return IAMPolicy(json.dumps({**policy, "Statement": kept})).is_action_permitted(
            action, resource
        )

    _patch(FakeBucket, "get_permission", get_permission)


def _patch_moto_lambda_logging_config() -> None:
    """Make moto keep a function's LoggingConfig (moto 5.2 drops it).

    Without it every plan after the first apply wants to add logging_config again.
    """
    from moto.awslambda.models import LambdaFunction

    original_init = LambdaFunction.__init__
    original_get = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def _clean(value: Any) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            return None
        return {k: v for k, v in value.items() if v not in (None, "")}

    def init(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kw: Any) -> None:
        original_init(self, account_id, spec, *args, **kw)
        self._logging_config = _clean(spec.get("LoggingConfig"))

    def get_configuration(self: Any, *args: Any, **kw: Any) -> dict[str, Any]:
        config: dict[str, Any] = original_get(self, *args, **kw)
        logging_config = getattr(self, "_logging_config", None)
        if logging_config:
            config["LoggingConfig"] = dict(logging_config)
        return config

    def update_configuration(self: Any, updates: dict[str, Any]) -> dict[str, Any]:
        if "LoggingConfig" in updates:
            self._logging_config = _clean(updates["LoggingConfig"])
        result: dict[str, Any] = original_update(self, updates)
        return result

    _patch(LambdaFunction, "__init__", init)
    _patch(LambdaFunction, "get_configuration", get_configuration)
    _patch(LambdaFunction, "update_configuration", update_configuration)


S3_LAMBDA_EVENTS: list[tuple[str, dict[str, Any]]] = []


def _patch_moto_s3_lambda_notifications() -> None:
    """Record the events moto's S3 sends to Lambda instead of running the function in Docker.

    moto's S3 always tries Docker for a Lambda destination (and swallows the failure); the
    tests run the handler in-process and use the record to prove S3 matched the filter.
    """
    from moto.s3 import notifications

    def record(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
        S3_LAMBDA_EVENTS.append((fn_arn, dict(event_body)))

    _patch(notifications, "_invoke_awslambda", record)


def aws_env(endpoint: str, region: str) -> dict[str, str]:
    """Environment variables that point boto3 (every client) at moto."""
    return {
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
    }


def client(service: str, endpoint: str, region: str) -> Any:
    """A boto3 client talking to moto."""
    import boto3

    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


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


# ---- What CloudTrail and S3 would deliver ----


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


def s3_event(
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


@dataclass(frozen=True)
class LambdaContext:
    """The few attributes of the Lambda context object the handler may read."""

    function_name: str
    invoked_function_arn: str
    aws_request_id: str = "c0ffee00-0000-4000-8000-000000000000"
    memory_limit_in_mb: int = 256

    def get_remaining_time_in_millis(self) -> int:
        """Plenty of time."""
        return 60_000


# ---- IAM policy evaluation (enough for identity policies written by this module) ----


@dataclass(frozen=True)
class ApiCall:
    """One AWS API call: the IAM action, the resource it touched, the condition context."""

    action: str
    resource: str
    context: Mapping[str, str]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def glob_match(pattern: str, value: str, *, case_sensitive: bool = True) -> bool:
    """IAM wildcard match: * is any run of characters, ? is one character."""
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.fullmatch(regex, value, flags) is not None


def _condition_holds(block: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    for operator, entries in block.items():
        for key, wanted in entries.items():
            values = _as_list(wanted)
            actual = context.get(key)
            if actual is None:
                return False
            if operator == "StringEquals":
                ok = actual in values
            elif operator in ("StringLike", "ArnLike", "ArnEquals"):
                ok = any(glob_match(v, actual) for v in values)
            elif operator == "Bool":
                ok = actual.lower() in [v.lower() for v in values]
            else:
                raise ValueError(f"condition operator {operator} is not supported here")
            if not ok:
                return False
    return True


def statements(policy: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The policy's statements as a list."""
    raw = policy.get("Statement", [])
    return [raw] if isinstance(raw, dict) else list(raw)


def is_allowed(policy: Mapping[str, Any], call: ApiCall) -> bool:
    """Whether an identity policy allows the call (an explicit Deny wins)."""
    allowed = False
    for statement in statements(policy):
        if "NotAction" in statement or "NotResource" in statement:
            raise ValueError("NotAction/NotResource are not supported by this evaluator")
        if not any(
            glob_match(a, call.action, case_sensitive=False)
            for a in _as_list(statement.get("Action"))
        ):
            continue
        if not any(glob_match(r, call.resource) for r in _as_list(statement.get("Resource"))):
            continue
        if not _condition_holds(statement.get("Condition", {}), call.context):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = True
    return allowed


def allowed_actions(policy: Mapping[str, Any]) -> set[str]:
    """Every action named in an Allow statement."""
    return {
        action
        for statement in statements(policy)
        if statement.get("Effect") == "Allow"
        for action in _as_list(statement.get("Action"))
    }


def api_call_for(
    service: str, operation: str, params: Mapping[str, Any], region: str = ""
) -> ApiCall:
    """Map a botocore call to the IAM action and resource it is authorised against."""
    if service == "s3" and operation in ("GetObject", "HeadObject"):
        # HeadObject is authorised as GetObject; naming a version needs s3:GetObjectVersion
        # instead (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
        action = "s3:GetObjectVersion" if params.get("VersionId") else "s3:GetObject"
        return ApiCall(action, f"arn:aws:s3:::{params['Bucket']}/{params['Key']}", {})
    if service == "sns" and operation == "Publish":
        return ApiCall("sns:Publish", str(params.get("TopicArn") or params.get("TargetArn")), {})
    if service == "cloudwatch" and operation == "PutMetricData":
        return ApiCall(
            "cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": str(params["Namespace"])}
        )
    if service == "ssm" and operation == "DescribeParameters":
        return ApiCall("ssm:DescribeParameters", "*", {})
    if service == "ssm" and operation == "GetParameter":
        # Authorised against the parameter's ARN; a name:version selector is not part of it.
        name = str(params["Name"]).split(":", 1)[0].lstrip("/")
        return ApiCall(
            "ssm:GetParameter", f"arn:aws:ssm:{region}:{FAKE_ACCOUNT_ID}:parameter/{name}", {}
        )
    if service == "dynamodb" and operation in ("PutItem", "UpdateItem"):
        table = f"arn:aws:dynamodb:{region}:{FAKE_ACCOUNT_ID}:table/{params['TableName']}"
        return ApiCall(f"dynamodb:{operation}", table, {})
    # Anything else is reported with resource "*" so the policy check fails loudly.
    return ApiCall(f"{service}:{operation}", "*", {})


@contextlib.contextmanager
def record_api_calls() -> Iterator[list[tuple[str, str, dict[str, Any]]]]:
    """Record (service, operation, params) of every botocore call made inside the block."""
    from botocore.client import BaseClient

    calls: list[tuple[str, str, dict[str, Any]]] = []
    original = getattr(BaseClient, "_make_api_call")  # noqa: B009

    def recording(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        calls.append((self.meta.service_model.service_name, operation_name, dict(api_params)))
        return original(self, operation_name, api_params)

    setattr(BaseClient, "_make_api_call", recording)  # noqa: B010
    try:
        yield calls
    finally:
        setattr(BaseClient, "_make_api_call", original)  # noqa: B010


def now_utc() -> datetime:
    """The current time in UTC (one place to patch)."""
    return datetime.now(UTC)


# ---- Running the deployed function in-process ----


@contextlib.contextmanager
def function_environment(
    stack: MotoStack, overrides: Mapping[str, str] | None = None
) -> Iterator[LambdaContext]:
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
            yield LambdaContext(out["function_name"], out["function_arn"])
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


def anomalies_sum(stack: MotoStack, namespace: str) -> float:
    """Sum of AnomaliesDetected over the last 15 minutes (what the alarm evaluates)."""
    now = now_utc()
    data = stack.client("cloudwatch").get_metric_data(
        MetricDataQueries=[
            {
                "Id": "anomalies",
                "MetricStat": {
                    "Metric": {"Namespace": namespace, "MetricName": "AnomaliesDetected"},
                    "Period": 60,
                    "Stat": "Sum",
                },
            }
        ],
        StartTime=now - timedelta(minutes=15),
        EndTime=now + timedelta(minutes=5),
    )
    return float(sum(data["MetricDataResults"][0]["Values"]))
