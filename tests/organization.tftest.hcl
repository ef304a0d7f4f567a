# The organization (issue 15): the member role's StackSet, cross-account look-ups, the
# organization sweep, each only when asked for. Plan-level with a mocked provider: the role's
# statements are read from the policy document's arguments; the member role's template is
# real JSON (jsonencode), so its policies are read as deployed. tests/test_terraform.py
# evaluates them with the IAM evaluator and creates the role on moto.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

# The mock would give the function's role a random ARN; the template names the real one.
override_resource {
  target          = aws_iam_role.analyzer
  values          = { arn = "arn:aws:iam::123456789012:role/pgtest-analyzer" }
  override_during = plan
}

variables {
  name_prefix = "pgtest"
}

run "defaults_nothing_of_the_organization" {
  command = plan

  assert {
    condition     = length(module.member_role) == 0 && length(aws_sqs_queue.sweep) == 0 && length(aws_sqs_queue.sweep_dead_letters) == 0 && length(aws_lambda_event_source_mapping.sweep) == 0
    error_message = "no StackSet, no sweep queue, no event source by default"
  }

  assert {
    condition     = length(setintersection(keys(aws_lambda_function.analyzer.environment[0].variables), ["MEMBER_ROLE_NAME", "SWEEP_QUEUE_URL", "SWEEP_ACCOUNTS"])) == 0
    error_message = "the environment is unchanged with the organization off"
  }

  assert {
    condition     = length(setintersection([for s in data.aws_iam_policy_document.analyzer.statement : s.sid], ["AssumeMemberRole", "ListOrganizationAccounts", "QueueSweepAccounts", "ReceiveSweepAccounts"])) == 0
    error_message = "no cross-account grant unless asked for"
  }

  assert {
    condition     = length(setintersection(keys(aws_cloudwatch_metric_alarm.detector), ["member_role_failures", "sweep_dead_letters"])) == 0
    error_message = "no organization alarm while the organization is off"
  }

  assert {
    condition     = output.member_role_name == null && output.member_role_stack_set_name == null && output.sweep_queue_url == null && output.sweep_dead_letter_queue_url == null
    error_message = "the organization outputs are null"
  }
}

# A role deployed by someone else (Control Tower customisations, modules/member-role from the
# management account): look-ups on, nothing deployed from here.
run "member_role_name_alone_turns_look_ups_on" {
  command = plan

  variables {
    member_role_name = "security-paramguard-reader"
  }

  assert {
    condition     = length(module.member_role) == 0
    error_message = "member_role_name alone deploys no StackSet"
  }

  assert {
    condition     = aws_lambda_function.analyzer.environment[0].variables["MEMBER_ROLE_NAME"] == "security-paramguard-reader" && output.member_role_name == "security-paramguard-reader"
    error_message = "MEMBER_ROLE_NAME tells the function which role to assume"
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.analyzer.statement : s.actions if s.sid == "AssumeMemberRole"]) == toset(["sts:AssumeRole"])
      && one([for s in data.aws_iam_policy_document.analyzer.statement : s.resources if s.sid == "AssumeMemberRole"]) == toset(["arn:aws:iam::*:role/security-paramguard-reader"])
    )
    error_message = "sts:AssumeRole on that role name only"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.detector["member_role_failures"].metric_name == "MemberRoleFailures" && aws_cloudwatch_metric_alarm.detector["member_role_failures"].namespace == "ParamStoreAnalyser" && aws_cloudwatch_metric_alarm.detector["member_role_failures"].threshold == 1
    error_message = "a role that cannot be assumed raises an alarm"
  }

  assert {
    condition     = length(aws_sqs_queue.sweep) == 0 && !contains(keys(aws_lambda_function.analyzer.environment[0].variables), "SWEEP_QUEUE_URL")
    error_message = "look-ups alone queue no sweep"
  }
}

run "stack_set_from_the_delegated_administrator" {
  command = plan

  variables {
    organization_member_role = true
  }

  assert {
    condition     = output.member_role_name == "paramguard-member" && aws_lambda_function.analyzer.environment[0].variables["MEMBER_ROLE_NAME"] == "paramguard-member"
    error_message = "the default role name, and the function is told"
  }

  assert {
    condition     = output.member_role_stack_set_name == "pgtest-member-role"
    error_message = "member_role_stack_set_name: ${coalesce(output.member_role_stack_set_name, "null")}"
  }

  assert {
    condition     = module.member_role[0].deployment_targets == tolist(["r-ab12"]) && module.member_role[0].region == "eu-west-1"
    error_message = "default targets: the organization's root, in this deployment's region: ${jsonencode(module.member_role[0].deployment_targets)}"
  }

  # The template's IAM, as every member account receives it.
  assert {
    condition = (
      jsondecode(module.member_role[0].template_body).Resources.MemberRole.Type == "AWS::IAM::Role"
      && jsondecode(module.member_role[0].template_body).Resources.MemberRole.Properties.RoleName == "paramguard-member"
      && jsondecode(module.member_role[0].template_body).Resources.MemberRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal.AWS == "arn:aws:iam::123456789012:role/pgtest-analyzer"
      && jsondecode(module.member_role[0].template_body).Resources.MemberRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals["aws:PrincipalOrgID"] == "o-a1b2c3d4e5"
    )
    error_message = "the role trusts the detector's role, within the organization"
  }

  assert {
    condition = (
      length(jsondecode(module.member_role[0].template_body).Resources.MemberRole.Properties.Policies) == 1
      && [for s in jsondecode(module.member_role[0].template_body).Resources.MemberRole.Properties.Policies[0].PolicyDocument.Statement : s.Action if s.Effect == "Allow"] == ["ssm:DescribeParameters"]
    )
    error_message = "without value inspection the member role may only describe parameters"
  }

  assert {
    condition     = [for s in jsondecode(module.member_role[0].template_body).Resources.MemberRole.Properties.Policies[0].PolicyDocument.Statement : [s.Action, s.Resource] if s.Effect == "Deny"] == [["kms:Decrypt", "*"]]
    error_message = "the member role denies itself kms:Decrypt (the aws/ssm key policy allows every principal of its account)"
  }

  assert {
    condition     = !contains([for s in data.aws_iam_policy_document.analyzer.statement : s.sid], "NeverDecryptParameterValues")
    error_message = "without value inspection the function's role needs no deny of decryption"
  }
}

run "stack_set_as_management_account_with_chosen_targets" {
  command = plan

  variables {
    organization_member_role       = true
    member_role_name               = "pg-reader"
    member_role_call_as            = "SELF"
    member_role_deployment_targets = ["ou-ab12-11111111", "ou-ab12-22222222"]
    member_role_region             = "us-east-1"
    inspect_values                 = true
  }

  assert {
    condition     = module.member_role[0].deployment_targets == tolist(["ou-ab12-11111111", "ou-ab12-22222222"]) && module.member_role[0].region == "us-east-1" && module.member_role[0].role_name == "pg-reader"
    error_message = "the chosen OUs, region and name"
  }

  assert {
    condition = (
      [for s in jsondecode(module.member_role[0].template_body).Resources.MemberRole.Properties.Policies[0].PolicyDocument.Statement : s.Action if s.Effect == "Allow"] == ["ssm:DescribeParameters", "ssm:GetParameter"]
      && jsondecode(module.member_role[0].template_body).Resources.MemberRole.Properties.Policies[0].PolicyDocument.Statement[2].Resource["Fn::Sub"] == "arn:$${AWS::Partition}:ssm:*:$${AWS::AccountId}:parameter/*"
      && [for s in jsondecode(module.member_role[0].template_body).Resources.MemberRole.Properties.Policies[0].PolicyDocument.Statement : s.Action if s.Effect == "Deny"] == ["kms:Decrypt"]
    )
    error_message = "value inspection adds GetParameter on the member account's own parameters, kms:Decrypt stays denied"
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.analyzer.statement : s.effect if s.sid == "NeverDecryptParameterValues"]) == "Deny"
      && one([for s in data.aws_iam_policy_document.analyzer.statement : s.actions if s.sid == "NeverDecryptParameterValues"]) == toset(["kms:Decrypt"])
      && one(flatten([for s in data.aws_iam_policy_document.analyzer.statement : [for c in s.condition : c.values] if s.sid == "NeverDecryptParameterValues"])) == "ssm.*.amazonaws.com"
    )
    error_message = "with value inspection the function's role denies kms:Decrypt through Systems Manager"
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.analyzer.statement : s.resources if s.sid == "AssumeMemberRole"]) == toset(["arn:aws:iam::*:role/pg-reader"])
    error_message = "the function may assume the role it deploys"
  }
}

# Outside the management account and a delegated administrator the roots cannot be read:
# modules/member-role on its own (as examples/organization calls it) says what to set.
run "stack_set_without_a_readable_root_asks_for_targets" {
  command = plan

  module {
    source = "./modules/member-role"
  }

  variables {
    detector_role_arn = "arn:aws:iam::123456789012:role/pgtest-analyzer"
  }

  override_data {
    target          = data.aws_organizations_organization.current[0]
    values          = { id = "o-a1b2c3d4e5", roots = [] }
    override_during = plan
  }

  expect_failures = [aws_cloudformation_stack_set_instance.member_role]
}

run "member_role_module_with_an_organization_id_and_targets_looks_nothing_up" {
  command = plan

  module {
    source = "./modules/member-role"
  }

  variables {
    detector_role_arn  = "arn:aws:iam::123456789012:role/pgtest-analyzer"
    organization_id    = "o-zzzzzzzzzz"
    deployment_targets = ["r-zz99"]
  }

  assert {
    condition     = length(data.aws_organizations_organization.current) == 0
    error_message = "no Organizations call when both are given"
  }

  assert {
    condition = (
      jsondecode(output.template_body).Resources.MemberRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals["aws:PrincipalOrgID"] == "o-zzzzzzzzzz"
      && aws_cloudformation_stack_set_instance.member_role.deployment_targets[0].organizational_unit_ids == toset(["r-zz99"])
    )
    error_message = "the given organization and targets"
  }

  assert {
    condition = (
      aws_cloudformation_stack_set.member_role.permission_model == "SERVICE_MANAGED"
      && aws_cloudformation_stack_set.member_role.call_as == "SELF"
      && aws_cloudformation_stack_set.member_role.capabilities == toset(["CAPABILITY_NAMED_IAM"])
      && aws_cloudformation_stack_set.member_role.auto_deployment[0].enabled
      && aws_cloudformation_stack_set.member_role.auto_deployment[0].retain_stacks_on_account_removal == false
      && aws_cloudformation_stack_set.member_role.operation_preferences[0].failure_tolerance_percentage == 10
      && aws_cloudformation_stack_set.member_role.operation_preferences[0].max_concurrent_percentage == 25
      && aws_cloudformation_stack_set_instance.member_role.operation_preferences[0].concurrency_mode == "SOFT_FAILURE_TOLERANCE"
      && aws_cloudformation_stack_set_instance.member_role.call_as == "SELF"
    )
    error_message = "service-managed, auto-deployed, removed with the account, tolerant of a few failed accounts"
  }
}

run "member_role_module_refuses_a_bad_target" {
  command = plan

  module {
    source = "./modules/member-role"
  }

  variables {
    detector_role_arn  = "arn:aws:iam::123456789012:role/pgtest-analyzer"
    deployment_targets = ["123456789012"]
  }

  expect_failures = [var.deployment_targets]
}

run "organization_sweep_with_listaccounts" {
  command = plan

  variables {
    member_role_name       = "paramguard-member"
    inventory_schedule     = "rate(1 day)"
    inventory_organization = true
    lambda_timeout         = 300
  }

  override_resource {
    target          = aws_sqs_queue.sweep_dead_letters
    values          = { arn = "arn:aws:sqs:eu-west-1:123456789012:pgtest-sweep-dead-letters" }
    override_during = plan
  }

  assert {
    condition     = aws_sqs_queue.sweep[0].name == "pgtest-sweep" && aws_sqs_queue.sweep[0].sqs_managed_sse_enabled && aws_sqs_queue.sweep_dead_letters[0].sqs_managed_sse_enabled
    error_message = "the sweep queue and its dead-letter queue, encrypted"
  }

  assert {
    condition     = aws_sqs_queue.sweep[0].visibility_timeout_seconds == 1800
    error_message = "visibility timeout: six times the function's timeout"
  }

  assert {
    condition = (
      jsondecode(aws_sqs_queue.sweep[0].redrive_policy).maxReceiveCount == 5
      && jsondecode(aws_sqs_queue.sweep[0].redrive_policy).deadLetterTargetArn == "arn:aws:sqs:eu-west-1:123456789012:pgtest-sweep-dead-letters"
    )
    error_message = "five attempts before the dead-letter queue"
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.sweep[0].batch_size == 1
      && aws_lambda_event_source_mapping.sweep[0].function_response_types == toset(["ReportBatchItemFailures"])
      && aws_lambda_event_source_mapping.sweep[0].scaling_config[0].maximum_concurrency == 10
    )
    error_message = "one account per invocation, partial batch responses, bounded concurrency"
  }

  assert {
    condition     = contains(keys(aws_lambda_function.analyzer.environment[0].variables), "SWEEP_QUEUE_URL") && !contains(keys(aws_lambda_function.analyzer.environment[0].variables), "SWEEP_ACCOUNTS")
    error_message = "the function is told the queue, and lists the accounts itself"
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.analyzer.statement : s.actions if s.sid == "ListOrganizationAccounts"]) == toset(["organizations:DescribeOrganization", "organizations:ListAccounts"])
      && one([for s in data.aws_iam_policy_document.analyzer.statement : s.actions if s.sid == "QueueSweepAccounts"]) == toset(["sqs:SendMessage"])
      && one([for s in data.aws_iam_policy_document.analyzer.statement : s.actions if s.sid == "ReceiveSweepAccounts"]) == toset(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"])
    )
    error_message = "DescribeOrganization and ListAccounts, and the queue's send and receive grants"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.detector["sweep_dead_letters"].dimensions["QueueName"] == "pgtest-sweep-dead-letters" && aws_cloudwatch_metric_alarm.detector["sweep_dead_letters"].metric_name == "ApproximateNumberOfMessagesVisible"
    error_message = "an account whose sweep failed every attempt raises an alarm"
  }

  assert {
    condition     = contains(keys(aws_cloudwatch_metric_alarm.detector), "inventory_failures") && contains(keys(aws_cloudwatch_metric_alarm.detector), "member_role_failures")
    error_message = "per-account failures count in InventoryFailures, role failures in MemberRoleFailures, both alarmed"
  }
}

run "organization_sweep_with_an_account_list" {
  command = plan

  variables {
    organization_member_role       = true
    inventory_schedule             = "rate(12 hours)"
    inventory_organization         = true
    organization_accounts          = ["111111111111", "222222222222"]
    organization_sweep_concurrency = 50
  }

  assert {
    condition     = aws_lambda_function.analyzer.environment[0].variables["SWEEP_ACCOUNTS"] == "111111111111,222222222222"
    error_message = "SWEEP_ACCOUNTS: the accounts, comma-separated"
  }

  assert {
    condition     = !contains([for s in data.aws_iam_policy_document.analyzer.statement : s.sid], "ListOrganizationAccounts")
    error_message = "no organizations:ListAccounts with a fixed account list"
  }

  assert {
    condition     = aws_lambda_event_source_mapping.sweep[0].scaling_config[0].maximum_concurrency == 50
    error_message = "organization_sweep_concurrency bounds the fan-out"
  }
}

run "organization_sweep_needs_a_schedule" {
  command = plan

  variables {
    member_role_name       = "paramguard-member"
    inventory_organization = true
  }

  expect_failures = [aws_sqs_queue.sweep]
}

run "organization_sweep_needs_the_member_role" {
  command = plan

  variables {
    inventory_schedule     = "rate(1 day)"
    inventory_organization = true
  }

  expect_failures = [aws_sqs_queue.sweep]
}
