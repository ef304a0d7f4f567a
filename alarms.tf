# ---- Alarms ----

# Every way paramguard reports a finding or can go blind, as data: one entry per alarm, all
# on the alert topic. `guards` is the one line docs/operations.md ("Alarms") and `make demo` show; the
# description says what the alarm means and what to check first. Period limits
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html):
# a multiple of 60 s, and period x evaluation periods at most one day below one-hour periods.
locals {
  heartbeat = local.s3_trigger && var.heartbeat_minutes > 0
  log_source = (local.create_trail
    ? "the trail ${local.trail_name}"
    : "the trail that delivers to s3://${local.log_bucket_name}/${local.log_key_prefix}AWSLogs/"
  )

  # Shared by the alarms on a count that should stay at zero: any one in a minute fires.
  any_in_a_minute = {
    statistic          = "Sum"
    period             = 60
    evaluation_periods = 1
    comparison         = "GreaterThanOrEqualToThreshold"
    threshold          = 1
    missing_data       = "notBreaching"
  }

  alarms = merge(
    {
      # The workshop's alarm: any finding within a minute.
      anomalies = merge(local.any_in_a_minute, {
        name        = "${var.name_prefix}-anomalies-detected"
        guards      = "a secret-looking parameter was written as plain String/StringList"
        description = "A secret-looking Parameter Store parameter was written as plain String/StringList. First check: the per-finding SNS messages, or the event = finding lines in ${local.log_group_name}; they name the parameter, who wrote it and how to fix it."
        namespace   = var.metric_namespace
        metric      = "AnomaliesDetected"
        dimensions  = {}
      })
      analyzer_errors = merge(local.any_in_a_minute, {
        name        = "${var.name_prefix}-analyzer-errors"
        guards      = "the function failed (an unhandled error, a timeout, out of memory)"
        description = "The paramguard function failed; Lambda retries twice, then the event waits in ${local.failure_queue_name}. First check: the errors in ${local.log_group_name} (Task timed out and Runtime exited mean the timeout or memory is too small for the log file)."
        namespace   = "AWS/Lambda"
        metric      = "Errors"
        dimensions  = { FunctionName = local.function_name }
      })
      dictionary_load_failures = merge(local.any_in_a_minute, {
        name        = "${var.name_prefix}-dictionary-load-failures"
        guards      = "the uploaded dictionary could not be used (missing, unreadable, invalid, shrunk)"
        description = "The function could not use s3://${local.dictionary_bucket_name}/${var.dictionary_key} and keeps matching with the last good (or the built-in) dictionary. First check: the dictionary errors in ${local.log_group_name}, then the object's latest version (restore the previous one if the upload was wrong)."
        namespace   = var.metric_namespace
        metric      = "DictionaryLoadFailures"
        dimensions  = {}
      })
      log_file_failures = merge(local.any_in_a_minute, {
        name        = "${var.name_prefix}-log-file-failures"
        guards      = "a CloudTrail log file could not be read or parsed; the writes in it were not checked"
        description = "A CloudTrail log file was skipped: AccessDenied after a role, bucket policy or key policy change, an object deleted before it was read, or a corrupt or oversized file. The writes in it were not checked. First check: the event = object_failed lines in ${local.log_group_name}, which name the object and the error."
        namespace   = var.metric_namespace
        metric      = "LogFileFailures"
        dimensions  = {}
      })
      # SQS publishes queue metrics every minute while the queue holds messages.
      failure_queue = {
        name               = "${var.name_prefix}-failure-queue-not-empty"
        guards             = "events the function failed on after every retry are waiting, unprocessed"
        description        = "Events the function failed on after every retry wait in ${local.failure_queue_name}; the writes in them are not reported until they are re-processed. First check: the errors in ${local.log_group_name}; once fixed, run paramguard redrive on the queue URL with --function ${local.function_name}."
        namespace          = "AWS/SQS"
        metric             = "ApproximateNumberOfMessagesVisible"
        dimensions         = { QueueName = local.failure_queue_name }
        statistic          = "Maximum"
        period             = 300
        evaluation_periods = 1
        comparison         = "GreaterThanOrEqualToThreshold"
        threshold          = 1
        missing_data       = "notBreaching"
      }
    },
    # Missing data breaches: no data point at all is exactly what a stopped trail, a
    # removed notification or a disabled function looks like.
    local.heartbeat ? {
      heartbeat = {
        name               = "${var.name_prefix}-heartbeat"
        guards             = "no CloudTrail log file processed for ${var.heartbeat_minutes} minutes (trail stopped, notification removed, function not invoked)"
        description        = "No CloudTrail log file was processed for ${var.heartbeat_minutes} minutes. First check: ${local.log_source} is logging (aws cloudtrail get-trail-status: IsLogging, LatestDeliveryError; a stopped or deleted trail is often an intruder's first step), then the bucket's notification to ${local.function_name}, its invoke permission, and the function's Invocations and Throttles."
        namespace          = var.metric_namespace
        metric             = "LogFilesProcessed"
        dimensions         = {}
        statistic          = "Sum"
        period             = 300
        evaluation_periods = var.heartbeat_minutes / 5
        comparison         = "LessThanThreshold"
        threshold          = 1
        missing_data       = "breaching"
      }
    } : {},
    var.inventory_schedule != "" ? {
      inventory_failures = merge(local.any_in_a_minute, {
        name        = "${var.name_prefix}-inventory-failures"
        guards      = "the scheduled sweep could not list parameters in a region"
        description = "The scheduled sweep could not list parameters in a region (ssm:DescribeParameters denied, an SCP, a region not enabled, throttling); existing plaintext parameters there are not reported. First check: the inventory errors in ${local.log_group_name}, which name the region."
        namespace   = var.metric_namespace
        metric      = "InventoryFailures"
        dimensions  = {}
      })
    } : {},
    var.inspect_values ? {
      value_read_failures = merge(local.any_in_a_minute, {
        name        = "${var.name_prefix}-value-read-failures"
        guards      = "a plaintext value could not be read (denied); secrets in it are not found unless its name matches"
        description = "The function could not read a plaintext parameter's value (AccessDenied after a role or SCP change, a permissions boundary); writes whose names do not match are not reported. First check: the event = value_not_inspected lines in ${local.log_group_name}, which name the parameter and the error, then the role's ssm:GetParameter grant."
        namespace   = var.metric_namespace
        metric      = "ValueReadFailures"
        dimensions  = {}
      })
    } : {},
    var.securityhub_findings || var.eventbridge_findings ? {
      finding_export_failures = merge(local.any_in_a_minute, {
        name        = "${var.name_prefix}-finding-export-failures"
        guards      = "Security Hub or EventBridge did not take a finding (the SNS message still went out)"
        description = "Security Hub or EventBridge refused or could not be reached for a finding (AccessDenied after a role change, Security Hub disabled in the region, throttling); teams that work from those see nothing for it, the SNS notification still went out. First check: the event = securityhub_failed / eventbridge_failed lines in ${local.log_group_name}, which give the error."
        namespace   = var.metric_namespace
        metric      = "FindingExportFailures"
        dimensions  = {}
      })
    } : {},
    local.cross_account ? {
      member_role_failures = merge(local.any_in_a_minute, {
        name        = "${var.name_prefix}-member-role-failures"
        guards      = "the member role could not be assumed in an account; its types, values and sweep are not seen"
        description = "The function could not assume ${local.member_role_name} in a member account (the role is missing: an account outside the StackSet's targets or the management account; AccessDenied: the trust policy no longer matches this function's role, e.g. after the role was created again, or an SCP). Writes there are reported with type unknown and their values are not inspected; the organization sweep skips the account. First check: the member role lines in ${local.log_group_name}, which name the account and the error; then the role in that account and its trust policy."
        namespace   = var.metric_namespace
        metric      = "MemberRoleFailures"
        dimensions  = {}
      })
    } : {},
    # SQS publishes queue metrics every minute while the queue holds messages.
    var.inventory_organization ? {
      sweep_dead_letters = {
        name               = "${var.name_prefix}-sweep-dead-letters-not-empty"
        guards             = "an account's organization sweep failed every attempt; its existing parameters were not checked"
        description        = "An account's sweep message failed five times and waits in ${local.sweep_dead_letters_name}; that account's existing plaintext parameters were not reported. First check: the inventory errors in ${local.log_group_name} for the account in the message; once fixed, move the messages back to ${local.sweep_queue_name} (aws sqs start-message-move-task) or wait for the next scheduled sweep."
        namespace          = "AWS/SQS"
        metric             = "ApproximateNumberOfMessagesVisible"
        dimensions         = { QueueName = local.sweep_dead_letters_name }
        statistic          = "Maximum"
        period             = 300
        evaluation_periods = 1
        comparison         = "GreaterThanOrEqualToThreshold"
        threshold          = 1
        missing_data       = "notBreaching"
      }
    } : {},
    # EventBridge publishes FailedInvocations only when it is not zero. RuleName alone
    # is the default bus (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html).
    { for key, rule in local.event_rules : "${replace(key, "-", "_")}_failed_invocations" => merge(local.any_in_a_minute, {
      name        = "${var.name_prefix}-${key}-failed-invocations"
      guards      = "EventBridge could not invoke the function for the ${key} rule"
      description = "EventBridge could not invoke ${local.function_name} for the rule ${var.name_prefix}-${key} after its retries: the invoke permission was removed, the function was deleted or is throttled. The events went to ${local.failure_queue_name}. First check: aws lambda get-policy --function-name ${local.function_name} shows events.amazonaws.com with this rule's ARN."
      namespace   = "AWS/Events"
      metric      = "FailedInvocations"
      dimensions  = { RuleName = "${var.name_prefix}-${key}" }
    }) },
  )
}

resource "aws_cloudwatch_metric_alarm" "detector" {
  for_each = local.alarms

  alarm_name          = each.value.name
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.evaluation_periods
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison
  treat_missing_data  = each.value.missing_data
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# The three alarms that were separate resources keep their state (and names) on upgrade.
moved {
  from = aws_cloudwatch_metric_alarm.anomalies
  to   = aws_cloudwatch_metric_alarm.detector["anomalies"]
}

moved {
  from = aws_cloudwatch_metric_alarm.analyzer_errors
  to   = aws_cloudwatch_metric_alarm.detector["analyzer_errors"]
}

moved {
  from = aws_cloudwatch_metric_alarm.dictionary_load_failures
  to   = aws_cloudwatch_metric_alarm.detector["dictionary_load_failures"]
}
