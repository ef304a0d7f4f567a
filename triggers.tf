# ---- Trigger ----

# Kept with an existing bucket too, for a notification the operator wires themselves.
# source_account as well as source_arn: a bucket ARN names no account, and a deleted
# bucket's name can be taken by another account.
resource "aws_lambda_permission" "s3_invoke" {
  count = local.s3_trigger ? 1 : 0

  statement_id   = "AllowS3Invoke"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.analyzer.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = local.log_bucket_arn
  source_account = local.account_id
}

# https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html:
# "This action replaces the existing notification configuration", hence local.bucket_notification.
resource "aws_s3_bucket_notification" "trail_logs" {
  count = local.bucket_notification ? 1 : 0

  bucket = local.create_trail ? module.trail_logs_bucket[0].id : var.existing_cloudtrail_bucket_name

  lambda_function {
    id                  = "paramguard-analyzer"
    lambda_function_arn = aws_lambda_function.analyzer.arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = local.log_file_prefix
    filter_suffix       = local.log_file_suffix
  }

  # S3 sends a test event to the function when the configuration is saved and rejects the
  # configuration unless the function already allows s3.amazonaws.com to invoke it.
  depends_on = [aws_lambda_permission.s3_invoke]
}

# ---- EventBridge triggers ----

locals {
  event_rules = merge(
    local.eventbridge_trigger ? {
      # The CloudTrail record itself: who, from where, and the type as written.
      "put-parameter" = {
        description = var.securityhub_findings ? "CloudTrail PutParameter calls, and the deletes that fix them, within seconds." : "CloudTrail PutParameter calls, within seconds of the write."
        pattern = jsonencode({
          source        = ["aws.ssm"]
          "detail-type" = ["AWS API Call via CloudTrail"]
          # Successful calls only: a refused PutParameter stored nothing. A failed call
          # carries errorCode, a successful one has no such field:
          # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html ("Exists")
          detail = {
            eventSource = ["ssm.amazonaws.com"]
            # With Security Hub, a delete resolves the parameter's finding (docs/findings.md).
            eventName = var.securityhub_findings ? ["PutParameter", "DeleteParameter", "DeleteParameters"] : ["PutParameter"]
            errorCode = [{ exists = false }]
          }
        })
        schedule = null
      }
      # Parameter Store's own event: name and type, no actor; a second, independent path.
      "parameter-change" = {
        description = var.securityhub_findings ? "Parameter Store Change events: plain String/StringList writes, and the deletes and SecureString writes that fix them." : "Parameter Store Change events for plain String/StringList parameters."
        pattern = jsonencode({
          source        = ["aws.ssm"]
          "detail-type" = ["Parameter Store Change"]
          # With Security Hub, a delete or a SecureString overwrite resolves the finding.
          detail = var.securityhub_findings ? {
            operation = ["Create", "Update", "Delete"]
            } : {
            operation = ["Create", "Update"]
            type      = ["String", "StringList"]
          }
        })
        schedule = null
      }
    } : {},
    var.inventory_schedule != "" ? {
      "inventory" = {
        description = "Scheduled sweep of existing String/StringList parameters."
        pattern     = null
        schedule    = var.inventory_schedule
      }
    } : {},
  )
}

resource "aws_cloudwatch_event_rule" "analyzer" {
  for_each = local.event_rules

  name                = "${var.name_prefix}-${each.key}"
  description         = each.value.description
  event_pattern       = each.value.pattern
  schedule_expression = each.value.schedule
}

resource "aws_cloudwatch_event_target" "analyzer" {
  for_each = local.event_rules

  rule = aws_cloudwatch_event_rule.analyzer[each.key].name
  arn  = aws_lambda_function.analyzer.arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 8
  }

  # Events EventBridge could not hand to the function at all land with the failed ones.
  dead_letter_config {
    arn = aws_sqs_queue.analyzer_failures.arn
  }
}

# No source_account here: the rule ARN already names the account, AWS documents only
# AWS:SourceArn for EventBridge (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html,
# "My rule ran but my Lambda function wasn't invoked"), and the provider documents
# source_account for S3, SES and cross-account access only
# (registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_permission);
# with it, invocations have been reported to fail silently (hashicorp/terraform-provider-aws#4116).
resource "aws_lambda_permission" "eventbridge_invoke" {
  for_each = local.event_rules

  statement_id  = "AllowEventBridge-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.analyzer.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.analyzer[each.key].arn
}

data "aws_iam_policy_document" "failure_queue" {
  count = length(local.event_rules) > 0 ? 1 : 0

  statement {
    sid       = "EventBridgeDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.analyzer_failures.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [for rule in aws_cloudwatch_event_rule.analyzer : rule.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "failure_queue" {
  count = length(local.event_rules) > 0 ? 1 : 0

  queue_url = aws_sqs_queue.analyzer_failures.id
  policy    = data.aws_iam_policy_document.failure_queue[0].json
}
