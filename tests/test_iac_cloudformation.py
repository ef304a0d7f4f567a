"""paramguard iac on CloudFormation, SAM and CDK templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paramguard.iac.scan import scan_paths
from paramguard.matcher import load_default

from .iac_support import run, write

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
  Service:
    Type: String
Mappings:
  Names:
    Keys:
      Leaf: client_secret
Resources:
  DbPassword:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub "/${Env}/db/password"
      Type: String
      Value: !GetAtt Database.Endpoint.Address
  Joined:
    Type: "AWS::SSM::Parameter"
    Properties:
      Name: !Join ["/", ["", !Ref Env, !FindInMap [Names, Keys, Leaf]]]
      Type: StringList
      Value: a,b
  Host:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub
        - "/${Env}/${Svc}/host"
        - Svc: !Ref Service
      Type: String
      Value: !If [IsProd, a, b]
  Unnamed:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: x
  ApiToken:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: x
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::StackName}-password"
"""


def by_address(directory: Path) -> dict[str, dict[str, object]]:
    """Unsuppressed findings by logical ID."""
    scan = scan_paths([directory], load_default())
    return {r.parameter.address: r.to_dict() for r in scan.findings}


def test_yaml_template_with_short_form_tags(tmp_path: Path) -> None:
    write(tmp_path, {"template.yaml": TEMPLATE})
    scan = scan_paths([tmp_path], load_default())
    names = {p.address: p.name.text for p in scan.parameters if p.name}
    assert names == {
        "DbPassword": "/prod/db/password",
        "Joined": "/prod/client_secret",
        "Host": "/prod/${Service}/host",
        "Unnamed": "CFN-Unnamed-${generated}",
        "ApiToken": "CFN-ApiToken-${generated}",
    }
    found = {r.parameter.address: r for r in scan.findings}
    assert sorted(found) == ["ApiToken", "DbPassword", "Joined"]
    assert (found["DbPassword"].parameter.line, found["DbPassword"].parameter.column) == (13, 3)
    assert found["Joined"].parameter_type == "StringList"
    assert "Secrets Manager" in found["DbPassword"].fix  # CloudFormation cannot make SecureString


def test_json_template_and_cdk_out(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "SlackWebhookUrl1A2B3C4D": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Type": "String", "Value": "x", "Name": "/chat/slack/webhook_url"},
                "Metadata": {"aws:cdk:path": "ChatStack/SlackWebhookUrl/Resource"},
            },
            "Region": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Type": "String", "Value": "x", "Name": "/chat/region"},
            },
        }
    }
    write(tmp_path, {"cdk.out/ChatStack.template.json": json.dumps(template, indent=1)})
    found = by_address(tmp_path)
    assert list(found) == ["SlackWebhookUrl1A2B3C4D (ChatStack/SlackWebhookUrl/Resource)"]
    assert found[next(iter(found))]["line"] == 3


def test_sam_template(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "template.yml": "Transform: AWS::Serverless-2016-10-31\nResources:\n"
            "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      Handler: app.handler\n      Runtime: python3.13\n      CodeUri: .\n"
            "  Token:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
            "      Name: /sam/github_token\n      Type: String\n      Value: !Ref AWS::NoValue\n"
        },
    )
    assert list(by_address(tmp_path)) == ["Token"]


def test_type_missing_or_from_a_parameter_without_default_is_a_warning(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "t.yaml": "Parameters:\n  Kind:\n    Type: String\nResources:\n"
            "  A:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
            "      Name: /x/api_key\n      Type: !Ref Kind\n      Value: v\n"
            "  B:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
            "      Name: /x/db_password\n      Value: v\n"
        },
    )
    found = by_address(tmp_path)
    assert {k: v["level"] for k, v in found.items()} == {"A": "warning", "B": "warning"}
    assert found["A"]["parameter_type"] == "unknown"


def test_suppression_by_comment_and_by_metadata(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "t.yaml": "Resources:\n"
            "  # paramguard:ignore bootstrap token, expires after first boot\n"
            "  A:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
            "      Name: /x/bootstrap_token\n      Type: String\n      Value: v\n"
            "  B:\n    Type: AWS::SSM::Parameter\n    Properties:  # paramguard:ignore demo only\n"
            "      Name: /x/db_password\n      Type: String\n      Value: v\n"
            "  C:\n    Type: AWS::SSM::Parameter\n    Metadata:\n"
            "      paramguard:\n        ignore: public key, not secret\n    Properties:\n"
            "      Name: /x/signing_key\n      Type: String\n      Value: v\n"
            "  D:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
            "      Name: /x/api_key\n      Type: String\n"
            "      Value: |\n        # paramguard:ignore inside a value is not a comment\n"
        },
    )
    scan = scan_paths([tmp_path], load_default())
    reasons = {
        r.parameter.address: r.parameter.suppression.reason
        for r in scan.suppressed
        if r.parameter.suppression
    }
    assert reasons == {
        "A": "bootstrap token, expires after first boot",
        "B": "demo only",
        "C": "public key, not secret",
    }
    assert [r.parameter.address for r in scan.findings] == ["D"]


def test_yaml_that_is_not_a_template_is_ignored_and_a_broken_one_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "k8s.yaml": "apiVersion: v1\nkind: ConfigMap\ndata:\n  password: x\n",
            "workflow.yml": "on: push\njobs: {}\n",
            "broken.yaml": "Resources:\n  A:\n    Type: AWS::SSM::Parameter\n"
            "    Properties: !Bogus x\n",
        },
    )
    result = run(capsys, str(tmp_path))
    assert result.code == 2
    assert "broken.yaml:4" in result.out and "unknown tag !Bogus" in result.out
    assert "k8s.yaml" not in result.out


def test_yaml_stream_with_several_documents(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "stream.yaml": "kind: ConfigMap\nmetadata: {name: x}\n---\nResources:\n"
            "  Secret:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
            "      Name: /x/db_password\n      Type: String\n      Value: v\n"
        },
    )
    scan = scan_paths([tmp_path], load_default())
    assert [(r.parameter.address, r.parameter.line) for r in scan.findings] == [("Secret", 5)]


def test_broken_json_data_that_cannot_declare_a_parameter_is_not_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "data/report.json": '{"caf\\u00e9": 1,, }',
            "data/template.json": '{"Resources": {"A": {"Type": "AWS::SSM::Parameter",}}}',
        },
    )
    result = run(capsys, str(tmp_path))
    assert result.code == 2
    assert "template.json" in result.out and "report.json" not in result.out


def test_fn_for_each_loops_are_expanded(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "loop.yaml": "Transform: AWS::LanguageExtensions\n"
            "Parameters:\n  Names:\n    Type: CommaDelimitedList\n    Default: host,api_key\n"
            "  Other:\n    Type: CommaDelimitedList\n"
            "Resources:\n"
            "  Fn::ForEach::Params:\n    - Leaf\n    - !Ref Names\n"
            "    - Param&{Leaf}:\n        Type: AWS::SSM::Parameter\n        Properties:\n"
            "          Name: !Sub /app/${Leaf}\n          Type: String\n          Value: v\n"
            "  Fn::ForEach::Unknown:\n    - Leaf\n    - !Ref Other\n"
            "    - Other${Leaf}:\n        Type: AWS::SSM::Parameter\n        Properties:\n"
            "          Name: !Sub /other/${Leaf}/password\n          Type: String\n"
            "          Value: v\n",
        },
    )
    scan = scan_paths([tmp_path], load_default())
    names = sorted((p.address, p.name.text if p.name else "", p.line) for p in scan.parameters)
    assert names == [
        ("Other${Leaf}", "/other/${Leaf}/password", 21),
        ("Paramapi_key", "/app/api_key", 12),
        ("Paramhost", "/app/host", 12),
    ]
    assert sorted(r.parameter.address for r in scan.findings) == ["Other${Leaf}", "Paramapi_key"]


def test_type_chosen_by_a_condition(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "t.yaml": "Conditions:\n  List: !Equals [a, b]\nResources:\n"
            "  A:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Name: /x/api_key\n"
            "      Type: !If [List, StringList, String]\n      Value: v\n"
        },
    )
    found = by_address(tmp_path)
    assert found["A"]["level"] == "error" and found["A"]["parameter_type"] == "StringList"


def test_split_and_list_parameters_resolve(tmp_path: Path) -> None:
    text = """\
Parameters:
  Names:
    Type: CommaDelimitedList
    Default: "prod, db_password"
  Paths:
    Type: List<String>
    Default: [/a/api_key, /a/host]
Resources:
  Split:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Select [1, !Split ["|", "x|/prod/jwt_secret"]]
      Type: String
      Value: v
  FromList:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub ["/${Env}/${Leaf}", {Env: !Select [0, !Ref Names], Leaf: !Select [1, !Ref Names]}]
      Type: String
      Value: v
  Joined:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Select [0, !Ref Paths]
      Type: StringList
      Value: !Join [",", !Ref Names]
"""
    write(tmp_path, {"template.yaml": text})
    scan = scan_paths([tmp_path], load_default())
    names = {p.address: p.name.text for p in scan.parameters if p.name}
    assert names == {
        "Split": "/prod/jwt_secret",
        "FromList": "/prod/db_password",
        "Joined": "/a/api_key",
    }
    assert sorted(r.parameter.address for r in scan.findings) == ["FromList", "Joined", "Split"]


def test_yaml_of_other_tools_with_their_own_tags_is_not_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            # An Ansible playbook that stores a parameter, and a GitLab CI file that deploys
            # one: both mention the resource type, neither is a template.
            "playbook.yml": "- hosts: localhost\n  vars:\n    db_pass: !vault |\n"
            "      $ANSIBLE_VAULT;1.1;AES256\n      6233\n  tasks:\n"
            "    - community.aws.aws_ssm_parameter_store:\n        name: /prod/db/password\n",
            ".gitlab-ci.yml": "deploy:\n  script:\n    - !reference [.setup, script]\n"
            "    - echo creates AWS::SSM::Parameter\n",
            "template.yaml": "Resources:\n  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
            "      Name: /x/api_key\n      Type: String\n      Value: !Vault x\n",
            # AWS's Rain packages these directives into CloudFormation: a valid source template.
            "rain.yaml": "Resources:\n  Q:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
            "      Name: /x/host\n      Type: String\n      Value: !Rain::Embed config.txt\n",
        },
    )
    result = run(capsys, str(tmp_path))
    assert "playbook.yml" not in result.out and ".gitlab-ci.yml" not in result.out
    assert "rain.yaml" not in result.out
    # A template with a tag CloudFormation does not know is named, and still scanned.
    assert "template.yaml:7:14: error: not valid CloudFormation: unknown tag !Vault" in result.out
    assert "P: String parameter '/x/api_key'" in result.out
    assert result.code == 1


def test_ref_to_an_ssm_typed_template_parameter_is_its_value_not_its_default(
    tmp_path: Path,
) -> None:
    # Ref to an AWS::SSM::Parameter::Value<> parameter is the value stored under the name
    # in Default (CloudFormation reads it at deploy time), not that name.
    text = """\
Parameters:
  NameFromStore:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /config/db/password
  Plain:
    Type: String
    Default: /config/api_key
Resources:
  FromStore:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Ref NameFromStore
      Type: String
      Value: v
  FromPlain:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Ref Plain
      Type: String
      Value: v
"""
    write(tmp_path, {"template.yaml": text})
    scan = scan_paths([tmp_path], load_default())
    names = {p.address: p.name.text for p in scan.parameters if p.name}
    assert names == {"FromStore": "${NameFromStore}", "FromPlain": "/config/api_key"}
    assert [r.parameter.address for r in scan.findings] == ["FromPlain"]


def test_serverless_framework_resources(tmp_path: Path) -> None:
    text = """\
service: orders
provider:
  name: aws
  stage: ${opt:stage, 'dev'}
resources:
  Resources:
    DbPassword:
      Type: AWS::SSM::Parameter
      Properties:
        Name: /${self:service}/${sls:stage}/db_password
        Type: String
        Value: ${env:DB_PASSWORD}
    # paramguard:ignore read by the public web client
    ClientKey:
      Type: AWS::SSM::Parameter
      Properties:
        Name: !Sub /orders/${AWS::Region}/api_key
        Type: String
        Value: x
    Joined:
      Type: AWS::SSM::Parameter
      Properties:
        Name: ${self:custom.pass}word
        Type: StringList
        Value: x
"""
    write(tmp_path, {"serverless.yml": text})
    scan = scan_paths([tmp_path], load_default())
    names = {p.address: p.name.text for p in scan.parameters if p.name}
    assert names == {
        "DbPassword": "/${self:service}/${sls:stage}/db_password",
        "ClientKey": "/orders/${AWS::Region}/api_key",
        "Joined": "${self:custom.pass}word",
    }
    # A Serverless variable is unknown like any other: its text is never matched.
    assert [r.parameter.address for r in scan.findings] == ["DbPassword"]
    assert [r.parameter.address for r in scan.suppressed] == ["ClientKey"]


def test_a_comment_above_a_resource_does_not_suppress_the_one_before(tmp_path: Path) -> None:
    text = """\
Resources:
  DbPassword:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /x/db_password
      Type: String
      Value: x

  # paramguard:ignore read by the public web client
  ClientKey:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /x/api_key
      Type: String
      Value: x
  JwtSecret:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /x/jwt_secret
      Type: String
      Value: x
    # paramguard:ignore the last line of the resource, indented under it
"""
    write(tmp_path, {"template.yaml": text})
    scan = scan_paths([tmp_path], load_default())
    assert [r.parameter.address for r in scan.findings] == ["DbPassword"]
    reasons = {
        r.parameter.address: r.parameter.suppression.reason
        for r in scan.suppressed
        if r.parameter.suppression
    }
    assert reasons == {
        "ClientKey": "read by the public web client",
        "JwtSecret": "the last line of the resource, indented under it",
    }
