# The dashboard, the saved queries, and the Security Hub / EventBridge grants appear only when
# their variables say so. Plan-level with a mocked provider: the role's statements are read
# from the policy document's arguments (a mock computes no JSON; tests/test_terraform.py
# evaluates the real document on moto).

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  name_prefix = "pgtest"
}

run "defaults_dashboard_on_exports_off" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_dashboard.detector) == 1 && aws_cloudwatch_dashboard.detector[0].dashboard_name == "pgtest"
    error_message = "one dashboard named after name_prefix by default"
  }

  assert {
    condition     = output.dashboard_console_url == "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/pgtest"
    error_message = "dashboard_console_url: ${coalesce(output.dashboard_console_url, "null")}"
  }

  assert {
    condition     = toset([for q in aws_cloudwatch_query_definition.detector : q.name]) == toset(["pgtest/files-that-failed-and-why", "pgtest/findings-in-the-last-24-h-by-actor"])
    error_message = "the two saved queries"
  }

  assert {
    condition     = alltrue([for q in aws_cloudwatch_query_definition.detector : length(q.log_group_names) == 1 && q.log_group_names[0] == "/aws/lambda/pgtest-analyzer"])
    error_message = "the saved queries run on the function's log group"
  }

  assert {
    condition     = length(setintersection([for s in data.aws_iam_policy_document.analyzer.statement : s.sid], ["ImportFindingsToSecurityHub", "PutFindingEvents"])) == 0
    error_message = "no Security Hub or EventBridge grant unless asked for"
  }

  assert {
    condition     = !contains(keys(aws_lambda_function.analyzer.environment[0].variables), "SECURITYHUB_FINDINGS") && !contains(keys(aws_lambda_function.analyzer.environment[0].variables), "EVENT_BUS_NAME")
    error_message = "the environment is unchanged with the exports off"
  }

  assert {
    condition     = !contains(keys(aws_cloudwatch_metric_alarm.detector), "finding_export_failures")
    error_message = "no export-failure alarm while nothing is exported"
  }
}

run "dashboard_off" {
  command = plan

  variables {
    create_dashboard = false
  }

  assert {
    condition     = length(aws_cloudwatch_dashboard.detector) == 0 && length(aws_cloudwatch_query_definition.detector) == 0
    error_message = "no dashboard and no saved queries"
  }

  assert {
    condition     = output.dashboard_console_url == null
    error_message = "no dashboard URL"
  }
}

run "exports_on" {
  command = plan

  variables {
    securityhub_findings = true
    eventbridge_findings = true
    trigger_mode         = "both"
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.analyzer.statement : s.resources if s.sid == "ImportFindingsToSecurityHub"]) == toset(["arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"])
    error_message = "BatchImportFindings on the account's default product only"
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.analyzer.statement : s.actions if s.sid == "ResolveFixedFindings"]) == toset(["securityhub:BatchUpdateFindings", "securityhub:GetFindings"]) && one([for s in data.aws_iam_policy_document.analyzer.statement : s.resources if s.sid == "ResolveFixedFindings"]) == toset(["arn:aws:securityhub:eu-west-1:123456789012:hub/default"])
    error_message = "a fix resolves its finding: GetFindings and BatchUpdateFindings on the account's hub only"
  }

  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.analyzer["parameter-change"].event_pattern).detail.operation, "Delete") && contains(jsondecode(aws_cloudwatch_event_rule.analyzer["put-parameter"].event_pattern).detail.eventName, "DeleteParameters")
    error_message = "with Security Hub, the EventBridge rules deliver the deletes that fix a finding"
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.analyzer.statement : s.resources if s.sid == "PutFindingEvents"]) == toset(["arn:aws:events:eu-west-1:123456789012:event-bus/default"])
    error_message = "PutEvents on the default bus only"
  }

  assert {
    condition     = aws_lambda_function.analyzer.environment[0].variables["SECURITYHUB_FINDINGS"] == "true" && aws_lambda_function.analyzer.environment[0].variables["EVENT_BUS_NAME"] == "default"
    error_message = "the function is told to export"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.detector["finding_export_failures"].metric_name == "FindingExportFailures" && aws_cloudwatch_metric_alarm.detector["finding_export_failures"].threshold == 1
    error_message = "a finding Security Hub or EventBridge did not take raises an alarm"
  }
}
