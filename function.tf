# ---- The detector function ----

resource "aws_cloudwatch_log_group" "analyzer" {
  #checkov:skip=CKV_AWS_158:The log lines hold parameter names and finding counts, never values; SSE by CloudWatch Logs is enough.
  #checkov:skip=CKV_AWS_338:Retention is the operator's choice (log_retention_days); the findings themselves go to SNS and the metric.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
}

resource "aws_sqs_queue" "analyzer_failures" {
  name                      = local.failure_queue_name
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600 # 14 days, the maximum
  # What `paramguard redrive` holds a message for while it is re-processed in-process:
  # one invocation's worth of work, plus a margin.
  visibility_timeout_seconds = var.lambda_timeout + 30
}

resource "aws_lambda_function" "analyzer" {
  #checkov:skip=CKV_AWS_50:X-Ray tracing would add cost and permissions for a function with three downstream calls.
  #checkov:skip=CKV_AWS_116:Failed events go to an on-failure destination (aws_lambda_function_event_invoke_config), which keeps the error context a DLQ would drop.
  #checkov:skip=CKV_AWS_117:The function only calls AWS APIs; a VPC would need endpoints or a NAT gateway for no benefit.
  #checkov:skip=CKV_AWS_173:The environment holds bucket names and a topic ARN, no secrets.
  #checkov:skip=CKV_AWS_115:Reserved concurrency is optional (lambda_reserved_concurrent_executions); reserving it by default takes from the account pool.
  #checkov:skip=CKV_AWS_272:Code signing needs a signing profile; the zip is built reproducibly from the repository.
  function_name                  = local.function_name
  description                    = "paramguard: finds secrets written to Parameter Store as plain String/StringList in CloudTrail log files."
  role                           = aws_iam_role.analyzer.arn
  handler                        = "paramguard.handler.lambda_handler"
  runtime                        = "python3.13"
  architectures                  = ["arm64"]
  memory_size                    = var.lambda_memory_size
  timeout                        = var.lambda_timeout
  reserved_concurrent_executions = var.lambda_reserved_concurrent_executions

  filename         = local.package_path
  source_code_hash = local.package_source_hash

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.analyzer.name
  }

  environment {
    # INSPECT_VALUES, SECURITYHUB_FINDINGS and EVENT_BUS_NAME are only set when on, so an
    # upgrade that turns none of them on leaves the environment as it was.
    variables = merge({
      DICTIONARY_BUCKET                = module.dictionary_bucket.id
      DICTIONARY_KEY                   = var.dictionary_key
      DICTIONARY_TTL_SECONDS           = tostring(var.dictionary_ttl_seconds)
      METRIC_NAMESPACE                 = var.metric_namespace
      SNS_TOPIC_ARN                    = aws_sns_topic.alerts.arn
      MAX_NOTIFICATIONS_PER_INVOCATION = tostring(var.max_notifications_per_invocation)
      LOG_LEVEL                        = var.log_level
      DEDUP_TABLE_NAME                 = local.deduplicate ? aws_dynamodb_table.dedup[0].name : ""
      INVENTORY_REGIONS                = join(",", var.inventory_regions)
      MAX_DECOMPRESSED_BYTES           = tostring(floor(coalesce(var.max_decompressed_mb, (var.lambda_memory_size - 96) * 3 / 5) * 1048576))
      DICTIONARY_MIN_RATIO_PERCENT     = tostring(var.dictionary_min_ratio_percent)
      },
      var.inspect_values ? { INSPECT_VALUES = "true" } : {},
      var.securityhub_findings ? { SECURITYHUB_FINDINGS = "true" } : {},
      var.eventbridge_findings ? { EVENT_BUS_NAME = "default" } : {},
      # The organization (docs/organization.md): only set when on, like the three above.
      local.cross_account ? { MEMBER_ROLE_NAME = local.member_role_name } : {},
      var.inventory_organization ? { SWEEP_QUEUE_URL = aws_sqs_queue.sweep[0].url } : {},
      var.inventory_organization && length(var.organization_accounts) > 0 ? { SWEEP_ACCOUNTS = join(",", var.organization_accounts) } : {},
    )
  }

  depends_on = [
    terraform_data.lambda_package,
    aws_iam_role_policy.analyzer,
    aws_cloudwatch_log_group.analyzer,
  ]
}

resource "aws_lambda_function_event_invoke_config" "analyzer" {
  function_name                = aws_lambda_function.analyzer.function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 21600

  # A log file that failed every attempt lands here with the error, so it can be replayed.
  destination_config {
    on_failure {
      destination = aws_sqs_queue.analyzer_failures.arn
    }
  }
}
