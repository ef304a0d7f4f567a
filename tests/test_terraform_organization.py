"""The organization deployment (issue 15) applied to moto: the member role's StackSet, the
detector's cross-account grants, the organization sweep's queues and alarms.

An organization with two member accounts (one in an OU) is created on moto, then the module
is applied from its management account with organization_member_role, inventory_schedule and
inventory_organization on. moto deploys service-managed stack instances (it creates the
template's role in each target account), so the role each member account receives is read
back with IAM and evaluated. What moto cannot prove, checked against the AWS documentation
instead (cited in organization.tf and modules/member-role): it enforces no IAM policy (the
IAM evaluator in support/iam_policy.py decides), it ignores auto_deployment, call_as,
operation preferences and managed execution, it deploys to the management account too
(CloudFormation does not: DeploymentTargets), and it runs no Lambda poller on the queue.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pytest

from support import awsutil, iam_policy, moto_server, moto_stack, terraform

REGION = "eu-west-1"
PREFIX = "pgorg"
MANAGEMENT = awsutil.ACCOUNT  # the account the module is applied from (moto's default)
ROLE_NAME = "paramguard-member"  # the default name organization_member_role deploys
DETECTOR_ROLE = f"arn:aws:iam::{MANAGEMENT}:role/{PREFIX}-analyzer"
VARIABLES: dict[str, Any] = {
    "name_prefix": PREFIX,
    "force_destroy": True,
    "organization_member_role": True,
    "member_role_call_as": "SELF",
    "inventory_schedule": "rate(1 day)",
    "inventory_organization": True,
}

_UNAVAILABLE = terraform.terraform_unavailable()
pytestmark = [
    pytest.mark.terraform,
    pytest.mark.skipif(_UNAVAILABLE is not None, reason=_UNAVAILABLE or ""),
    pytest.mark.filterwarnings("ignore:The 'warn' method is deprecated:DeprecationWarning"),
]


@dataclass
class Organization:
    """The organization on moto and the module applied from its management account."""

    stack: moto_stack.MotoStack
    organization_id: str
    root_id: str
    members: list[str]

    def member_client(self, service: str, account: str) -> Any:
        """A client acting in a member account (moto maps assumed credentials to it)."""
        import boto3

        credentials = self.stack.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
            RoleSessionName="pgtest",
        )["Credentials"]
        return boto3.client(
            service,  # type: ignore[call-overload]
            endpoint_url=self.stack.endpoint,
            region_name=REGION,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )


@pytest.fixture(scope="module")
def organization(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Organization]:
    server = moto_server.MotoServer().start()
    try:
        orgs = awsutil.client("organizations", server.endpoint, REGION)
        organization_id = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        root_id = orgs.list_roots()["Roots"][0]["Id"]
        unit = orgs.create_organizational_unit(ParentId=root_id, Name="workloads")
        members = []
        for number in range(2):
            status = orgs.create_account(
                Email=f"member{number}@example.com", AccountName=f"member{number}"
            )["CreateAccountStatus"]
            members.append(status["AccountId"])
        # One account in an OU below the root: the root target covers child OUs.
        orgs.move_account(
            AccountId=members[1],
            SourceParentId=root_id,
            DestinationParentId=unit["OrganizationalUnit"]["Id"],
        )
        workdir = tmp_path_factory.mktemp("organization") / "module"
        stack = moto_stack.deploy_to_moto(workdir, server.endpoint, REGION, VARIABLES)
        deployed = Organization(stack, organization_id, root_id, members)
        try:
            yield deployed
        finally:
            if not stack.destroyed:
                _destroy_leaves_no_stack_set(deployed)
    finally:
        server.stop()


def _destroy_leaves_no_stack_set(organization: Organization) -> None:
    stack = organization.stack
    cloudformation = stack.client("cloudformation")
    # moto deletes service-managed instances by account only, not by the OU or root IDs the
    # provider sends (real CloudFormation does): remove them by account first, so the
    # StackSet can be deleted as on AWS.
    name = f"{PREFIX}-member-role"
    accounts = [
        i["Account"] for i in cloudformation.list_stack_instances(StackSetName=name)["Summaries"]
    ]
    cloudformation.delete_stack_instances(
        StackSetName=name, Accounts=accounts, Regions=[REGION], RetainStacks=False
    )
    stack.destroy()
    summaries = cloudformation.list_stack_sets()["Summaries"]
    active = [s for s in summaries if s["StackSetName"].startswith(PREFIX)]
    assert not [s for s in active if s["Status"] == "ACTIVE"], summaries
    queues = stack.client("sqs").list_queues(QueueNamePrefix=f"{PREFIX}-sweep")
    assert queues.get("QueueUrls", []) == []
    assert stack.client("lambda").list_event_source_mappings()["EventSourceMappings"] == []


def _document(raw: Any) -> dict[str, Any]:
    """A policy document as IAM returns it (a dict, or URL-encoded JSON)."""
    if isinstance(raw, dict):
        return dict(raw)
    text = unquote(raw)
    try:
        document: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError:
        # moto's CloudFormation stores a template's inline policy as the Python repr of the
        # parsed document; AWS stores the JSON.
        document = ast.literal_eval(text)
    return document


def _resolve_sub(node: Any, account: str, partition: str = "aws") -> Any:
    """What CloudFormation makes of the template's Fn::Sub pseudo parameters in an account."""
    if isinstance(node, dict):
        if set(node) == {"Fn::Sub"}:
            text = node["Fn::Sub"]
            return text.replace("${AWS::AccountId}", account).replace(
                "${AWS::Partition}", partition
            )
        return {key: _resolve_sub(value, account, partition) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve_sub(value, account, partition) for value in node]
    return node


def _role_properties(template_body: str) -> dict[str, Any]:
    template = json.loads(template_body)
    assert list(template["Resources"]) == ["MemberRole"], "the template holds the role only"
    role = template["Resources"]["MemberRole"]
    assert role["Type"] == "AWS::IAM::Role"
    properties: dict[str, Any] = role["Properties"]
    return properties


def _check_trust(trust: dict[str, Any], organization_id: str) -> None:
    """Only the detector's role, and only from inside the organization."""
    inside = {"aws:PrincipalOrgID": organization_id}
    assert iam_policy.trust_allows(trust, DETECTOR_ROLE, inside)
    assert not iam_policy.trust_allows(trust, DETECTOR_ROLE, {"aws:PrincipalOrgID": "o-other00000"})
    assert not iam_policy.trust_allows(trust, DETECTOR_ROLE, {})
    for other in (
        f"arn:aws:iam::{MANAGEMENT}:role/someone-else",
        f"arn:aws:iam::{MANAGEMENT}:root",
        "arn:aws:iam::999999999999:role/pgorg-analyzer",
    ):
        assert not iam_policy.trust_allows(trust, other, inside), other
    assert [s["Effect"] for s in iam_policy.statements(trust)] == ["Allow"]


def _check_permissions(policy: dict[str, Any], account: str, *, inspect_values: bool) -> None:
    """DescribeParameters; GetParameter on the account's own parameters only with inspection."""
    own = f"arn:aws:ssm:{REGION}:{account}:parameter/prod/db/password"
    allowed = {"ssm:DescribeParameters"} | ({"ssm:GetParameter"} if inspect_values else set())
    assert iam_policy.allowed_actions(policy) == allowed
    assert iam_policy.is_allowed(policy, iam_policy.ApiCall("ssm:DescribeParameters", "*", {}))
    get_own = iam_policy.ApiCall("ssm:GetParameter", own, {})
    assert iam_policy.is_allowed(policy, get_own) == inspect_values
    denied = [
        iam_policy.ApiCall("ssm:GetParameter", own.replace(account, "999999999999"), {}),
        iam_policy.ApiCall("ssm:GetParameters", own, {}),
        iam_policy.ApiCall("ssm:GetParametersByPath", own, {}),
        iam_policy.ApiCall("ssm:GetParameterHistory", own, {}),
        iam_policy.ApiCall("ssm:PutParameter", own, {}),
        iam_policy.ApiCall("ssm:DeleteParameter", own, {}),
        iam_policy.ApiCall("kms:Decrypt", f"arn:aws:kms:{REGION}:{account}:key/any", {}),
        iam_policy.ApiCall("sts:AssumeRole", f"arn:aws:iam::{account}:role/any", {}),
    ]
    assert [call for call in denied if iam_policy.is_allowed(policy, call)] == []
    # The aws/ssm key policy allows Decrypt to every principal of the account: only the
    # role's explicit deny keeps a SecureString encrypted (what moto cannot enforce).
    key_policy_allow = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
    with_key = {**policy, "Statement": [*iam_policy.statements(policy), key_policy_allow]}
    aws_ssm_key = iam_policy.ApiCall(
        "kms:Decrypt",
        f"arn:aws:kms:{REGION}:{account}:key/any",
        {"kms:ViaService": f"ssm.{REGION}.amazonaws.com"},
    )
    assert not iam_policy.is_allowed(with_key, aws_ssm_key)


def test_stack_set_deploys_the_role_to_every_member_account(organization: Organization) -> None:
    cloudformation = organization.stack.client("cloudformation")
    name = organization.stack.outputs["member_role_stack_set_name"]
    assert name == f"{PREFIX}-member-role"
    stack_set = cloudformation.describe_stack_set(StackSetName=name)["StackSet"]
    assert stack_set["PermissionModel"] == "SERVICE_MANAGED"  # moto keeps no Capabilities
    instances = cloudformation.list_stack_instances(StackSetName=name)["Summaries"]
    assert {i["Region"] for i in instances} == {REGION}  # one region: the role is global
    # moto also deploys to the management account, which CloudFormation does not.
    assert set(organization.members) <= {i["Account"] for i in instances}

    for account in organization.members:
        iam = organization.member_client("iam", account)
        role = iam.get_role(RoleName=ROLE_NAME)["Role"]
        assert role["Path"] == "/"
        _check_trust(_document(role["AssumeRolePolicyDocument"]), organization.organization_id)
        [policy_name] = iam.list_role_policies(RoleName=ROLE_NAME)["PolicyNames"]
        policy = iam.get_role_policy(RoleName=ROLE_NAME, PolicyName=policy_name)["PolicyDocument"]
        _check_permissions(_document(policy), account, inspect_values=False)
        assert iam.list_attached_role_policies(RoleName=ROLE_NAME)["AttachedPolicies"] == []


def test_template_with_value_inspection_is_a_role_iam_accepts(organization: Organization) -> None:
    """The template as inspect_values = true renders it (planned against the deployed
    detector), its role created directly in a member account with IAM's own API."""
    plan = _plan_json(organization.stack, {**VARIABLES, "inspect_values": True})
    after = {c["address"]: c["change"]["after"] for c in plan["resource_changes"]}
    stack_set = after["module.member_role[0].aws_cloudformation_stack_set.member_role"]
    properties = _role_properties(stack_set["template_body"])
    assert properties["RoleName"] == ROLE_NAME
    account = organization.members[0]
    trust = _resolve_sub(properties["AssumeRolePolicyDocument"], account)
    [inline] = properties["Policies"]
    policy = _resolve_sub(inline["PolicyDocument"], account)
    _check_trust(trust, organization.organization_id)
    _check_permissions(policy, account, inspect_values=True)

    iam = organization.member_client("iam", account)
    iam.create_role(
        RoleName="paramguard-member-inspect",
        AssumeRolePolicyDocument=json.dumps(trust),
        MaxSessionDuration=properties["MaxSessionDuration"],
    )
    iam.put_role_policy(
        RoleName="paramguard-member-inspect",
        PolicyName=inline["PolicyName"],
        PolicyDocument=json.dumps(policy),
    )
    stored = iam.get_role_policy(
        RoleName="paramguard-member-inspect", PolicyName=inline["PolicyName"]
    )["PolicyDocument"]
    assert _document(stored) == policy
    role = iam.get_role(RoleName="paramguard-member-inspect")["Role"]
    assert _document(role["AssumeRolePolicyDocument"]) == trust


def test_detector_may_assume_the_member_role_list_accounts_and_use_its_queue(
    organization: Organization,
) -> None:
    stack = organization.stack
    policy = _document(
        stack.client("iam").get_role_policy(
            RoleName=f"{PREFIX}-analyzer", PolicyName=f"{PREFIX}-analyzer"
        )["PolicyDocument"]
    )
    sqs = stack.client("sqs")
    sweep_url = stack.outputs["sweep_queue_url"]
    sweep_arn = sqs.get_queue_attributes(QueueUrl=sweep_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    failure_arn = sqs.get_queue_attributes(
        QueueUrl=stack.outputs["failure_queue_url"], AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    member = organization.members[0]
    allowed = [
        iam_policy.ApiCall("sts:AssumeRole", f"arn:aws:iam::{member}:role/{ROLE_NAME}", {}),
        iam_policy.ApiCall("organizations:ListAccounts", "*", {}),
        iam_policy.ApiCall("organizations:DescribeOrganization", "*", {}),
        iam_policy.ApiCall("sqs:SendMessage", sweep_arn, {}),
        *[
            iam_policy.ApiCall(f"sqs:{action}", sweep_arn, {})
            for action in (
                "ReceiveMessage",
                "DeleteMessage",
                "GetQueueAttributes",
                "ChangeMessageVisibility",
            )
        ],
    ]
    assert [c for c in allowed if not iam_policy.is_allowed(policy, c)] == []
    denied = [
        iam_policy.ApiCall("sts:AssumeRole", f"arn:aws:iam::{member}:role/OrganizationAdmin", {}),
        iam_policy.ApiCall("sts:AssumeRole", f"arn:aws:iam::{member}:role/x/{ROLE_NAME}", {}),
        iam_policy.ApiCall("organizations:DescribeAccount", "*", {}),
        iam_policy.ApiCall("sqs:ReceiveMessage", failure_arn, {}),
        iam_policy.ApiCall("sqs:SendMessage", sweep_arn.replace(PREFIX, "other"), {}),
    ]
    assert [c for c in denied if iam_policy.is_allowed(policy, c)] == []
    # "*" only where the action has no resource-level permissions.
    star = sorted(
        a
        for s in iam_policy.statements(policy)
        if s["Effect"] == "Allow" and "*" in iam_policy.as_list(s["Resource"])
        for a in iam_policy.as_list(s["Action"])
    )
    assert star == [
        "organizations:DescribeOrganization",
        "organizations:ListAccounts",
        "ssm:DescribeParameters",
    ]


def test_sweep_queue_feeds_the_function_one_account_at_a_time(
    organization: Organization,
) -> None:
    stack = organization.stack
    out = stack.outputs
    sqs = stack.client("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=out["sweep_queue_url"], AttributeNames=["All"])[
        "Attributes"
    ]
    assert int(attributes["VisibilityTimeout"]) == 6 * 120  # six times lambda_timeout
    assert attributes["SqsManagedSseEnabled"] == "true"
    redrive = json.loads(attributes["RedrivePolicy"])
    dead_letters = sqs.get_queue_attributes(
        QueueUrl=out["sweep_dead_letter_queue_url"], AttributeNames=["All"]
    )["Attributes"]
    assert redrive == {"deadLetterTargetArn": dead_letters["QueueArn"], "maxReceiveCount": 5}
    assert dead_letters["SqsManagedSseEnabled"] == "true"

    lambda_client = stack.client("lambda")
    [mapping] = lambda_client.list_event_source_mappings(EventSourceArn=attributes["QueueArn"])[
        "EventSourceMappings"
    ]
    assert mapping["FunctionArn"] == out["function_arn"]
    assert mapping["EventSourceArn"] == attributes["QueueArn"]
    assert mapping["BatchSize"] == 1
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 10}

    environment = lambda_client.get_function_configuration(FunctionName=out["function_name"])[
        "Environment"
    ]["Variables"]
    assert environment["MEMBER_ROLE_NAME"] == ROLE_NAME == out["member_role_name"]
    assert environment["SWEEP_QUEUE_URL"] == out["sweep_queue_url"]
    assert "SWEEP_ACCOUNTS" not in environment  # organizations:ListAccounts instead


def test_member_role_and_sweep_failures_raise_alarms(organization: Organization) -> None:
    stack = organization.stack
    names = stack.outputs["alarm_names"]
    described = stack.client("cloudwatch").describe_alarms(
        AlarmNames=[names["member_role_failures"], names["sweep_dead_letters"]]
    )["MetricAlarms"]
    alarms = {a["AlarmName"]: a for a in described}
    role = alarms[f"{PREFIX}-member-role-failures"]
    assert (role["Namespace"], role["MetricName"], role["Threshold"]) == (
        "ParamStoreAnalyser",
        "MemberRoleFailures",
        1.0,
    )
    dead = alarms[f"{PREFIX}-sweep-dead-letters-not-empty"]
    assert dead["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert dead["Dimensions"] == [{"Name": "QueueName", "Value": f"{PREFIX}-sweep-dead-letters"}]
    topic = stack.outputs["sns_topic_arn"]
    for alarm in (role, dead):
        assert alarm["AlarmActions"] == [topic] and alarm["OKActions"] == [topic]
        assert "First check:" in alarm["AlarmDescription"]
        assert len(alarm["AlarmDescription"]) <= 1024


def _plan_json(stack: moto_stack.MotoStack, variables: dict[str, Any]) -> dict[str, Any]:
    """The plan of the deployed stack with other variables, as `terraform show -json`."""
    stack.tf.run("plan", input=False, out="organization.tfplan", var=variables)
    plan: dict[str, Any] = json.loads(stack.tf._stdout("show", "-json", "organization.tfplan"))
    return plan
