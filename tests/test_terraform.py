"""The Terraform root module: static checks, `terraform test`, the examples, packaging, and a
real apply against moto.

Plan-level behaviour (validation, outputs, conditional resources) lives in tests/*.tftest.hcl
and runs here through `terraform test`. The apply tests share one deployment (module-scoped
fixture), in this order: what was deployed, the handler end to end on it, least privilege,
idempotence, a user's dictionary upload, a code change, upgrades from older commits; the
fixture's finaliser destroys it and checks nothing is left.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest

from support import awsutil, builders, emf, iam_policy, moto_server, moto_stack, paths, terraform

REPO = paths.REPO_ROOT
REGION = "eu-west-1"
PREFIX = "pgtest"
NAMESPACE = "ParamStoreAnalyser"
EMAIL = "security@example.com"
VARIABLES: dict[str, Any] = {
    "name_prefix": PREFIX,
    "notification_email": EMAIL,
    "force_destroy": True,
    "tags": {"Project": "paramguard", "Purpose": "test"},
}
ACCOUNT = awsutil.ACCOUNT
PACKAGE_SCRIPT = REPO / "scripts" / "package_lambda.py"

_UNAVAILABLE = terraform.terraform_unavailable()
pytestmark = [
    pytest.mark.terraform,
    pytest.mark.skipif(_UNAVAILABLE is not None, reason=_UNAVAILABLE or ""),
    # python-terraform 0.10.1 calls the deprecated Logger.warn on every failing command.
    pytest.mark.filterwarnings("ignore:The 'warn' method is deprecated:DeprecationWarning"),
]


def _json(text: str) -> Any:
    return json.loads(text)


def _statement(policy: dict[str, Any], sid: str) -> dict[str, Any]:
    for statement in iam_policy.statements(policy):
        if statement.get("Sid") == sid:
            return statement
    raise AssertionError(f"no statement {sid!r} in {json.dumps(policy, indent=1)}")


# ---- Static checks ----


def test_terraform_fmt_is_clean() -> None:
    result = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", "-no-color"],
        cwd=REPO,
        env=terraform.terraform_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"terraform fmt would change files:\n{result.stdout}"


def test_init_and_validate(tmp_path: Path) -> None:
    workdir = terraform.copy_module(tmp_path / "module")
    tf = terraform.Tf(workdir)
    tf.init(backend=False)
    code, text = tf.run("validate", check=False)
    assert code == 0, text
    assert "Success" in text


@pytest.mark.parametrize("module", [".", "modules/private-bucket", "modules/member-role"])
def test_tfschema_check_is_clean(module: str) -> None:
    if not terraform.TFSCHEMA_CHECK.exists():
        pytest.skip(f"{terraform.TFSCHEMA_CHECK} is not here (it lives in the shared tools)")
    result = subprocess.run(
        [sys.executable, str(terraform.TFSCHEMA_CHECK), str(REPO / module)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tfschema-check: OK" in result.stdout


# ---- Plan-level checks: terraform test with a mocked provider ----

TFTEST_FILES = sorted((REPO / "tests").glob("*.tftest.hcl"))


def test_terraform_test_passes(tmp_path: Path) -> None:
    """tests/*.tftest.hcl: outputs, conditional resources, variable validation, in seconds."""
    assert TFTEST_FILES, "no tests/*.tftest.hcl"
    workdir = terraform.copy_module(tmp_path / "module")
    (workdir / "tests").mkdir()
    for test_file in TFTEST_FILES:
        shutil.copy2(test_file, workdir / "tests" / test_file.name)
    shutil.copytree(REPO / "tests" / "mocks", workdir / "tests" / "mocks")
    tf = terraform.Tf(workdir)
    tf.init(backend=False)
    code, text = tf.run("test", check=False)
    assert code == 0, text[-6000:]
    runs = sum(f.read_text().count("\nrun ") for f in TFTEST_FILES)
    assert f"Success! {runs} passed, 0 failed." in text, text[-3000:]


# What each refused value must be told: the variable's error message (Terraform prints it when
# the validation fails; tests/variables.tftest.hcl proves each value fails that validation).
INVALID_VALUES = [
    ("metric_namespace", "AWS/Lambda", 'must not start with "AWS/"'),
    ("notification_email", "not-an-email", "must be empty or an email address"),
    ("name_prefix", "Param_Guard", "name_prefix must be 3-20 characters"),
    ("name_prefix", "a-very-long-prefix-indeed", "name_prefix must be 3-20 characters"),
    ("log_retention_days", 42, "log_retention_days must be one of"),
    ("lambda_memory_size", 64, "lambda_memory_size must be a whole number"),
    ("lambda_timeout", 901, "lambda_timeout must be a whole number"),
    ("trigger_mode", "sqs", 'trigger_mode must be "s3", "eventbridge" or "both"'),
    ("inventory_schedule", "daily", "inventory_schedule must be empty or an EventBridge"),
    ("max_decompressed_mb", 0, "max_decompressed_mb must be null or a number of MiB"),
    ("dictionary_min_ratio_percent", 150, "dictionary_min_ratio_percent must be a whole"),
    ("dictionary_min_ratio_percent", 12.5, "dictionary_min_ratio_percent must be a whole"),
    ("heartbeat_minutes", 7, "heartbeat_minutes must be 0 (no heartbeat alarm) or a"),
    ("heartbeat_minutes", 1445, "heartbeat_minutes must be 0 (no heartbeat alarm) or a"),
    ("kms_key_deletion_window_days", 31, "kms_key_deletion_window_days must be a whole"),
    ("member_role_name", "role/with/path", "member_role_name must be empty or 1-64 characters"),
    ("member_role_call_as", "MANAGEMENT", 'member_role_call_as must be "SELF" or'),
    ("member_role_deployment_targets", ["o-a1b2c3d4e5"], "must hold organization root IDs"),
    ("organization_accounts", ["12345"], "organization_accounts must hold 12-digit"),
    ("organization_sweep_concurrency", 1, "organization_sweep_concurrency must be a whole"),
]


@pytest.mark.parametrize(("variable", "value", "message"), INVALID_VALUES)
def test_invalid_values_are_refused_with_what_is_valid(
    variable: str, value: Any, message: str
) -> None:
    import hcl2

    runs = (REPO / "tests" / "variables.tftest.hcl").read_text()
    literal = json.dumps(value)
    assert any(
        f"{variable} = {literal}\n" in run and f"expect_failures = [var.{variable}]" in run
        for run in runs.split("\nrun ")
    ), f"tests/variables.tftest.hcl has no run refusing {variable} = {literal}"
    with (REPO / "variables.tf").open() as handle:
        declared = {
            json.loads(name): body
            for block in hcl2.load(handle)["variable"]
            for name, body in block.items()
        }
    [validation] = declared[variable]["validation"]
    assert message in json.loads(validation["error_message"])


# ---- The reusable module and the examples ----

EXAMPLES = sorted(p for p in (REPO / "examples").iterdir() if p.is_dir())


def test_reusable_module_is_the_root_without_its_provider() -> None:
    """modules/paramguard links every root *.tf file but providers.tf, and nothing else."""
    module = REPO / "modules" / "paramguard"
    root_files = {p.name for p in REPO.glob("*.tf")} - {"providers.tf"}
    linked = {p.name for p in module.glob("*.tf")}
    assert linked == root_files
    targets = {name: REPO / name for name in [*linked, "function", "dictionary", "scripts"]}
    for local_module in ("private-bucket", "member-role"):
        targets[f"modules/{local_module}"] = REPO / "modules" / local_module
    for name, target in targets.items():
        path = module / name
        assert path.is_symlink(), f"{path} must be a link to the root's, not a copy"
        assert path.resolve() == target.resolve(), path
    text = "\n".join((module / name).read_text() for name in linked)
    assert not re.search(r'^provider\s+"', text, re.MULTILINE)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_validates(example: Path, tmp_path: Path) -> None:
    assert {p.name for p in EXAMPLES} >= {"minimal", "existing-organization-trail"}
    workdir = _example_copy(example, tmp_path)
    tf = terraform.Tf(workdir)
    tf.init(backend=False)
    code, text = tf.run("validate", check=False)
    assert code == 0, text
    if terraform.TFSCHEMA_CHECK.exists():
        result = subprocess.run(
            [sys.executable, str(terraform.TFSCHEMA_CHECK), str(workdir)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def _example_copy(example: Path, tmp_path: Path) -> Path:
    """The repository (module files only) with the example at its place in it."""
    root = terraform.copy_module(tmp_path / "repo")  # modules/ too, its links kept
    workdir = root / "examples" / example.name
    shutil.copytree(example, workdir, ignore=shutil.ignore_patterns(".terraform*"))
    return workdir


def test_module_from_git_with_for_each_and_the_callers_provider(tmp_path: Path) -> None:
    """What a user writes: a git source, for_each, their own provider (as committed at HEAD)."""
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    workdir = tmp_path / "caller"
    workdir.mkdir()
    (workdir / "main.tf").write_text(
        f"""provider "aws" {{
  region = "eu-west-1"
}}

module "paramguard" {{
  source   = "git::file://{REPO}//modules/paramguard?ref={head.stdout.strip()}"
  for_each = toset(["team-a", "team-b"])

  name_prefix = each.key
}}

output "function_names" {{
  value = {{ for key, deployment in module.paramguard : key => deployment.function_name }}
}}
"""
    )
    tf = terraform.Tf(workdir)
    tf.init(backend=False)
    code, text = tf.run("validate", check=False)
    assert code == 0, text
    fetched = workdir / ".terraform" / "modules" / "paramguard" / "modules" / "paramguard"
    assert (fetched / "main.tf").is_file() and not (fetched / "providers.tf").exists()


# ---- Packaging ----


def _build(root: Path, output: Path) -> bytes:
    subprocess.run(
        [sys.executable, str(root / "scripts" / "package_lambda.py"), "--output", str(output)]
        + ["--wheel-cache", str(REPO / "build" / "wheels")],  # fetched once for all builds
        cwd=root,
        check=True,
        capture_output=True,
    )
    return output.read_bytes()


def test_package_is_deterministic_and_complete(tmp_path: Path) -> None:
    root = terraform.copy_module(tmp_path / "module")
    # Byte-code caches in the source tree must not end up in the zip.
    cache = root / "function" / "paramguard" / "__pycache__"
    cache.mkdir()
    (cache / "handler.cpython-313.pyc").write_bytes(b"\x00stale")
    first = _build(root, tmp_path / "a" / "paramguard-lambda.zip")
    os.utime(root / "function" / "paramguard" / "handler.py", (0, 2_000_000_000))
    second = _build(root, tmp_path / "b" / "paramguard-lambda.zip")
    assert first == second, "two builds of the same sources differ"

    with zipfile.ZipFile(tmp_path / "a" / "paramguard-lambda.zip") as archive:
        names = archive.namelist()
        infos = archive.infolist()
        dictionary = archive.read("paramguard/default_dictionary.txt")
        handler = archive.read("paramguard/handler.py")
    sources = sorted(p.name for p in (REPO / "function" / "paramguard").glob("*.py"))
    assert names == sorted(names), "entries are not sorted"
    ours = [n for n in names if n.startswith("paramguard/")]
    assert [n for n in ours if n.endswith(".py")] == [f"paramguard/{s}" for s in sources]
    assert "paramguard/py.typed" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert dictionary == (REPO / "dictionary" / "dictionary.txt").read_bytes()
    assert len(dictionary) > 0
    assert handler == (REPO / "function" / "paramguard" / "handler.py").read_bytes()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    # Shared objects (python-isal's, when the build could fetch its wheel) are 0755.
    assert {i.external_attr >> 16 for i in infos if not i.filename.endswith(".so")} == {0o100644}


def test_package_changes_when_a_source_changes(tmp_path: Path) -> None:
    root = terraform.copy_module(tmp_path / "module")
    before = _build(root, tmp_path / "before.zip")
    with (root / "dictionary" / "dictionary.txt").open("a") as handle:
        handle.write("\nflux capacitor\n")
    after = _build(root, tmp_path / "after.zip")
    assert before != after


# ---- Against moto: one deployment shared by the tests below ----


@dataclass
class Deployment:
    """The stack applied to moto, plus what was observed on the way."""

    stack: moto_stack.MotoStack
    plan_before_apply: int
    zip_existed_before_apply: bool
    apply_output: str
    extra: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        return self.stack.client(service)

    @property
    def outputs(self) -> dict[str, Any]:
        return self.stack.outputs


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """moto server + the module copied, planned (no zip yet), applied; destroyed at the end.

    The finaliser destroys the stack and checks nothing is left (a failure there is reported
    as an error in the teardown of the module's last test using the deployment).
    """
    server = moto_server.MotoServer().start()
    try:
        workdir = tmp_path_factory.mktemp("deployment") / "module"
        terraform.copy_module(workdir)
        (workdir / "moto_override.tf").write_text(terraform.moto_override(server.endpoint, REGION))
        tf = terraform.Tf(workdir, awsutil.aws_env(server.endpoint, REGION))
        tf.init()
        zip_path = workdir / "build" / "paramguard-lambda.zip"
        zip_existed = zip_path.exists()
        plan_code, _ = tf.plan_exit_code(VARIABLES)
        apply_output = tf.apply(VARIABLES)
        stack = moto_stack.MotoStack(
            workdir, server.endpoint, REGION, dict(VARIABLES), tf, tf.outputs()
        )
        deployed = Deployment(stack, plan_code, zip_existed, apply_output)
        try:
            yield deployed
        finally:
            if not stack.destroyed:
                _destroy_leaves_nothing_behind(deployed)
    finally:
        server.stop()


def _destroy_leaves_nothing_behind(deployment: Deployment) -> None:
    """terraform destroy, then nothing of the deployment is left but its key, pending deletion."""
    stack = deployment.stack
    queue_name = deployment.outputs["failure_queue_url"].rsplit("/", 1)[-1]
    key_arn = deployment.client("sns").get_topic_attributes(
        TopicArn=deployment.outputs["sns_topic_arn"]
    )["Attributes"]["KmsMasterKeyId"]
    stack.destroy()

    buckets = [b["Name"] for b in deployment.client("s3").list_buckets().get("Buckets", [])]
    assert not [b for b in buckets if b.startswith(f"{PREFIX}-")], buckets
    functions = deployment.client("lambda").list_functions()["Functions"]
    assert not [f["FunctionName"] for f in functions if f["FunctionName"].startswith(PREFIX)]
    alarms = deployment.client("cloudwatch").describe_alarms(AlarmNamePrefix=PREFIX)
    assert alarms["MetricAlarms"] == []
    topics = deployment.client("sns").list_topics()["Topics"]
    assert not [t for t in topics if f":{PREFIX}-" in t["TopicArn"]], topics
    queues = deployment.client("sqs").list_queues(QueueNamePrefix=queue_name).get("QueueUrls", [])
    assert queues == []
    trails = deployment.client("cloudtrail").describe_trails()["trailList"]
    assert not [t for t in trails if t["Name"].startswith(PREFIX)], trails
    groups = deployment.client("logs").describe_log_groups(
        logGroupNamePrefix=f"/aws/lambda/{PREFIX}"
    )
    assert groups["logGroups"] == []
    roles = deployment.client("iam").list_roles()["Roles"]
    assert not [r["RoleName"] for r in roles if r["RoleName"].startswith(PREFIX)]
    key = deployment.client("kms").describe_key(KeyId=key_arn)["KeyMetadata"]
    assert key["KeyState"] == "PendingDeletion"
    # kms_key_deletion_window_days = 30 (the most KMS allows): a month to cancel the deletion.
    wait = key["DeletionDate"] - datetime.now(key["DeletionDate"].tzinfo)
    assert timedelta(days=29) < wait <= timedelta(days=30), wait
    state = stack.tf.show_json()
    assert not state.get("values", {}).get("root_module", {}).get("resources")


def test_plan_works_before_the_zip_exists_and_apply_builds_it(deployment: Deployment) -> None:
    assert deployment.zip_existed_before_apply is False
    assert deployment.plan_before_apply == 2
    zip_path = deployment.stack.workdir / "build" / "paramguard-lambda.zip"
    assert zip_path.is_file()
    config = deployment.client("lambda").get_function_configuration(
        FunctionName=deployment.outputs["function_name"]
    )
    expected = base64.b64encode(hashlib.sha256(zip_path.read_bytes()).digest()).decode()
    assert config["CodeSha256"] == expected


def test_outputs(deployment: Deployment) -> None:
    """The outputs AWS computes (ARNs, the queue URL); names and URLs built from the inputs
    are checked at plan in tests/plan.tftest.hcl."""
    out = deployment.outputs
    assert out["function_arn"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{PREFIX}-analyzer"
    assert (
        out["alarm_arn"]
        == f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{PREFIX}-anomalies-detected"
    )
    assert out["sns_topic_arn"] == f"arn:aws:sns:{REGION}:{ACCOUNT}:{PREFIX}-alerts"
    assert out["failure_queue_url"].endswith(f"/{ACCOUNT}/{PREFIX}-analyzer-failures")
    assert out["trail_arn"] == f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{PREFIX}-trail"
    assert out["log_bucket_notification"]["lambda_function_arn"] == out["function_arn"]


def test_trail(deployment: Deployment) -> None:
    cloudtrail = deployment.client("cloudtrail")
    trail = cloudtrail.get_trail(Name=f"{PREFIX}-trail")["Trail"]
    assert trail["S3BucketName"] == deployment.outputs["log_bucket_name"]
    assert trail["IsMultiRegionTrail"] is True
    assert trail["LogFileValidationEnabled"] is True
    assert trail["IncludeGlobalServiceEvents"] is True
    selectors = cloudtrail.get_event_selectors(TrailName=f"{PREFIX}-trail")["EventSelectors"]
    assert [(s["ReadWriteType"], s["IncludeManagementEvents"]) for s in selectors] == [
        ("WriteOnly", True)
    ]
    assert cloudtrail.get_trail_status(Name=f"{PREFIX}-trail")["IsLogging"] is True


def test_bucket_notification_invokes_the_function(deployment: Deployment) -> None:
    config = deployment.client("s3").get_bucket_notification_configuration(
        Bucket=deployment.outputs["log_bucket_name"]
    )
    [target] = config["LambdaFunctionConfigurations"]
    assert target["LambdaFunctionArn"] == deployment.outputs["function_arn"]
    assert target["Events"] == ["s3:ObjectCreated:*"]
    rules = {r["Name"].lower(): r["Value"] for r in target["Filter"]["Key"]["FilterRules"]}
    assert rules == {"prefix": "AWSLogs/", "suffix": ".json.gz"}
    assert not config.get("QueueConfigurations") and not config.get("TopicConfigurations")

    policy = _json(
        deployment.client("lambda").get_policy(FunctionName=deployment.outputs["function_name"])[
            "Policy"
        ]
    )
    [grant] = iam_policy.statements(policy)
    assert grant["Principal"] == {"Service": "s3.amazonaws.com"}
    assert grant["Action"] == "lambda:InvokeFunction"
    condition = grant["Condition"]
    assert condition["ArnLike"]["AWS:SourceArn"] == (
        f"arn:aws:s3:::{deployment.outputs['log_bucket_name']}"
    )
    assert condition["StringEquals"]["AWS:SourceAccount"] == ACCOUNT


def test_function_configuration(deployment: Deployment) -> None:
    out = deployment.outputs
    config = deployment.client("lambda").get_function_configuration(
        FunctionName=out["function_name"]
    )
    assert config["Runtime"] == "python3.13"
    assert config["Handler"] == "paramguard.handler.lambda_handler"
    assert config["Architectures"] == ["arm64"]
    assert config["MemorySize"] == 256
    assert config["Timeout"] == 120
    assert config["Role"] == f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-analyzer"
    assert config["Environment"]["Variables"] == {
        "DICTIONARY_BUCKET": out["dictionary_bucket_name"],
        "DICTIONARY_KEY": "dictionary.txt",
        "DICTIONARY_TTL_SECONDS": "60",
        "METRIC_NAMESPACE": NAMESPACE,
        "SNS_TOPIC_ARN": out["sns_topic_arn"],
        "MAX_NOTIFICATIONS_PER_INVOCATION": "20",
        "LOG_LEVEL": "INFO",
        "DEDUP_TABLE_NAME": out["dedup_table_name"],
        "INVENTORY_REGIONS": "",
        "MAX_DECOMPRESSED_BYTES": str(96 * 1024 * 1024),  # (256 - 96) x 0.6 MiB, bench/hostile.py
        "DICTIONARY_MIN_RATIO_PERCENT": "20",
    }
    assert config["LoggingConfig"]["LogFormat"] == "JSON"
    assert config["LoggingConfig"]["LogGroup"] == out["log_group_name"]
    [group] = deployment.client("logs").describe_log_groups(
        logGroupNamePrefix=out["log_group_name"]
    )["logGroups"]
    assert group["logGroupName"] == out["log_group_name"]
    assert group["retentionInDays"] == 30
    tags = deployment.client("lambda").list_tags(Resource=out["function_arn"])["Tags"]
    assert tags["Project"] == "paramguard" and tags["Purpose"] == "test"


def test_failed_events_are_kept(deployment: Deployment) -> None:
    out = deployment.outputs
    config = deployment.client("lambda").get_function_event_invoke_config(
        FunctionName=out["function_name"]
    )
    sqs = deployment.client("sqs")
    attributes = sqs.get_queue_attributes(
        QueueUrl=out["failure_queue_url"], AttributeNames=["All"]
    )["Attributes"]
    assert config["MaximumRetryAttempts"] == 2
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == attributes["QueueArn"]
    assert attributes["SqsManagedSseEnabled"] == "true"
    assert attributes["MessageRetentionPeriod"] == "1209600"
    # `paramguard redrive` without --function holds a message this long: one invocation.
    assert attributes["VisibilityTimeout"] == str(120 + 30)


@dataclass(frozen=True)
class AlarmSpec:
    """What one alarm must watch and when it must fire, written out independently of alarms.tf."""

    name: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...] = ()
    statistic: str = "Sum"
    period: int = 60
    evaluation_periods: int = 1
    comparison: str = "GreaterThanOrEqualToThreshold"
    threshold: float = 1.0
    missing_data: str = "notBreaching"


def expected_alarms(
    prefix: str, *, s3: bool = True, rules: tuple[str, ...] = (), sweep: bool = False
) -> dict[str, AlarmSpec]:
    """Every alarm a deployment with these settings must have, by purpose."""
    specs = {
        "anomalies": AlarmSpec(f"{prefix}-anomalies-detected", NAMESPACE, "AnomaliesDetected"),
        "analyzer_errors": AlarmSpec(
            f"{prefix}-analyzer-errors",
            "AWS/Lambda",
            "Errors",
            (("FunctionName", f"{prefix}-analyzer"),),
        ),
        "dictionary_load_failures": AlarmSpec(
            f"{prefix}-dictionary-load-failures", NAMESPACE, "DictionaryLoadFailures"
        ),
        "log_file_failures": AlarmSpec(f"{prefix}-log-file-failures", NAMESPACE, "LogFileFailures"),
        "failure_queue": AlarmSpec(
            f"{prefix}-failure-queue-not-empty",
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            (("QueueName", f"{prefix}-analyzer-failures"),),
            statistic="Maximum",
            period=300,
        ),
    }
    if s3:
        # The default heartbeat_minutes = 60: twelve 5-minute periods without a log file.
        specs["heartbeat"] = AlarmSpec(
            f"{prefix}-heartbeat",
            NAMESPACE,
            "LogFilesProcessed",
            period=300,
            evaluation_periods=12,
            comparison="LessThanThreshold",
            missing_data="breaching",
        )
    if sweep:
        specs["inventory_failures"] = AlarmSpec(
            f"{prefix}-inventory-failures", NAMESPACE, "InventoryFailures"
        )
    for rule in rules:
        specs[f"{rule.replace('-', '_')}_failed_invocations"] = AlarmSpec(
            f"{prefix}-{rule}-failed-invocations",
            "AWS/Events",
            "FailedInvocations",
            (("RuleName", f"{prefix}-{rule}"),),
        )
    return specs


EXPECTED_ALARMS = expected_alarms(PREFIX)


def check_alarms(stack: moto_stack.MotoStack, prefix: str, expected: dict[str, AlarmSpec]) -> None:
    """The deployment has exactly the expected alarms, each as specified, all on the topic."""
    topic = stack.outputs["sns_topic_arn"]
    assert stack.outputs["alarm_names"] == {key: spec.name for key, spec in expected.items()}
    described = stack.client("cloudwatch").describe_alarms(AlarmNamePrefix=f"{prefix}-")
    alarms = {alarm["AlarmName"]: alarm for alarm in described["MetricAlarms"]}
    assert set(alarms) == {spec.name for spec in expected.values()}
    for key, spec in expected.items():
        alarm = alarms[spec.name]
        actual = AlarmSpec(
            alarm["AlarmName"],
            alarm["Namespace"],
            alarm["MetricName"],
            tuple((d["Name"], d["Value"]) for d in alarm.get("Dimensions", [])),
            alarm["Statistic"],
            alarm["Period"],
            alarm["EvaluationPeriods"],
            alarm["ComparisonOperator"],
            alarm["Threshold"],
            alarm["TreatMissingData"],
        )
        assert actual == spec, key
        # M of N with M = N: every period of the window must breach.
        assert alarm["DatapointsToAlarm"] == spec.evaluation_periods, key
        assert alarm["AlarmActions"] == [topic], key
        assert alarm["OKActions"] == [topic], key
        assert alarm["ActionsEnabled"] is True, key
        description = alarm["AlarmDescription"]
        assert "First check:" in description and len(description) <= 1024, key
        assert stack.outputs["alarm_guards"][key], key


def test_every_blind_spot_has_an_alarm_on_the_topic(deployment: Deployment) -> None:
    check_alarms(deployment.stack, PREFIX, EXPECTED_ALARMS)
    described = deployment.client("cloudwatch").describe_alarms(
        AlarmNames=[EXPECTED_ALARMS["heartbeat"].name]
    )["MetricAlarms"]
    assert "60 minutes" in described[0]["AlarmDescription"]
    assert f"{PREFIX}-trail" in described[0]["AlarmDescription"]


def test_topic_encryption_policy_and_email_subscription(deployment: Deployment) -> None:
    topic = deployment.outputs["sns_topic_arn"]
    sns = deployment.client("sns")
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    key_arn = attributes["KmsMasterKeyId"]
    key = deployment.client("kms").describe_key(KeyId=key_arn)["KeyMetadata"]
    # A customer managed key: alarms cannot publish to a topic under alias/aws/sns.
    assert key["KeyManager"] == "CUSTOMER"
    key_policy = _json(
        deployment.client("kms").get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"]
    )
    for_alarms = _statement(key_policy, "CloudWatchAlarmsPublish")
    assert for_alarms["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert set(iam_policy.as_list(for_alarms["Action"])) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    # Only for this account's alarms, and only for this topic.
    assert for_alarms["Condition"] == {
        "StringEquals": {
            "aws:SourceAccount": ACCOUNT,
            "kms:EncryptionContext:aws:sns:topicArn": topic,
        }
    }
    published = iam_policy.ApiCall(
        "kms:GenerateDataKey",
        "*",
        {"aws:SourceAccount": ACCOUNT, "kms:EncryptionContext:aws:sns:topicArn": topic},
    )
    alarms_only = {"Statement": [for_alarms]}
    assert iam_policy.is_allowed(alarms_only, published)
    for other in (
        {**published.context, "aws:SourceAccount": "210987654321"},
        {**published.context, "kms:EncryptionContext:aws:sns:topicArn": f"{topic}-other"},
    ):
        assert not iam_policy.is_allowed(
            alarms_only, iam_policy.ApiCall(published.action, "*", other)
        )

    policy = _json(attributes["Policy"])
    publish = _statement(policy, "CloudWatchAlarmsPublish")
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert publish["Action"] == "sns:Publish"
    assert publish["Resource"] == topic
    alarm_arns = sorted(
        f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}"
        for name in deployment.outputs["alarm_names"].values()
    )
    assert (
        sorted(iam_policy.as_list(publish["Condition"]["ArnLike"]["aws:SourceArn"])) == alarm_arns
    )
    assert not any(
        s.get("Principal") in ("*", {"AWS": "*"}) and s["Effect"] == "Allow"
        for s in iam_policy.statements(policy)
    )

    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", EMAIL)]


def test_log_bucket(deployment: Deployment) -> None:
    s3 = deployment.client("s3")
    bucket = deployment.outputs["log_bucket_name"]
    trail_arn = deployment.outputs["trail_arn"]
    policy = _json(s3.get_bucket_policy(Bucket=bucket)["Policy"])

    tls = _statement(policy, "DenyInsecureTransport")
    assert tls["Effect"] == "Deny"
    assert tls["Principal"] in ("*", {"AWS": "*"})
    assert tls["Action"] == "s3:*"
    assert sorted(iam_policy.as_list(tls["Resource"])) == [
        f"arn:aws:s3:::{bucket}",
        f"arn:aws:s3:::{bucket}/*",
    ]
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

    acl = _statement(policy, "AWSCloudTrailAclCheck")
    assert acl["Effect"] == "Allow"
    assert acl["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert acl["Action"] == "s3:GetBucketAcl"
    assert acl["Resource"] == f"arn:aws:s3:::{bucket}"
    assert acl["Condition"] == {"StringEquals": {"aws:SourceArn": trail_arn}}

    write = _statement(policy, "AWSCloudTrailWrite")
    assert write["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert write["Action"] == "s3:PutObject"
    assert write["Resource"] == f"arn:aws:s3:::{bucket}/AWSLogs/{ACCOUNT}/*"
    assert write["Condition"] == {
        "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}
    }

    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    [lifecycle] = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert lifecycle["Status"] == "Enabled" and lifecycle["Expiration"]["Days"] == 90
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
    assert ownership["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_dictionary_bucket(deployment: Deployment) -> None:
    s3 = deployment.client("s3")
    bucket = deployment.outputs["dictionary_bucket_name"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    policy = _json(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    tls = _statement(policy, "DenyInsecureTransport")
    assert tls["Effect"] == "Deny"
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    body = s3.get_object(Bucket=bucket, Key="dictionary.txt")["Body"].read()
    assert body == (REPO / "dictionary" / "dictionary.txt").read_bytes()


def _policy_from_state(deployment: Deployment) -> dict[str, Any]:
    state = deployment.stack.tf.show_json()
    for resource in state["values"]["root_module"]["resources"]:
        if resource["address"] == "aws_iam_role_policy.analyzer":
            policy: dict[str, Any] = _json(resource["values"]["policy"])
            return policy
    raise AssertionError("aws_iam_role_policy.analyzer is not in the state")


def _deployed_policy(deployment: Deployment) -> dict[str, Any]:
    policy = deployment.client("iam").get_role_policy(
        RoleName=f"{PREFIX}-analyzer", PolicyName=f"{PREFIX}-analyzer"
    )["PolicyDocument"]
    return _json(policy) if isinstance(policy, str) else dict(policy)


def test_role_policy_is_least_privilege_on_paper(deployment: Deployment) -> None:
    policy = _policy_from_state(deployment)
    assert policy == _deployed_policy(deployment)
    out = deployment.outputs
    actions = [a for s in iam_policy.statements(policy) for a in iam_policy.as_list(s["Action"])]
    assert all(s["Effect"] == "Allow" for s in iam_policy.statements(policy))
    assert not [a for a in actions if a == "*" or a.endswith(":*")], actions
    assert not [a for a in actions if a.lower().startswith("ssm:getparameter")], actions
    assert sorted(set(actions)) == sorted(
        {
            "s3:GetObject",
            "s3:GetObjectVersion",
            "sns:Publish",
            "kms:Decrypt",
            "kms:GenerateDataKey*",
            "ssm:DescribeParameters",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "sqs:SendMessage",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
        }
    )
    # Where it can write: its log group (the metrics are log lines), its topic, its failure
    # queue and its deduplication table; nothing else.
    failure_queue = deployment.client("sqs").get_queue_attributes(
        QueueUrl=out["failure_queue_url"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    table = deployment.client("dynamodb").describe_table(TableName=out["dedup_table_name"])
    assert _statement(policy, "SendFailedEvents")["Resource"] == failure_queue
    assert _statement(policy, "ClaimFindings")["Resource"] == table["Table"]["TableArn"]
    assert _statement(policy, "WriteOwnLogs")["Resource"].endswith(
        f":log-group:{out['log_group_name']}:*"
    )
    read_logs = _statement(policy, "ReadCloudTrailLogFiles")
    assert read_logs["Resource"] == f"arn:aws:s3:::{out['log_bucket_name']}/AWSLogs/*"
    # A versioned bucket's notifications name the version: GetObject with VersionId.
    assert sorted(read_logs["Action"]) == ["s3:GetObject", "s3:GetObjectVersion"]
    assert _statement(policy, "ReadDictionary")["Resource"] == (
        f"arn:aws:s3:::{out['dictionary_bucket_name']}/dictionary.txt"
    )
    assert _statement(policy, "PublishFindings")["Resource"] == out["sns_topic_arn"]
    # The topic's key, through SNS, for this topic only.
    assert _statement(policy, "EncryptFindings")["Condition"] == {
        "StringEquals": {
            "kms:ViaService": f"sns.{REGION}.amazonaws.com",
            "kms:EncryptionContext:aws:sns:topicArn": out["sns_topic_arn"],
        }
    }
    # "*" only where the action has no resource-level permissions.
    star = sorted(
        a
        for s in iam_policy.statements(policy)
        if "*" in iam_policy.as_list(s["Resource"])
        for a in iam_policy.as_list(s["Action"])
    )
    assert star == ["ssm:DescribeParameters"]
    # No kms:Decrypt for log files: this trail's logs are not KMS-encrypted.
    assert "DecryptCloudTrailLogFiles" not in {s.get("Sid") for s in iam_policy.statements(policy)}


# ---- The handler end to end on the deployed stack ----


@dataclass
class Story:
    """What happened when CloudTrail log files reached the function."""

    first: dict[str, Any]
    second: dict[str, Any]
    notified: list[str]
    calls: list[tuple[str, str, dict[str, Any]]]
    anomalies_sum: float
    versioned: Versioned


@dataclass
class Versioned:
    """A log file on a versioned bucket, from its notification and from a Batch 2.0 task."""

    key: str
    version_id: str
    notified: dict[str, Any]
    batch: dict[str, Any]
    reads: list[dict[str, Any]]  # parameters of the GetObject calls for the log file


def _put_log(deployment: Deployment, records: list[dict[str, Any]]) -> dict[str, Any]:
    bucket = deployment.outputs["log_bucket_name"]
    key = builders.log_object_key(ACCOUNT, REGION)
    body = builders.cloudtrail_log_gz(records)
    deployment.client("s3").put_object(Bucket=bucket, Key=key, Body=body)
    return builders.s3_object_created(bucket, key, len(body), REGION)


def _drain(sqs: Any, queue_url: str, want: int, timeout: float = 15.0) -> list[str]:
    messages: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(messages) < want:
        response = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        )
        for message in response.get("Messages", []):
            envelope = _json(message["Body"])
            messages.append(f"{envelope.get('Subject', '')}\n{envelope['Message']}")
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return messages


@pytest.fixture(scope="module")
def story(deployment: Deployment) -> Iterator[Story]:
    """Log files with plain-text secrets reach the function; the dictionary is then extended."""
    handler = pytest.importorskip(
        "paramguard.handler", reason="paramguard.handler is not written yet"
    )
    out = deployment.outputs
    sqs = deployment.client("sqs")
    sns = deployment.client("sns")
    ssm = deployment.client("ssm")
    s3 = deployment.client("s3")

    queue_url, subscription = moto_stack.subscribe_probe(
        deployment.stack, f"{PREFIX}-probe-{uuid.uuid4().hex[:6]}"
    )
    # The user's writes, as Parameter Store holds them afterwards.
    ssm.put_parameter(Name="/demo/prod/db_password", Value="hunter2", Type="String")
    ssm.put_parameter(Name="/demo/prod/api_token", Value="t0k3n", Type="String")
    ssm.put_parameter(Name="/demo/flux_capacitor_setting", Value="1.21GW", Type="String")

    first_records = [
        builders.put_parameter_record(
            "/demo/prod/db_password", parameter_type="String", account_id=ACCOUNT, region=REGION
        ),
        # An overwrite that does not restate the type: the function asks Parameter Store.
        builders.put_parameter_record(
            "/demo/prod/api_token",
            parameter_type=None,
            overwrite=True,
            account_id=ACCOUNT,
            region=REGION,
        ),
        builders.put_parameter_record(
            "/demo/prod/tls_private_key",
            parameter_type="SecureString",
            account_id=ACCOUNT,
            region=REGION,
        ),
        builders.put_parameter_record(
            "/demo/flux_capacitor_setting",
            parameter_type="String",
            account_id=ACCOUNT,
            region=REGION,
        ),
    ]
    calls: list[tuple[str, str, dict[str, Any]]] = []
    with (
        moto_stack.function_environment(
            deployment.stack, {"DICTIONARY_TTL_SECONDS": "0"}
        ) as context,
        # The function's stdout, which Lambda sends to its log group; moto extracts no metric.
        emf.record_emf() as metrics,
    ):
        event = _put_log(deployment, first_records)
        with iam_policy.record_api_calls() as recorded:
            first = handler.lambda_handler(event, context)
        calls += recorded
        notified = _drain(sqs, queue_url, want=2)

        dictionary = s3.get_object(Bucket=out["dictionary_bucket_name"], Key="dictionary.txt")[
            "Body"
        ].read()
        s3.put_object(
            Bucket=out["dictionary_bucket_name"],
            Key="dictionary.txt",
            Body=dictionary + b"\n# Added by the test, without a redeploy.\nflux capacitor\n",
        )
        second_records = [
            builders.put_parameter_record(
                "/demo/flux_capacitor_setting",
                parameter_type="String",
                overwrite=True,
                account_id=ACCOUNT,
                region=REGION,
            )
        ]
        event = _put_log(deployment, second_records)
        with iam_policy.record_api_calls() as recorded:
            second = handler.lambda_handler(event, context)
        calls += recorded
        notified += _drain(sqs, queue_url, want=1)

        versioned = _versioned_bucket_story(deployment, handler, context)
        calls += versioned.calls
        notified += _drain(sqs, queue_url, want=1)

    total = emf.metric_sum(metrics, NAMESPACE, "AnomaliesDetected") or 0.0
    sns.unsubscribe(SubscriptionArn=subscription)
    sqs.delete_queue(QueueUrl=queue_url)
    yield Story(first, second, notified, calls, total, versioned.result)


@dataclass
class _VersionedRun:
    result: Versioned
    calls: list[tuple[str, str, dict[str, Any]]]


def _versioned_bucket_story(deployment: Deployment, handler: Any, context: Any) -> _VersionedRun:
    """An organization log archive is versioned: its events name the version to read."""
    bucket = deployment.outputs["log_bucket_name"]
    s3 = deployment.client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    name = "/demo/prod/stripe_api_key"
    deployment.client("ssm").put_parameter(Name=name, Value="sk_live_x", Type="String")
    record = builders.put_parameter_record(
        name, parameter_type="String", account_id=ACCOUNT, region=REGION
    )
    key = builders.log_object_key(ACCOUNT, REGION)
    body = builders.cloudtrail_log_gz([record])
    version_id = s3.put_object(Bucket=bucket, Key=key, Body=body)["VersionId"]
    # CloudTrail never overwrites a log file; a newer version without the record shows
    # which version the function reads.
    s3.put_object(Bucket=bucket, Key=key, Body=builders.cloudtrail_log_gz([]))
    batch_request = {
        "invocationSchemaVersion": "2.0",
        "invocationId": uuid.uuid4().hex,
        "job": {"id": str(uuid.uuid4()), "userArguments": {}},
        "tasks": [
            {"taskId": "task-1", "s3Bucket": bucket, "s3Key": key, "s3VersionId": version_id}
        ],
    }
    with iam_policy.record_api_calls() as calls:
        notified = handler.lambda_handler(
            builders.s3_object_created(bucket, key, len(body), REGION, version_id=version_id),
            context,
        )
        # S3 Batch Operations 2.0 (a backfill of a versioned bucket) names it too.
        batch = handler.lambda_handler(batch_request, context)
    reads = [p for svc, op, p in calls if svc == "s3" and op == "GetObject" and p["Key"] == key]
    return _VersionedRun(Versioned(key, version_id, notified, batch, reads), list(calls))


def test_s3_notifies_the_function_only_for_log_files(story: Story, deployment: Deployment) -> None:
    server_events = moto_server.S3_LAMBDA_EVENTS
    arn = deployment.outputs["function_arn"]
    keys = [
        unquote_plus(e["Records"][0]["s3"]["object"]["key"]) for fn, e in server_events if fn == arn
    ]
    # The two log files of the story reached the function; the dictionary upload did not.
    assert len([k for k in keys if k.startswith("AWSLogs/") and k.endswith(".json.gz")]) >= 2
    bucket = deployment.outputs["log_bucket_name"]
    s3 = deployment.client("s3")
    before = len(server_events)
    s3.put_object(Bucket=bucket, Key=f"AWSLogs/{ACCOUNT}/CloudTrail-Digest/x.json", Body=b"{}")
    s3.put_object(Bucket=bucket, Key="other/x.json.gz", Body=b"")
    assert len(server_events) == before
    s3.put_object(Bucket=bucket, Key=builders.log_object_key(ACCOUNT, REGION), Body=b"")
    assert len(server_events) == before + 1


def test_handler_finds_plain_text_secrets(story: Story, deployment: Deployment) -> None:
    assert story.first["findings"] == 2, story.first
    text = "\n".join(story.notified)
    assert "/demo/prod/db_password" in text
    assert "/demo/prod/api_token" in text
    assert "tls_private_key" not in text  # a SecureString is fine
    # The deployed function's namespace, as its EMF lines name it (what the alarm watches).
    assert story.anomalies_sum >= 3


def test_new_dictionary_takes_effect_without_redeploy(story: Story) -> None:
    first_text = "\n".join(story.notified[:2])
    assert "flux_capacitor" not in first_text, "flux capacitor matched before it was added"
    assert story.second["findings"] == 1, story.second
    assert any("/demo/flux_capacitor_setting" in message for message in story.notified[2:])


def test_function_calls_are_allowed_by_its_role_and_nothing_more(
    story: Story, deployment: Deployment
) -> None:
    policy = _deployed_policy(deployment)
    api_calls = [iam_policy.api_call_for(s, o, p, REGION) for s, o, p in story.calls]
    assert api_calls, "no AWS calls were recorded"
    denied = [c for c in api_calls if not iam_policy.is_allowed(policy, c)]
    assert not denied, f"the deployed role would deny: {denied}"

    used = {c.action for c in api_calls}
    assert used == {
        "s3:GetObject",
        "s3:GetObjectVersion",  # the versioned bucket's log file
        "sns:Publish",
        "ssm:DescribeParameters",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    }
    # Used on the function's behalf by Lambda (logs, failure destination) and by SNS (key).
    by_aws = {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "sqs:SendMessage",
        "kms:Decrypt",
        "kms:GenerateDataKey*",
    }
    assert iam_policy.allowed_actions(policy) - used - by_aws == set()

    resources = {c.resource for c in api_calls if c.action == "s3:GetObject"}
    out = deployment.outputs
    assert f"arn:aws:s3:::{out['dictionary_bucket_name']}/dictionary.txt" in resources
    assert any(r.startswith(f"arn:aws:s3:::{out['log_bucket_name']}/AWSLogs/") for r in resources)
    versioned = {c.resource for c in api_calls if c.action == "s3:GetObjectVersion"}
    assert versioned == {f"arn:aws:s3:::{out['log_bucket_name']}/{story.versioned.key}"}


def test_versioned_log_bucket_reads_the_version_it_was_told(story: Story) -> None:
    versioned = story.versioned
    assert versioned.notified["findings"] == 1, versioned.notified
    assert any("/demo/prod/stripe_api_key" in message for message in story.notified)
    [result] = versioned.batch["results"]
    # The task's version holds the record; the current version is empty.
    assert (result["resultCode"], result["resultString"]) == ("Succeeded", "1 finding(s)")
    assert [read.get("VersionId") for read in versioned.reads] == [versioned.version_id] * 2


def test_policy_evaluator_can_say_no(deployment: Deployment) -> None:
    """The evaluator above is only worth something if it denies what the role must not do."""
    policy = _deployed_policy(deployment)
    out = deployment.outputs
    dictionary_bucket = out["dictionary_bucket_name"]
    for call in [
        iam_policy.ApiCall("s3:GetObject", f"arn:aws:s3:::{dictionary_bucket}/other.txt", {}),
        iam_policy.ApiCall(
            "s3:GetObject", f"arn:aws:s3:::{out['log_bucket_name']}/other/x.json.gz", {}
        ),
        iam_policy.ApiCall(
            "s3:GetObjectVersion", f"arn:aws:s3:::{out['log_bucket_name']}/other/x.json.gz", {}
        ),
        iam_policy.ApiCall(
            "s3:GetObjectVersion", f"arn:aws:s3:::{dictionary_bucket}/dictionary.txt", {}
        ),
        iam_policy.ApiCall("s3:PutObject", f"arn:aws:s3:::{dictionary_bucket}/dictionary.txt", {}),
        # The metrics are log lines: no PutMetricData, not even in its own namespace.
        iam_policy.ApiCall("cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": NAMESPACE}),
        iam_policy.ApiCall("sns:Publish", f"arn:aws:sns:{REGION}:{ACCOUNT}:someone-else", {}),
        iam_policy.ApiCall("ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/x", {}),
    ]:
        assert not iam_policy.is_allowed(policy, call), call


# ---- Value inspection: the role reads values only when inspect_values is on ----


def test_inspect_values_adds_get_parameter_and_its_alarm_only_when_on(
    deployment: Deployment,
) -> None:
    """Plan-level (a second apply/destroy would double the run time); the handler then runs
    in-process against moto with the planned policy. moto enforces no IAM: what proves the
    grant is the policy document evaluated against the calls recorded."""
    handler = pytest.importorskip("paramguard.handler")
    off = _deployed_policy(deployment)
    assert "ssm:GetParameter" not in iam_policy.allowed_actions(off)
    assert "value-read-failures" not in json.dumps(deployment.stack.tf.show_json())

    plan = _plan_json(deployment.stack.tf, {**VARIABLES, "inspect_values": True})
    after = {c["address"]: c["change"]["after"] for c in plan["resource_changes"]}
    on = _json(after["aws_iam_role_policy.analyzer"]["policy"])
    read = _statement(on, "ReadPlaintextValues")
    assert read["Action"] == "ssm:GetParameter"
    assert read["Resource"] == f"arn:aws:ssm:*:{ACCOUNT}:parameter/*"
    assert iam_policy.allowed_actions(on) - iam_policy.allowed_actions(off) == {"ssm:GetParameter"}
    assert not {"ssm:GetParameters", "ssm:GetParametersByPath"} & iam_policy.allowed_actions(on)
    # The aws/ssm key policy allows Decrypt to every principal of the account (SSM guide,
    # "Restricting decryption of SecureString parameter values"): with that allow added, the
    # role's explicit deny still refuses decryption through SSM, and only through SSM.
    key_policy_allow = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
    with_key = {**on, "Statement": [*iam_policy.statements(on), key_policy_allow]}
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/any"
    through = {"kms:ViaService": f"ssm.{REGION}.amazonaws.com"}
    assert not iam_policy.is_allowed(with_key, iam_policy.ApiCall("kms:Decrypt", key, through))
    sns = {"kms:ViaService": f"sns.{REGION}.amazonaws.com"}
    assert iam_policy.is_allowed(with_key, iam_policy.ApiCall("kms:Decrypt", key, sns))
    assert "NeverDecryptParameterValues" not in json.dumps(off)
    env = after["aws_lambda_function.analyzer"]["environment"][0]["variables"]
    assert env["INSPECT_VALUES"] == "true"
    alarm = after['aws_cloudwatch_metric_alarm.detector["value_read_failures"]']
    assert (alarm["metric_name"], alarm["namespace"]) == ("ValueReadFailures", NAMESPACE)

    ssm = deployment.client("ssm")
    token = "ghp_" + "Zq8XwL2mNv5RtY7uB3kD9fH1jP4sG6aC0eVx"
    version = ssm.put_parameter(Name="/integrations/acme-prod", Value=token, Type="String")
    record = builders.put_parameter_record(
        "/integrations/acme-prod", parameter_type="String", account_id=ACCOUNT, region=REGION
    )
    record["responseElements"] = {"version": version["Version"], "tier": "Standard"}
    with moto_stack.function_environment(deployment.stack, {"INSPECT_VALUES": "true"}) as context:
        event = _put_log(deployment, [record])
        with iam_policy.record_api_calls() as recorded:
            result = handler.lambda_handler(event, context)
    assert result["findings"] == 1, result
    calls = [iam_policy.api_call_for(s, o, p, REGION) for s, o, p in recorded]
    reads = [c for c in calls if c.action == "ssm:GetParameter"]
    assert [c.resource for c in reads] == [
        f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/integrations/acme-prod"
    ]
    assert [c for c in calls if not iam_policy.is_allowed(on, c)] == []
    assert not iam_policy.is_allowed(off, reads[0])


# ---- Dashboard, saved queries, Security Hub and EventBridge (issue 13) ----


def test_deployed_dashboard_plots_what_the_function_publishes(deployment: Deployment) -> None:
    from paramguard.report import Counters

    body = _json(
        deployment.client("cloudwatch").get_dashboard(DashboardName=PREFIX)["DashboardBody"]
    )
    plotted = {
        line[1]
        for widget in body["widgets"]
        for line in widget.get("properties", {}).get("metrics", [])
        if line[0] == NAMESPACE
    }
    published = {name for name, _, _ in Counters(inspect_values=True).metrics()}
    assert plotted == published
    [alarms] = [w["properties"]["alarms"] for w in body["widgets"] if w["type"] == "alarm"]
    described = deployment.client("cloudwatch").describe_alarms(AlarmNamePrefix=f"{PREFIX}-")
    assert sorted(alarms) == sorted(a["AlarmArn"] for a in described["MetricAlarms"])
    assert deployment.outputs["dashboard_console_url"].endswith(f"#dashboards/dashboard/{PREFIX}")
    # moto has no query definitions; support/moto_server.py stores what the provider sends.
    queries = deployment.client("logs").describe_query_definitions(
        queryDefinitionNamePrefix=f"{PREFIX}/"
    )["queryDefinitions"]
    assert {q["name"] for q in queries} == set(deployment.outputs["saved_query_names"].values())
    assert all(q["logGroupNames"] == [f"/aws/lambda/{PREFIX}-analyzer"] for q in queries)


def test_exports_add_their_grants_only_when_on(deployment: Deployment) -> None:
    """The planned policy allows exactly the Security Hub and EventBridge calls the handler
    makes (recorded in-process against moto), and the deployed one (exports off) does not.
    moto enforces no IAM: the evaluator checks the documents against the calls."""
    handler = pytest.importorskip("paramguard.handler")
    off = _deployed_policy(deployment)
    variables = {**VARIABLES, "securityhub_findings": True, "eventbridge_findings": True}
    plan = _plan_json(deployment.stack.tf, variables)
    after = {c["address"]: c["change"]["after"] for c in plan["resource_changes"]}
    on = _json(after["aws_iam_role_policy.analyzer"]["policy"])
    assert iam_policy.allowed_actions(on) - iam_policy.allowed_actions(off) == {
        "securityhub:BatchImportFindings",
        "securityhub:BatchUpdateFindings",
        "securityhub:GetFindings",
        "events:PutEvents",
    }
    for action in ("securityhub:GetFindings", "securityhub:BatchUpdateFindings"):
        hub = iam_policy.api_call_for("securityhub", action.split(":")[1], {}, REGION)
        assert iam_policy.is_allowed(on, hub) and not iam_policy.is_allowed(off, hub)
    env = after["aws_lambda_function.analyzer"]["environment"][0]["variables"]
    overrides = {"SECURITYHUB_FINDINGS": env["SECURITYHUB_FINDINGS"], "EVENT_BUS_NAME": "default"}
    record = builders.put_parameter_record(
        "/prod/export/db_password", parameter_type="String", account_id=ACCOUNT, region=REGION
    )
    with moto_stack.function_environment(deployment.stack, overrides) as context:
        event = _put_log(deployment, [record])
        with iam_policy.record_api_calls() as recorded:
            result = handler.lambda_handler(event, context)
    assert result["findings"] == 1, result
    calls = [iam_policy.api_call_for(s, o, p, REGION) for s, o, p in recorded]
    exports = [
        c for c in calls if c.action in ("securityhub:BatchImportFindings", "events:PutEvents")
    ]
    assert sorted(c.action for c in exports) == [
        "events:PutEvents",
        "securityhub:BatchImportFindings",
    ]
    assert [c for c in calls if not iam_policy.is_allowed(on, c)] == []
    assert not [c for c in exports if iam_policy.is_allowed(off, c)]
    hub = deployment.client("securityhub").get_findings()["Findings"]
    assert [f["Resources"][0]["Id"] for f in hub] == [
        f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/prod/export/db_password"
    ]


# ---- Idempotence, user uploads, code changes ----


def test_second_apply_is_a_no_op(deployment: Deployment) -> None:
    code, text = deployment.stack.tf.plan_exit_code(VARIABLES)
    assert code == 0, text[-4000:]
    output = deployment.stack.tf.apply(VARIABLES)
    assert "0 added, 0 changed, 0 destroyed" in output


def test_user_dictionary_upload_is_not_reverted(deployment: Deployment) -> None:
    s3 = deployment.client("s3")
    bucket = deployment.outputs["dictionary_bucket_name"]
    uploaded = b"# uploaded by an operator\npassword\nflux capacitor\nwarp core\n"
    # As `aws s3 cp` would, minus the content type (a different one must not matter either).
    s3.put_object(Bucket=bucket, Key="dictionary.txt", Body=uploaded)
    code, text = deployment.stack.tf.plan_exit_code(VARIABLES)
    assert code == 0, text[-4000:]
    deployment.stack.tf.apply(VARIABLES)
    assert s3.get_object(Bucket=bucket, Key="dictionary.txt")["Body"].read() == uploaded


def test_only_a_source_change_redeploys_the_code(deployment: Deployment) -> None:
    workdir = deployment.stack.workdir
    lambda_client = deployment.client("lambda")
    name = deployment.outputs["function_name"]
    before = lambda_client.get_function_configuration(FunctionName=name)["CodeSha256"]

    # A file that is not part of the package changes nothing.
    (workdir / "function" / "NOTES.md").write_text("not shipped\n")
    code, text = deployment.stack.tf.plan_exit_code(VARIABLES)
    assert code == 0, text[-4000:]

    marker = f"# redeploy marker {uuid.uuid4().hex}\n"
    with (workdir / "function" / "paramguard" / "config.py").open("a") as handle:
        handle.write(marker)
    code, text = deployment.stack.tf.plan_exit_code(VARIABLES)
    assert code == 2
    assert "Plan: 1 to add, 1 to change, 1 to destroy." in text, text[-4000:]
    assert "aws_lambda_function.analyzer will be updated in-place" in text
    assert "terraform_data.lambda_package must be replaced" in text

    deployment.stack.tf.apply(VARIABLES)
    after = lambda_client.get_function_configuration(FunctionName=name)["CodeSha256"]
    zip_path = workdir / "build" / "paramguard-lambda.zip"
    assert after != before
    assert after == base64.b64encode(hashlib.sha256(zip_path.read_bytes()).digest()).decode()
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.read("paramguard/config.py").decode().endswith(marker)
    code, text = deployment.stack.tf.plan_exit_code(VARIABLES)
    assert code == 0, text[-4000:]


# ---- Plans as JSON ----


def _plan_json(tf: terraform.Tf, variables: dict[str, Any]) -> dict[str, Any]:
    tf.run("plan", input=False, out="tfplan", var=variables)
    plan: dict[str, Any] = _json(tf._stdout("show", "-json", "tfplan"))
    return plan


# ---- The minimal example, planned against moto ----


def test_minimal_example_plans_against_moto(deployment: Deployment, tmp_path: Path) -> None:
    """Through modules/paramguard's links: the package's sources are found, every resource
    of a deployment is planned under module.paramguard, with the caller's provider."""
    workdir = _example_copy(REPO / "examples" / "minimal", tmp_path)
    (workdir / "moto_override.tf").write_text(
        terraform.moto_override(deployment.stack.endpoint, REGION)
    )
    tf = terraform.Tf(workdir, awsutil.aws_env(deployment.stack.endpoint, REGION))
    tf.init()
    plan = _plan_json(tf, {"notification_email": EMAIL})
    created = {
        change["address"]
        for change in plan["resource_changes"]
        if change["change"]["actions"] == ["create"]
    }
    assert {
        "module.paramguard.aws_lambda_function.analyzer",
        "module.paramguard.aws_cloudtrail.main[0]",
        "module.paramguard.module.trail_logs_bucket[0].aws_s3_bucket.this",
        "module.paramguard.module.dictionary_bucket.aws_s3_bucket_policy.this",
        'module.paramguard.aws_cloudwatch_metric_alarm.detector["anomalies"]',
    } <= created
    managed = [c for c in plan["resource_changes"] if c["mode"] == "managed"]
    assert all(address.startswith("module.paramguard.") for address in created)
    assert len(created) == len(managed) > 30
    function = next(
        c["change"]["after"]
        for c in plan["resource_changes"]
        if c["address"] == "module.paramguard.aws_lambda_function.analyzer"
    )
    # The hash of the repository's package sources: the links reach the same files.
    sources = sorted(
        [f"function/paramguard/{p.name}" for p in (REPO / "function" / "paramguard").glob("*.py")]
        + ["function/paramguard/py.typed", "dictionary/dictionary.txt", "scripts/package_lambda.py"]
    )
    listing = "\n".join(
        f"{name} {hashlib.sha256((REPO / name).read_bytes()).hexdigest()}" for name in sources
    )
    expected = base64.b64encode(hashlib.sha256(listing.encode()).digest()).decode()
    assert function["source_code_hash"] == expected


# ---- Upgrading a deployment made before the alarms became one map ----

# The last commit with the three alarms as separate resources.
ALARMS_AS_RESOURCES = "d2bb5c6308bfa3941869046284632c795e2a15b1"


def test_upgrade_keeps_the_existing_alarms(deployment: Deployment, tmp_path: Path) -> None:
    workdir = tmp_path / "module"
    if not terraform.module_at_commit(ALARMS_AS_RESOURCES, workdir):
        pytest.skip(f"commit {ALARMS_AS_RESOURCES} is not in this clone's history")
    (workdir / "moto_override.tf").write_text(
        terraform.moto_override(deployment.stack.endpoint, REGION)
    )
    tf = terraform.Tf(workdir, awsutil.aws_env(deployment.stack.endpoint, REGION))
    variables: dict[str, Any] = {"name_prefix": "pgold", "force_destroy": True}
    cloudwatch = deployment.client("cloudwatch")
    tf.init()
    try:
        tf.apply(variables)
        described = cloudwatch.describe_alarms(AlarmNamePrefix="pgold-")["MetricAlarms"]
        assert {alarm["AlarmName"] for alarm in described} == {
            "pgold-anomalies-detected",
            "pgold-analyzer-errors",
            "pgold-dictionary-load-failures",
        }
        terraform.upgrade_module(workdir)
        tf.init()  # the current tree calls local modules (modules/private-bucket)
        plan = _plan_json(tf, variables)
        alarms = {
            change["address"]: change
            for change in plan["resource_changes"]
            if change["type"] == "aws_cloudwatch_metric_alarm"
        }
        # The same alarm, moved in the state and updated in place: never destroyed and
        # created again (which would also drop its state and history).
        for key in ("anomalies", "analyzer_errors", "dictionary_load_failures"):
            change = alarms.pop(f'aws_cloudwatch_metric_alarm.detector["{key}"]')
            assert change["previous_address"] == f"aws_cloudwatch_metric_alarm.{key}"
            assert change["change"]["actions"] in (["no-op"], ["update"]), change["change"]
            before_name = change["change"]["before"]["alarm_name"]
            assert change["change"]["after"]["alarm_name"] == before_name
        # Everything else is a new alarm; nothing is destroyed.
        assert {a: c["change"]["actions"] for a, c in alarms.items()} == {
            f'aws_cloudwatch_metric_alarm.detector["{key}"]': ["create"]
            for key in ("log_file_failures", "failure_queue", "heartbeat")
        }
    finally:
        tf.destroy(variables)


# ---- Upgrading a deployment made before main.tf was split by concern ----

# The last commit with one main.tf (issue 12). Every conditional resource is on, so the plan
# covers all of them: both trigger paths, the sweep, value inspection, the email.
BEFORE_SPLIT = "e5c08e8"
SPLIT_VARIABLES: dict[str, Any] = {
    **VARIABLES,
    "name_prefix": "pgsplit",
    "trigger_mode": "both",
    "inventory_schedule": "rate(1 day)",
    "inspect_values": True,
}


SINCE_SPLIT = {
    "aws_cloudwatch_dashboard.detector[0]": ["create"],
    'aws_cloudwatch_query_definition.detector["failed-files"]': ["create"],
    'aws_cloudwatch_query_definition.detector["findings-by-actor"]': ["create"],
}


def test_upgrade_from_one_main_tf_plans_no_change(deployment: Deployment, tmp_path: Path) -> None:
    """Files by concern, the bucket module and moved blocks: an existing deployment's plan
    moves state addresses at most; it changes only what changed on purpose since (the role).

    The function's code and its packaging script are held at the old commit's: the claim is
    about the configuration (the Python moved, and the zip now carries python-isal: a new
    zip is an in-place code update, as for any release)."""
    workdir = tmp_path / "module"
    if not terraform.module_at_commit(BEFORE_SPLIT, workdir):
        pytest.skip(f"commit {BEFORE_SPLIT} is not in this clone's history")
    old_code = tmp_path / "old-code"
    assert terraform.module_at_commit(BEFORE_SPLIT, old_code)
    (workdir / "moto_override.tf").write_text(
        terraform.moto_override(deployment.stack.endpoint, REGION)
    )
    tf = terraform.Tf(workdir, awsutil.aws_env(deployment.stack.endpoint, REGION))
    tf.init()
    try:
        tf.apply(SPLIT_VARIABLES)
        terraform.upgrade_module(workdir)
        for held in ("function", "scripts"):  # what goes into the zip, and what builds it
            shutil.rmtree(workdir / held)
            shutil.copytree(old_code / held, workdir / held, symlinks=True)
        tf.init()
        plan = _plan_json(tf, SPLIT_VARIABLES)
        changed = {
            change["address"]: change["change"]["actions"]
            for change in plan["resource_changes"]
            if change["change"]["actions"] != ["no-op"]
        }
        # Since that commit: the role lost cloudwatch:PutMetricData (metrics are EMF lines),
        # and the dashboard with its saved queries (issue 13, on by default) is new.
        assert changed == {**SINCE_SPLIT, "aws_iam_role_policy.analyzer": ["update"]}, changed
        [role_policy] = [
            c["change"]
            for c in plan["resource_changes"]
            if c["address"] == "aws_iam_role_policy.analyzer"
        ]
        before, after = (
            {s.get("Sid") for s in iam_policy.statements(_json(role_policy[when]["policy"]))}
            for when in ("before", "after")
        )
        # With inspect_values on, the role now denies kms:Decrypt through SSM explicitly.
        assert (before - after, after - before) == ({"PutMetrics"}, {"NeverDecryptParameterValues"})
        outputs = {
            name: change["actions"]
            for name, change in plan.get("output_changes", {}).items()
            if change["actions"] != ["no-op"]
        }
        # New outputs since: the dashboard's (issue 13) and the function's role ARN, which the
        # member role trusts (issue 15; the other organization outputs are null when off).
        assert outputs == {
            "dashboard_console_url": ["create"],
            "saved_query_names": ["create"],
            "function_role_arn": ["create"],
        }
        assert len(plan["resource_changes"]) > 50  # the whole deployment was compared
    finally:
        tf.destroy(SPLIT_VARIABLES)


# ---- Near-real-time triggers: EventBridge alone, then both paths and the sweep ----

EB_PREFIX = "pgeb"
SAMPLES = REPO / "tests" / "events"


@pytest.fixture(scope="module")
def eventbridge_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[moto_stack.MotoStack]:
    """The module applied with trigger_mode = "eventbridge" on a moto server of its own;
    destroyed by the finaliser, which checks nothing is left."""
    server = moto_server.MotoServer().start()
    try:
        variables = {**VARIABLES, "name_prefix": EB_PREFIX, "trigger_mode": "eventbridge"}
        workdir = tmp_path_factory.mktemp("eventbridge") / "module"
        stack = moto_stack.deploy_to_moto(workdir, server.endpoint, REGION, variables)
        try:
            yield stack
        finally:
            if not stack.destroyed:
                _eventbridge_stack_destroys_cleanly(stack)
    finally:
        server.stop()


def _eventbridge_stack_destroys_cleanly(stack: moto_stack.MotoStack) -> None:
    stack.destroy()
    assert stack.client("events").list_rules(NamePrefix=EB_PREFIX)["Rules"] == []
    tables = stack.client("dynamodb").list_tables()["TableNames"]
    assert not [t for t in tables if t.startswith(EB_PREFIX)]
    functions = stack.client("lambda").list_functions()["Functions"]
    assert not [f for f in functions if f["FunctionName"].startswith(EB_PREFIX)]
    state = stack.tf.show_json()
    assert not state.get("values", {}).get("root_module", {}).get("resources")


def _rule_pattern(stack: moto_stack.MotoStack, purpose: str) -> Any:
    name = stack.outputs["event_rule_names"][purpose]
    return _json(stack.client("events").describe_rule(Name=name)["EventPattern"])


def test_eventbridge_mode_invokes_from_rules_not_from_the_bucket(
    eventbridge_stack: moto_stack.MotoStack,
) -> None:
    stack = eventbridge_stack
    out = stack.outputs
    assert set(out["event_rule_names"]) == {"put-parameter", "parameter-change"}
    pattern = _rule_pattern(stack, "put-parameter")
    assert pattern == {
        "source": ["aws.ssm"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": ["ssm.amazonaws.com"],
            "eventName": ["PutParameter"],
            "errorCode": [{"exists": False}],
        },
    }
    # moto's EventBridge pattern matcher (AWS's own cannot run here): a refused call,
    # which stored nothing, does not invoke the function.
    from moto.events.models import EventPattern

    matcher: Any = EventPattern.load(json.dumps(pattern))
    record = builders.put_parameter_record(
        "/app/db_password", parameter_type="String", account_id=ACCOUNT, region=REGION
    )
    event = _eventbridge_event(
        "eventbridge_ssm_parameter_store_change_create.json", account=ACCOUNT, detail=record
    )
    event["detail-type"] = "AWS API Call via CloudTrail"
    assert matcher.matches_event(event)
    refused = {**record, "errorCode": "AccessDenied", "errorMessage": "not authorized"}
    assert not matcher.matches_event({**event, "detail": refused})
    assert _rule_pattern(stack, "parameter-change") == {
        "source": ["aws.ssm"],
        "detail-type": ["Parameter Store Change"],
        "detail": {"operation": ["Create", "Update"], "type": ["String", "StringList"]},
    }
    events = stack.client("events")
    queue_arn = stack.client("sqs").get_queue_attributes(
        QueueUrl=out["failure_queue_url"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    for rule in out["event_rule_names"].values():
        [target] = events.list_targets_by_rule(Rule=rule)["Targets"]
        assert target["Arn"] == out["function_arn"]
        assert target["DeadLetterConfig"]["Arn"] == queue_arn
    policy = _json(stack.client("lambda").get_policy(FunctionName=out["function_name"])["Policy"])
    grants = {statement["Sid"]: statement for statement in policy["Statement"]}
    assert set(grants) == {"AllowEventBridge-put-parameter", "AllowEventBridge-parameter-change"}
    for purpose, rule in out["event_rule_names"].items():
        grant = grants[f"AllowEventBridge-{purpose}"]
        assert grant["Principal"] == {"Service": "events.amazonaws.com"}
        # The rule's ARN only, which names the account: no AWS:SourceAccount, which
        # EventBridge is not documented to send.
        rule_arn = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{rule}"
        assert grant["Condition"] == {"ArnLike": {"AWS:SourceArn": rule_arn}}
    check_alarms(
        stack, EB_PREFIX, expected_alarms(EB_PREFIX, s3=False, rules=tuple(out["event_rule_names"]))
    )
    notification = stack.client("s3").get_bucket_notification_configuration(
        Bucket=out["log_bucket_name"]
    )
    assert not notification.get("LambdaFunctionConfigurations")

    table = out["dedup_table_name"]
    ttl = stack.client("dynamodb").describe_time_to_live(TableName=table)
    assert ttl["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires_at",
    }
    described = stack.client("dynamodb").describe_table(TableName=table)["Table"]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    # The AWS managed key aws/dynamodb (KMS), not the AWS owned default.
    assert described["SSEDescription"]["Status"] == "ENABLED"
    assert described["SSEDescription"]["SSEType"] == "KMS"
    config = stack.client("lambda").get_function_configuration(FunctionName=out["function_name"])
    assert config["Environment"]["Variables"]["DEDUP_TABLE_NAME"] == table
    state = stack.tf.show_json()
    role_policy = next(
        _json(r["values"]["policy"])
        for r in state["values"]["root_module"]["resources"]
        if r["address"] == "aws_iam_role_policy.analyzer"
    )
    claim = _statement(role_policy, "ClaimFindings")
    assert sorted(claim["Action"]) == ["dynamodb:PutItem", "dynamodb:UpdateItem"]
    assert claim["Resource"] == described["TableArn"]


def _eventbridge_event(sample: str, **fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = _json((SAMPLES / sample).read_text())
    event.update(fields)
    return event


def test_both_paths_and_the_sweep_notify_a_write_once(
    eventbridge_stack: moto_stack.MotoStack,
) -> None:
    handler = pytest.importorskip("paramguard.handler")
    stack = eventbridge_stack
    stack.variables = {
        **stack.variables,
        "trigger_mode": "both",
        "inventory_schedule": "rate(1 day)",
    }
    stack.tf.apply(stack.variables)
    stack.refresh_outputs()
    out = stack.outputs
    assert set(out["event_rule_names"]) == {"put-parameter", "parameter-change", "inventory"}
    schedule = stack.client("events").describe_rule(Name=out["event_rule_names"]["inventory"])
    assert schedule["ScheduleExpression"] == "rate(1 day)"
    # The S3 path brings the heartbeat, the sweep its failures, each rule its invocations.
    check_alarms(
        stack,
        EB_PREFIX,
        expected_alarms(EB_PREFIX, rules=tuple(out["event_rule_names"]), sweep=True),
    )
    notification = stack.client("s3").get_bucket_notification_configuration(
        Bucket=out["log_bucket_name"]
    )
    [lambda_config] = notification["LambdaFunctionConfigurations"]
    assert lambda_config["LambdaFunctionArn"] == out["function_arn"]

    queue_url, _ = moto_stack.subscribe_probe(stack, f"{EB_PREFIX}-probe")
    # moto's state is per process: the other deployment's parameters are there too.
    name = "/demo/eventbridge/db_password"
    stack.client("ssm").put_parameter(Name=name, Value="hunter2", Type="String", Overwrite=True)
    record = builders.put_parameter_record(
        name, parameter_type="String", account_id=ACCOUNT, region=REGION
    )
    api_call = _eventbridge_event(
        "eventbridge_ssm_parameter_store_change_create.json",
        account=ACCOUNT,
        region=REGION,
        detail=record,
    )
    api_call["detail-type"] = "AWS API Call via CloudTrail"
    change = _eventbridge_event(
        "eventbridge_ssm_parameter_store_change_create.json", account=ACCOUNT, region=REGION
    )
    change["detail"]["name"] = name
    change["time"] = record["eventTime"]  # the same write
    sweep = _eventbridge_event(
        "eventbridge_ssm_parameter_store_change_create.json", account=ACCOUNT, region=REGION
    )
    sweep.update({"detail-type": "Scheduled Event", "source": "aws.events", "detail": {}})
    bucket = out["log_bucket_name"]
    key = builders.log_object_key(ACCOUNT, REGION)
    body = builders.cloudtrail_log_gz([record])
    stack.client("s3").put_object(Bucket=bucket, Key=key, Body=body)
    s3_event = builders.s3_object_created(bucket, key, len(body), REGION)

    with moto_stack.function_environment(stack) as context:
        # EventBridge first (seconds), Parameter Store's own event, then the log file
        # CloudTrail delivers minutes later, then the daily sweep.
        results = [
            handler.lambda_handler(event, context) for event in (api_call, change, s3_event, sweep)
        ]
    assert [r["findings"] for r in results[:3]] == [1, 0, 0]
    assert [r["repeats"] for r in results[:3]] == [0, 1, 1]
    assert results[3]["kind"] == "schedule" and results[3]["repeats"] >= 1
    # Other plaintext parameters in moto may be swept up too; this write is notified once.
    messages = _drain(stack.client("sqs"), queue_url, want=1 + results[3]["findings"], timeout=5.0)
    ours = [m for m in messages if f"Parameter:      {name}\n" in m]
    assert len(ours) == 1
    assert "arn:aws:iam::" in ours[0]  # the EventBridge path carries the actor


# ---- Opt-in: a real AWS account ----


@pytest.mark.aws_e2e
@pytest.mark.skipif(
    os.environ.get("PARAMGUARD_AWS_E2E") != "1",
    reason="touches a real AWS account; set PARAMGUARD_AWS_E2E=1 (and credentials) to run",
)
def test_real_account_alarm_fires(tmp_path: Path) -> None:
    """On a versioned log bucket, a plaintext write raises the alarm and its notification."""
    import boto3

    suffix = uuid.uuid4().hex[:6]
    variables: dict[str, Any] = {
        "name_prefix": f"pg-e2e-{suffix}",
        "force_destroy": True,
        "notification_email": os.environ.get("PARAMGUARD_E2E_EMAIL", ""),
    }
    workdir = terraform.copy_module(tmp_path / "module")
    tf = terraform.Tf(workdir)
    ssm = boto3.client("ssm")
    cloudwatch = boto3.client("cloudwatch")
    name = f"/paramguard-e2e/{suffix}/db_password"
    tf.init()
    try:
        tf.apply(variables)
        outputs = tf.outputs()
        alarm = outputs["alarm_name"]
        # Organization log archives are versioned: every notification then names the
        # version, which the role must be allowed to read (s3:GetObjectVersion).
        boto3.client("s3").put_bucket_versioning(
            Bucket=outputs["log_bucket_name"], VersioningConfiguration={"Status": "Enabled"}
        )
        ssm.put_parameter(Name=name, Value="not-a-real-secret", Type="String")
        deadline = time.monotonic() + 20 * 60
        state = ""
        while time.monotonic() < deadline:
            [metric_alarm] = cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"]
            state = metric_alarm["StateValue"]
            if state == "ALARM":
                break
            time.sleep(30)
        assert state == "ALARM", f"{alarm} stayed {state} for 20 minutes"
        # The alarm could publish to the encrypted topic: the key policy's conditions
        # (aws:SourceAccount, the topic's encryption context) admit CloudWatch.
        summaries: list[str] = []
        deadline = time.monotonic() + 3 * 60
        while time.monotonic() < deadline and not summaries:
            history = cloudwatch.describe_alarm_history(AlarmName=alarm, HistoryItemType="Action")[
                "AlarmHistoryItems"
            ]
            summaries = [item["HistorySummary"] for item in history]
            time.sleep(10)
        assert summaries and not [s for s in summaries if "Failed" in s], summaries
    finally:
        try:
            ssm.delete_parameter(Name=name)
        except ssm.exceptions.ParameterNotFound:
            pass
        finally:
            tf.destroy(variables)
            shutil.rmtree(workdir / ".terraform", ignore_errors=True)
