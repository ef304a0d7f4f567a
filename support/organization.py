"""An AWS organization on moto: member accounts, the member role, and an honest AssumeRole.

moto lets anyone assume any role ARN, even one that does not exist, and the credentials it
returns act in the role's account. AWS refuses AssumeRole for a role that does not exist
(or whose trust policy does not name the caller) with AccessDenied; `refuse_missing_roles`
makes moto refuse a role that is missing from the account's IAM the same way. It does not
evaluate the trust policy, an SCP or aws:PrincipalOrgID: moto checks none of them.
"""

from __future__ import annotations

import contextlib
import json
import warnings
from collections.abc import Iterator
from typing import Any

import boto3

from support.awsutil import ACCOUNT

MEMBER_ROLE = "paramguard-member"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@contextlib.contextmanager
def refuse_missing_roles() -> Iterator[list[str]]:
    """Within mock_aws: AssumeRole of a role missing from its account's IAM is AccessDenied.

    Yields the list of role ARNs assumed (each AssumeRole call, refused or not).
    """
    from moto.core.exceptions import ServiceException
    from moto.iam.models import iam_backends
    from moto.sts.models import STSBackend

    class AccessDenied(ServiceException):
        code = "AccessDenied"

    calls: list[str] = []
    real = STSBackend.assume_role

    def assume_role(self: Any, **kwargs: Any) -> Any:
        arn = kwargs["role_arn"]
        calls.append(arn)
        account, name = arn.split(":")[4], arn.rsplit("/", 1)[-1]
        roles = iam_backends[account]["global"].roles.values()
        if not any(role.name == name for role in roles):
            raise AccessDenied(
                f"User: arn:aws:sts::{ACCOUNT}:assumed-role/paramguard/x is not authorized "
                f"to perform: sts:AssumeRole on resource: {arn}"
            )
        return real(self, **kwargs)

    STSBackend.assume_role = assume_role  # type: ignore[method-assign,assignment]
    try:
        with warnings.catch_warnings():
            # moto's STS model has no AccessDenied shape; the client still gets the code.
            warnings.filterwarnings("ignore", r"Exception\(AccessDenied\)", UserWarning)
            yield calls
    finally:
        STSBackend.assume_role = real  # type: ignore[method-assign]


def member_session(account: str, role: str = MEMBER_ROLE) -> Any:
    """A boto3 session acting in a member account (through moto's AssumeRole)."""
    credentials = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="setup"
    )["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def create_organization(members: int, *, with_role: int | None = None) -> list[str]:
    """An organization of the caller's account and `members` new accounts; their IDs.

    The first with_role members (default: all) get the member role, created in their IAM.
    """
    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    accounts = [
        org.create_account(Email=f"member{n}@example.com", AccountName=f"member{n}")[
            "CreateAccountStatus"
        ]["AccountId"]
        for n in range(members)
    ]
    for account in accounts[: members if with_role is None else with_role]:
        member_session(account, "OrganizationAccountAccessRole").client("iam").create_role(
            RoleName=MEMBER_ROLE, AssumeRolePolicyDocument=TRUST
        )
    return accounts


def put_parameters(account: str, region: str, parameters: dict[str, str]) -> None:
    """Create parameters (name -> type) in a member account and region."""
    ssm = member_session(account, "OrganizationAccountAccessRole").client("ssm", region_name=region)
    for name, kind in parameters.items():
        ssm.put_parameter(Name=name, Value="planted-value", Type=kind)
