output "trail_arn" {
  description = "ARN of the CloudTrail trail created by this module (null when an existing trail bucket is used)."
  value       = local.create_trail ? aws_cloudtrail.main[0].arn : null
}

output "log_bucket_name" {
  description = "Name of the S3 bucket the detector reads CloudTrail log files from."
  value       = local.create_trail ? module.trail_logs_bucket[0].id : var.existing_cloudtrail_bucket_name
}

output "dictionary_bucket_name" {
  description = "Name of the versioned S3 bucket that holds the dictionary."
  value       = module.dictionary_bucket.id
}

output "dictionary_s3_uri" {
  description = "S3 URI of the dictionary the function reads."
  value       = "s3://${module.dictionary_bucket.id}/${aws_s3_object.dictionary.key}"
}

output "dictionary_upload_command" {
  description = "Command that uploads a new dictionary; it takes effect within dictionary_ttl_seconds, without a redeploy."
  value       = "aws s3 cp dictionary/dictionary.txt s3://${module.dictionary_bucket.id}/${aws_s3_object.dictionary.key}"
}

output "function_name" {
  description = "Name of the detector Lambda function."
  value       = aws_lambda_function.analyzer.function_name
}

output "function_arn" {
  description = "ARN of the detector Lambda function."
  value       = aws_lambda_function.analyzer.arn
}

output "function_role_arn" {
  description = "ARN of the detector function's role: the principal the member role trusts (modules/member-role's detector_role_arn)."
  value       = aws_iam_role.analyzer.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the detector function."
  value       = aws_cloudwatch_log_group.analyzer.name
}

output "alarm_name" {
  description = "Name of the alarm that fires when a secret-looking parameter is written as plain text."
  value       = aws_cloudwatch_metric_alarm.detector["anomalies"].alarm_name
}

output "alarm_arn" {
  description = "ARN of the alarm that fires when a secret-looking parameter is written as plain text."
  value       = aws_cloudwatch_metric_alarm.detector["anomalies"].arn
}

output "alarm_names" {
  description = "Names of all alarms, by key: `anomalies` (findings), and every way the detector can go blind (`heartbeat`, `log_file_failures`, `failure_queue`, `analyzer_errors`, `dictionary_load_failures`, `inventory_failures`, `value_read_failures`, `finding_export_failures`, `member_role_failures`, `sweep_dead_letters`, `<rule>_failed_invocations`)."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.detector : key => alarm.alarm_name }
}

output "alarm_guards" {
  description = "What each alarm guards, in one line, by purpose (the same keys as alarm_names)."
  value       = { for key, alarm in local.alarms : key => alarm.guards }
}

output "alarm_console_url" {
  description = "AWS console URL of the findings alarm (`AnomaliesDetected`)."
  value       = "https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#alarmsV2:alarm/${urlencode(aws_cloudwatch_metric_alarm.detector["anomalies"].alarm_name)}"
}

output "alarms_console_url" {
  description = "AWS console URL listing all of this deployment's alarms."
  value       = "https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#alarmsV2:?search=${urlencode("${var.name_prefix}-")}"
}

output "sns_topic_arn" {
  description = "ARN of the SNS topic that receives alarm state changes and per-finding messages."
  value       = aws_sns_topic.alerts.arn
}

output "failure_queue_url" {
  description = "URL of the SQS queue that keeps S3 events the function failed on after all retries."
  value       = aws_sqs_queue.analyzer_failures.url
}

output "trigger_mode" {
  description = "How events reach the function (s3, eventbridge or both)."
  value       = var.trigger_mode
}

output "event_rule_names" {
  description = "EventBridge rules that invoke the function (trigger paths and the inventory sweep), by purpose."
  value       = { for key, rule in aws_cloudwatch_event_rule.analyzer : key => rule.name }
}

output "dedup_table_name" {
  description = "DynamoDB table that makes each write notified once (null when deduplication is off)."
  value       = local.deduplicate ? aws_dynamodb_table.dedup[0].name : null
}

output "log_bucket_notification" {
  description = "The S3 event notification that must invoke the function, and whether this module manages it (managed_by_module = false: add it to the bucket's own notification configuration, see docs/deploy.md)."
  value = {
    managed_by_module   = local.bucket_notification
    lambda_function_arn = aws_lambda_function.analyzer.arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = local.log_file_prefix
    filter_suffix       = local.log_file_suffix
  }
}

output "dashboard_console_url" {
  description = "AWS console URL of the CloudWatch dashboard (null when create_dashboard = false)."
  value       = var.create_dashboard ? "https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#dashboards/dashboard/${aws_cloudwatch_dashboard.detector[0].dashboard_name}" : null
}

output "saved_query_names" {
  description = "Names of the saved CloudWatch Logs Insights queries (Logs Insights > Saved queries; set the time range, e.g. the last 24 h, in the console), by key."
  value       = { for key, query in aws_cloudwatch_query_definition.detector : key => query.name }
}

output "member_role_name" {
  description = "Name of the read-only role the function assumes in member accounts (null when cross-account look-ups are off)."
  value       = local.cross_account ? local.member_role_name : null
}

output "member_role_stack_set_name" {
  description = "Name of the StackSet that deploys the member role (null unless organization_member_role)."
  value       = one(module.member_role[*].stack_set_name)
}

output "sweep_queue_url" {
  description = "URL of the SQS queue that fans the organization sweep out, one message per account (null unless inventory_organization)."
  value       = one(aws_sqs_queue.sweep[*].url)
}

output "sweep_dead_letter_queue_url" {
  description = "URL of the queue that keeps the organization sweep's messages that failed every attempt (null unless inventory_organization)."
  value       = one(aws_sqs_queue.sweep_dead_letters[*].url)
}
