# Plan-level behaviour, without AWS or moto: names and outputs, conditional resources, the
# heartbeat's window, an existing trail bucket. `terraform test` runs it from the repository
# root in seconds (tests/test_terraform.py runs it too). Policy documents are not checked here:
# a mocked aws_iam_policy_document has no real JSON; the apply tests on moto check those.

mock_provider "aws" {
  source = "./tests/mocks"
  # Computed attributes get values during plan as well, so the outputs can be compared.
  override_during = plan
}

variables {
  name_prefix        = "pgtest"
  notification_email = "security@example.com"
  force_destroy      = true
  tags               = { Project = "paramguard", Purpose = "test" }
}

run "names_and_outputs" {
  command = plan

  assert {
    condition     = output.log_bucket_name == "pgtest-trail-logs-123456789012-eu-west-1"
    error_message = "log_bucket_name: ${output.log_bucket_name}"
  }

  assert {
    condition     = output.dictionary_bucket_name == "pgtest-dictionary-123456789012-eu-west-1"
    error_message = "dictionary_bucket_name: ${output.dictionary_bucket_name}"
  }

  assert {
    condition     = output.dictionary_s3_uri == "s3://pgtest-dictionary-123456789012-eu-west-1/dictionary.txt"
    error_message = "dictionary_s3_uri: ${output.dictionary_s3_uri}"
  }

  assert {
    condition     = output.dictionary_upload_command == "aws s3 cp dictionary/dictionary.txt s3://pgtest-dictionary-123456789012-eu-west-1/dictionary.txt"
    error_message = "dictionary_upload_command: ${output.dictionary_upload_command}"
  }

  assert {
    condition     = output.function_name == "pgtest-analyzer" && output.log_group_name == "/aws/lambda/pgtest-analyzer"
    error_message = "function_name / log_group_name: ${output.function_name}, ${output.log_group_name}"
  }

  assert {
    condition     = output.alarm_name == "pgtest-anomalies-detected"
    error_message = "alarm_name: ${output.alarm_name}"
  }

  assert {
    condition     = output.alarm_console_url == "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/pgtest-anomalies-detected"
    error_message = "alarm_console_url: ${output.alarm_console_url}"
  }

  assert {
    condition     = output.alarms_console_url == "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:?search=pgtest-"
    error_message = "alarms_console_url: ${output.alarms_console_url}"
  }

  # Every way the detector can go blind with the S3 path, and a one-line guard for each.
  assert {
    condition = (
      toset(keys(output.alarm_names)) == toset(["anomalies", "analyzer_errors", "dictionary_load_failures", "log_file_failures", "failure_queue", "heartbeat"])
      && toset(keys(output.alarm_guards)) == toset(keys(output.alarm_names))
      && alltrue([for guard in values(output.alarm_guards) : length(guard) > 0])
    )
    error_message = "alarm_names / alarm_guards: ${jsonencode(output.alarm_names)}"
  }

  assert {
    condition = (
      output.log_bucket_notification.managed_by_module
      && jsonencode(output.log_bucket_notification.events) == jsonencode(["s3:ObjectCreated:*"])
      && output.log_bucket_notification.filter_prefix == "AWSLogs/"
      && output.log_bucket_notification.filter_suffix == ".json.gz"
    )
    error_message = "log_bucket_notification: ${jsonencode(output.log_bucket_notification)}"
  }

  assert {
    condition     = output.trigger_mode == "s3" && length(output.event_rule_names) == 0
    error_message = "the default trigger is the S3 notification alone"
  }

  assert {
    condition     = length(aws_cloudtrail.main) == 1 && length(module.trail_logs_bucket) == 1
    error_message = "the default creates a trail and its bucket"
  }
}

run "heartbeat_follows_heartbeat_minutes" {
  command = plan

  variables {
    heartbeat_minutes = 15
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.detector["heartbeat"].period == 300
      && aws_cloudwatch_metric_alarm.detector["heartbeat"].evaluation_periods == 3
      && aws_cloudwatch_metric_alarm.detector["heartbeat"].datapoints_to_alarm == 3
    )
    error_message = "15 minutes must be three 5-minute periods, all breaching"
  }

  assert {
    condition     = strcontains(aws_cloudwatch_metric_alarm.detector["heartbeat"].alarm_description, "15 minutes")
    error_message = "the description must say how long: ${aws_cloudwatch_metric_alarm.detector["heartbeat"].alarm_description}"
  }
}

run "no_heartbeat_at_zero_minutes" {
  command = plan

  variables {
    heartbeat_minutes = 0
  }

  assert {
    condition     = !contains(keys(aws_cloudwatch_metric_alarm.detector), "heartbeat")
    error_message = "heartbeat_minutes = 0 must remove the heartbeat alarm"
  }
}
