# paramguard's read-only role in every member account, as a CloudFormation StackSet with
# service-managed permissions: CloudFormation creates the role in each account of the targets
# (and in every account that joins them later, auto_deployment) without an execution role to
# provision first. Run it from the organization's management account (call_as = "SELF") or
# from the account registered as the StackSets delegated administrator ("DELEGATED_ADMIN");
# trusted access between StackSets and Organizations must be on
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html).
# Service-managed StackSets do not deploy to the management account itself
# (DeploymentTargets, CloudFormation API reference): it gets no member role.

data "aws_region" "current" {}

# DescribeOrganization works from any account of the organization; the roots (ListRoots) only
# from the management account or a delegated administrator. The provider reads the roots only
# where ListAccounts is allowed, and leaves them empty elsewhere (checked below).
data "aws_organizations_organization" "current" {
  count = var.organization_id == "" || length(var.deployment_targets) == 0 ? 1 : 0
}

locals {
  organization_id    = var.organization_id != "" ? var.organization_id : data.aws_organizations_organization.current[0].id
  looked_up_roots    = length(var.deployment_targets) == 0 ? data.aws_organizations_organization.current[0].roots[*].id : []
  deployment_targets = length(var.deployment_targets) > 0 ? var.deployment_targets : local.looked_up_roots
  region             = coalesce(var.region, data.aws_region.current.id)

  # Only the detector's role, and only while it belongs to this organization. A role ARN as
  # principal: IAM stores it as the role's unique ID, so a detector role deleted and created
  # again is no longer trusted until the StackSet is applied again (MemberRoleFailures fires).
  trust_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DetectorOnly"
      Effect    = "Allow"
      Principal = { AWS = var.detector_role_arn }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:PrincipalOrgID" = local.organization_id } }
    }]
  }

  # ssm:DescribeParameters has no resource-level permissions (Service Authorization Reference,
  # AWS Systems Manager: no resource type), so "*" is its only valid resource; it returns
  # names and types, never values. GetParameter (value inspection) on this account's
  # parameters only: no GetParameters/GetParametersByPath. kms:Decrypt is denied explicitly:
  # the AWS managed key aws/ssm grants Decrypt to every principal of its account (Systems
  # Manager guide, "Restricting decryption of SecureString parameter values"), and only an
  # explicit deny in the identity policy overrides that allow (IAM guide, "Policy evaluation
  # logic"), so a SecureString stays encrypted whatever key it uses. The role needs no key.
  # ${AWS::AccountId} is resolved by CloudFormation in each member account.
  permissions_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid      = "DescribeParameters"
        Effect   = "Allow"
        Action   = "ssm:DescribeParameters"
        Resource = "*"
        }, {
        Sid      = "NeverDecryptParameterValues"
        Effect   = "Deny"
        Action   = "kms:Decrypt"
        Resource = "*"
      }],
      var.inspect_values ? [{
        Sid      = "ReadPlaintextValues"
        Effect   = "Allow"
        Action   = "ssm:GetParameter"
        Resource = { "Fn::Sub" = "arn:$${AWS::Partition}:ssm:*:$${AWS::AccountId}:parameter/*" }
      }] : [],
    )
  }

  # Rendered here rather than parameterised with StackSet parameters: the values are known at
  # plan, the template is then exactly what every account receives (the least-privilege test
  # evaluates it as is), and value inspection changes the policy's shape, which parameters
  # would need CloudFormation Conditions for. Either way a change is an update of every
  # stack instance, so the template holds only what rarely changes.
  template_body = jsonencode({
    AWSTemplateFormatVersion = "2010-09-09"
    Description              = "paramguard: read-only role the detector assumes to look up Parameter Store parameter types (and plaintext values when value inspection is on) in this account."
    Resources = {
      MemberRole = {
        Type = "AWS::IAM::Role"
        Properties = {
          RoleName                 = var.role_name
          Path                     = "/"
          Description              = "paramguard detector: ssm:DescribeParameters${var.inspect_values ? " and ssm:GetParameter without decryption" : ""}; trusted by ${var.detector_role_arn} only."
          MaxSessionDuration       = 3600
          AssumeRolePolicyDocument = local.trust_policy
          Policies = [{
            PolicyName     = "paramguard-read-parameters"
            PolicyDocument = local.permissions_policy
          }]
        }
      }
    }
    Outputs = {
      RoleArn = { Value = { "Fn::GetAtt" = ["MemberRole", "Arn"] } }
    }
  })
}

resource "aws_cloudformation_stack_set" "member_role" {
  name             = var.stack_set_name
  description      = "paramguard: the detector's read-only role in every member account."
  permission_model = "SERVICE_MANAGED"
  call_as          = var.call_as
  # A named IAM role.
  capabilities  = ["CAPABILITY_NAMED_IAM"]
  template_body = local.template_body

  # New accounts of the targets get the role; a removed account loses it (it is no longer
  # the organization's to read).
  auto_deployment {
    enabled                          = true
    retain_stacks_on_account_removal = false
  }

  # Auto-deployments for new accounts and a Terraform update run without
  # OperationInProgressException: conflicting operations are queued.
  managed_execution {
    active = true
  }

  # Template updates (a policy change) roll out to every account; a tenth may fail (an SCP
  # denying iam:*, a suspended account) before CloudFormation stops. These preferences do not
  # apply to auto-deployments (StackSetOperationPreferences, CloudFormation API reference).
  operation_preferences {
    failure_tolerance_percentage = var.failure_tolerance_percentage
    max_concurrent_percentage    = var.max_concurrent_percentage
    region_concurrency_type      = "PARALLEL"
  }

  lifecycle {
    # With auto_deployment, CloudFormation reports the service-linked role as the
    # administration role and this provider version plans to remove it on every run
    # (hashicorp/terraform-provider-aws#23464, fixed in 6.x by #45992).
    ignore_changes = [administration_role_arn]
  }
}

resource "aws_cloudformation_stack_set_instance" "member_role" {
  stack_set_name = aws_cloudformation_stack_set.member_role.name
  call_as        = var.call_as
  region         = local.region

  deployment_targets {
    organizational_unit_ids = local.deployment_targets
  }

  # SOFT_FAILURE_TOLERANCE keeps deploying at max_concurrent_percentage when some accounts
  # fail; the default (STRICT) would drop to failure tolerance + 1 accounts at a time.
  operation_preferences {
    failure_tolerance_percentage = var.failure_tolerance_percentage
    max_concurrent_percentage    = var.max_concurrent_percentage
    concurrency_mode             = "SOFT_FAILURE_TOLERANCE"
  }

  lifecycle {
    precondition {
      condition     = length(local.deployment_targets) > 0
      error_message = "No deployment target: the organization's root can be looked up only from the management account or a delegated administrator. Set deployment_targets to the root (r-...) or OU IDs (ou-...-...)."
    }
  }
}
