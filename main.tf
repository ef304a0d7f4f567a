# ---- Identity and names ----

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.id

  create_trail = var.existing_cloudtrail_bucket_name == ""

  # An existing trail may deliver under a key prefix (<prefix>/AWSLogs/...).
  log_key_prefix = var.existing_cloudtrail_key_prefix == "" ? "" : "${trim(var.existing_cloudtrail_key_prefix, "/")}/"

  s3_trigger          = var.trigger_mode != "eventbridge"
  eventbridge_trigger = var.trigger_mode != "s3"
  # With two paths, or a sweep that runs again and again, one write would be notified
  # several times without the table.
  deduplicate = var.enable_deduplication || var.trigger_mode == "both" || var.inventory_schedule != ""

  trail_name = "${var.name_prefix}-trail"
  # Built from its parts: the log bucket policy needs the trail ARN before the trail exists.
  trail_arn = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"

  log_bucket_name        = local.create_trail ? "${var.name_prefix}-trail-logs-${local.account_id}-${local.region}" : var.existing_cloudtrail_bucket_name
  log_bucket_arn         = "arn:${local.partition}:s3:::${local.log_bucket_name}"
  dictionary_bucket_name = "${var.name_prefix}-dictionary-${local.account_id}-${local.region}"
  dictionary_object_arn  = "${aws_s3_bucket.dictionary.arn}/${var.dictionary_key}"
  function_name          = "${var.name_prefix}-analyzer"
  log_group_name         = "/aws/lambda/${local.function_name}"

  alarm_names = {
    anomalies                = "${var.name_prefix}-anomalies-detected"
    analyzer_errors          = "${var.name_prefix}-analyzer-errors"
    dictionary_load_failures = "${var.name_prefix}-dictionary-load-failures"
  }
  alarm_arns = [for name in values(local.alarm_names) : "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${name}"]

  # Everything that goes into the deployment zip: a change to any of these files, and only
  # to these, rebuilds the zip and redeploys the code.
  package_sources = sort(concat(
    [for f in fileset("${path.module}/function/paramguard", "*.py") : "function/paramguard/${f}"],
    ["function/paramguard/py.typed", "dictionary/dictionary.txt", "scripts/package_lambda.py"],
  ))
  package_source_hash = base64sha256(join("\n", [for f in local.package_sources : "${f} ${filesha256("${path.module}/${f}")}"]))
  package_path        = "${path.module}/build/paramguard-lambda.zip"
}

# ---- CloudTrail log bucket ----

resource "aws_s3_bucket" "trail_logs" {
  #checkov:skip=CKV_AWS_18:Access logging of the log bucket would need another bucket; CloudTrail log file validation detects tampering.
  #checkov:skip=CKV_AWS_144:Cross-region replication is out of scope; the trail itself is multi-region.
  #checkov:skip=CKV_AWS_145:SSE-S3 is enough for the trail logs here; an existing trail with SSE-KMS is supported through existing_cloudtrail_kms_key_arn.
  #checkov:skip=CKV_AWS_21:Log files are write-once and expire by lifecycle; digest files (log file validation) detect deletion or change.
  count = local.create_trail ? 1 : 0

  bucket        = local.log_bucket_name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_public_access_block" "trail_logs" {
  count = local.create_trail ? 1 : 0

  bucket                  = aws_s3_bucket.trail_logs[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "trail_logs" {
  count = local.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail_logs[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "trail_logs" {
  count = local.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail_logs[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "trail_logs" {
  count = local.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail_logs[0].id

  rule {
    id     = "expire-log-files"
    status = "Enabled"

    filter {}

    expiration {
      days = var.log_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "aws_iam_policy_document" "trail_logs" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.log_bucket_arn, "${local.log_bucket_arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # The two statements CloudTrail needs, each limited to our trail so no other trail
  # (in this or another account) can write into the bucket.
  statement {
    sid       = "AWSCloudTrailAclCheck"
    actions   = ["s3:GetBucketAcl"]
    resources = [local.log_bucket_arn]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  statement {
    sid       = "AWSCloudTrailWrite"
    actions   = ["s3:PutObject"]
    resources = ["${local.log_bucket_arn}/AWSLogs/${local.account_id}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }
}

resource "aws_s3_bucket_policy" "trail_logs" {
  count = local.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail_logs[0].id
  policy = data.aws_iam_policy_document.trail_logs.json

  depends_on = [aws_s3_bucket_public_access_block.trail_logs]
}

# ---- CloudTrail ----

resource "aws_cloudtrail" "main" {
  #checkov:skip=CKV_AWS_35:Log files are encrypted with SSE-S3; a CMK costs money and a key policy for a detector that stores no secrets.
  #checkov:skip=CKV_AWS_252:Delivery is signalled by the S3 event notification, not an SNS topic.
  #checkov:skip=CKV2_AWS_10:The S3 notification feeds the analyzer; CloudWatch Logs delivery would double the ingestion cost.
  count = local.create_trail ? 1 : 0

  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.trail_logs[0].id
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true

  # PutParameter is a write management event; read events would only add volume.
  event_selector {
    read_write_type           = "WriteOnly"
    include_management_events = true
  }

  # CloudTrail checks the bucket policy when the trail is created.
  depends_on = [aws_s3_bucket_policy.trail_logs]
}

# ---- Dictionary bucket ----

resource "aws_s3_bucket" "dictionary" {
  #checkov:skip=CKV_AWS_18:Access logging would need another bucket; versioning keeps every dictionary change.
  #checkov:skip=CKV_AWS_144:Cross-region replication is out of scope; the dictionary source lives in git.
  #checkov:skip=CKV_AWS_145:SSE-S3 is enough for a list of suspicious words; SSE-KMS would add a key and kms:Decrypt.
  #checkov:skip=CKV2_AWS_62:Nothing needs to react to dictionary changes; the function re-checks the ETag.
  bucket        = local.dictionary_bucket_name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_public_access_block" "dictionary" {
  bucket                  = aws_s3_bucket.dictionary.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "dictionary" {
  bucket = aws_s3_bucket.dictionary.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "dictionary" {
  bucket = aws_s3_bucket.dictionary.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "dictionary" {
  bucket = aws_s3_bucket.dictionary.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "dictionary" {
  bucket = aws_s3_bucket.dictionary.id

  rule {
    id     = "expire-old-dictionary-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.dictionary_noncurrent_version_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.dictionary]
}

data "aws_iam_policy_document" "dictionary" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.dictionary.arn, "${aws_s3_bucket.dictionary.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "dictionary" {
  bucket = aws_s3_bucket.dictionary.id
  policy = data.aws_iam_policy_document.dictionary.json

  depends_on = [aws_s3_bucket_public_access_block.dictionary]
}

resource "aws_s3_object" "dictionary" {
  bucket       = aws_s3_bucket.dictionary.id
  key          = var.dictionary_key
  source       = "${path.module}/dictionary/dictionary.txt"
  content_type = "text/plain; charset=utf-8"

  # Only the first upload comes from Terraform. Operators then replace the dictionary with
  # `aws s3 cp` (see the dictionary_upload_command output), and the next apply must not
  # put the repository's copy back.
  lifecycle {
    ignore_changes = [
      source,
      source_hash,
      content,
      content_base64,
      etag,
      content_type,
      content_encoding,
      content_language,
      content_disposition,
      cache_control,
      metadata,
      server_side_encryption,
      storage_class,
      # `aws s3 cp` writes a new version without tags.
      tags,
      tags_all,
    ]
  }

  depends_on = [
    aws_s3_bucket_versioning.dictionary,
    aws_s3_bucket_server_side_encryption_configuration.dictionary,
  ]
}

# ---- Alert topic ----

# CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key
# alias/aws/sns (its key policy cannot be changed to admit cloudwatch.amazonaws.com),
# so the topic gets a small customer managed key.
data "aws_iam_policy_document" "notifications_key" {
  #checkov:skip=CKV_AWS_109:A key policy's resource is always the key itself ("*"); the account root statement is AWS's default key policy.
  #checkov:skip=CKV_AWS_111:A key policy's resource is always the key itself ("*"); the account root statement is AWS's default key policy.
  #checkov:skip=CKV_AWS_356:A key policy's resource is always the key itself ("*").
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "notifications" {
  description             = "Encrypts the ${var.name_prefix} alert topic; admits CloudWatch alarms."
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.notifications_key.json
}

resource "aws_kms_alias" "notifications" {
  name          = "alias/${var.name_prefix}-notifications"
  target_key_id = aws_kms_key.notifications.key_id
}

resource "aws_sns_topic" "alerts" {
  name              = "${var.name_prefix}-alerts"
  kms_master_key_id = aws_kms_key.notifications.arn
}

data "aws_iam_policy_document" "alerts" {
  statement {
    sid = "AccountOwnerManages"
    actions = [
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:AddPermission",
      "sns:RemovePermission",
      "sns:DeleteTopic",
      "sns:Subscribe",
      "sns:ListSubscriptionsByTopic",
      "sns:Publish",
    ]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    # Only our own alarms, not any alarm in any account.
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = local.alarm_arns
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts.json
}

resource "aws_sns_topic_subscription" "email" {
  count = var.notification_email == "" ? 0 : 1

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.notification_email
}

# ---- Lambda package ----

# Built by a local command rather than the archive provider, the way
# terraform-aws-modules/lambda does: the zip is reproducible, the dictionary symlink is
# stored as a file, and it is rebuilt exactly when one of its source files changes.
resource "terraform_data" "lambda_package" {
  triggers_replace = local.package_source_hash

  provisioner "local-exec" {
    working_dir = path.module
    command     = "${var.package_python} scripts/package_lambda.py --output build/paramguard-lambda.zip"
  }
}

# ---- Analyzer function ----

data "aws_iam_policy_document" "analyzer_assume_role" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "analyzer" {
  name               = "${var.name_prefix}-analyzer"
  assume_role_policy = data.aws_iam_policy_document.analyzer_assume_role.json
}

data "aws_iam_policy_document" "analyzer" {
  statement {
    sid       = "ReadCloudTrailLogFiles"
    actions   = ["s3:GetObject"]
    resources = ["${local.log_bucket_arn}/${local.log_key_prefix}AWSLogs/*"]
  }

  statement {
    sid       = "ReadDictionary"
    actions   = ["s3:GetObject"]
    resources = [local.dictionary_object_arn]
  }

  # PutMetricData has no resource-level permissions; the condition pins the namespace.
  statement {
    sid       = "PutMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [var.metric_namespace]
    }
  }

  statement {
    sid       = "PublishFindings"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
  }

  # Publishing to the encrypted topic: SNS uses the key on the caller's behalf.
  statement {
    sid       = "EncryptFindings"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = [aws_kms_key.notifications.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sns.${local.region}.amazonaws.com"]
    }
  }

  # ssm:DescribeParameters does not support resource-level permissions, so "*" is the only
  # valid resource. It returns names and types, never values (no ssm:GetParameter*).
  statement {
    sid       = "DescribeParameters"
    actions   = ["ssm:DescribeParameters"]
    resources = ["*"]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.analyzer.arn}:*"]
  }

  statement {
    sid       = "SendFailedEvents"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.analyzer_failures.arn]
  }

  # Conditional writes only: a claim either succeeds or says "already reported".
  dynamic "statement" {
    for_each = local.deduplicate ? [1] : []

    content {
      sid       = "ClaimFindings"
      actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem"]
      resources = [aws_dynamodb_table.dedup[0].arn]
    }
  }

  dynamic "statement" {
    for_each = !local.create_trail && var.existing_cloudtrail_kms_key_arn != "" ? [var.existing_cloudtrail_kms_key_arn] : []

    content {
      sid       = "DecryptCloudTrailLogFiles"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "analyzer" {
  name   = "${var.name_prefix}-analyzer"
  role   = aws_iam_role.analyzer.id
  policy = data.aws_iam_policy_document.analyzer.json
}

resource "aws_cloudwatch_log_group" "analyzer" {
  #checkov:skip=CKV_AWS_158:The log lines hold parameter names and finding counts, never values; SSE by CloudWatch Logs is enough.
  #checkov:skip=CKV_AWS_338:Retention is the operator's choice (log_retention_days); the findings themselves go to SNS and the metric.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
}

resource "aws_sqs_queue" "analyzer_failures" {
  name                      = "${var.name_prefix}-analyzer-failures"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600 # 14 days, the maximum
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
    variables = {
      DICTIONARY_BUCKET                = aws_s3_bucket.dictionary.id
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
    }
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

# ---- Deduplication table ----

resource "aws_dynamodb_table" "dedup" {
  #checkov:skip=CKV_AWS_119:The items are hashes of event IDs and parameter names with an expiry, no values; the AWS owned key encrypts them at rest.
  #checkov:skip=CKV_AWS_28:Point-in-time recovery would restore short-lived claims; losing them costs at most a repeated notification.
  count = local.deduplicate ? 1 : 0

  name         = "${var.name_prefix}-dedup"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  # Claims expire by themselves (7 days for an event, 400 for a parameter version).
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled = true
  }
}

# ---- Trigger ----

resource "aws_lambda_permission" "s3_invoke" {
  count = local.s3_trigger ? 1 : 0

  statement_id   = "AllowS3Invoke"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.analyzer.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = local.log_bucket_arn
  source_account = local.account_id
}

resource "aws_s3_bucket_notification" "trail_logs" {
  count = var.create_bucket_notification && local.s3_trigger ? 1 : 0

  bucket = local.create_trail ? aws_s3_bucket.trail_logs[0].id : var.existing_cloudtrail_bucket_name

  lambda_function {
    id                  = "paramguard-analyzer"
    lambda_function_arn = aws_lambda_function.analyzer.arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = "${local.log_key_prefix}AWSLogs/"
    filter_suffix       = ".json.gz"
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
        description = "CloudTrail PutParameter calls, within seconds of the write."
        pattern = jsonencode({
          source        = ["aws.ssm"]
          "detail-type" = ["AWS API Call via CloudTrail"]
          detail = {
            eventSource = ["ssm.amazonaws.com"]
            eventName   = ["PutParameter"]
          }
        })
        schedule = null
      }
      # Parameter Store's own event: name and type, no actor; a second, independent path.
      "parameter-change" = {
        description = "Parameter Store Change events for plain String/StringList parameters."
        pattern = jsonencode({
          source        = ["aws.ssm"]
          "detail-type" = ["Parameter Store Change"]
          detail = {
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

resource "aws_lambda_permission" "eventbridge_invoke" {
  for_each = local.event_rules

  statement_id   = "AllowEventBridge-${each.key}"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.analyzer.function_name
  principal      = "events.amazonaws.com"
  source_arn     = aws_cloudwatch_event_rule.analyzer[each.key].arn
  source_account = local.account_id
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

# ---- Alarms ----

resource "aws_cloudwatch_metric_alarm" "anomalies" {
  alarm_name          = local.alarm_names.anomalies
  alarm_description   = "A secret-looking Parameter Store parameter was written as plain String/StringList. The per-finding SNS messages and the ${local.log_group_name} logs name it."
  namespace           = var.metric_namespace
  metric_name         = "AnomaliesDetected"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# A detector that fails silently is worse than none: alarm when the function errors.
resource "aws_cloudwatch_metric_alarm" "analyzer_errors" {
  alarm_name          = local.alarm_names.analyzer_errors
  alarm_description   = "The paramguard analyzer failed on a CloudTrail log file; after the retries the event is in the ${aws_sqs_queue.analyzer_failures.name} queue. See ${local.log_group_name}."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.analyzer.function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# ... and when it runs without its dictionary.
resource "aws_cloudwatch_metric_alarm" "dictionary_load_failures" {
  alarm_name          = local.alarm_names.dictionary_load_failures
  alarm_description   = "The paramguard analyzer could not load s3://${aws_s3_bucket.dictionary.id}/${var.dictionary_key}; it is matching with a stale or built-in dictionary."
  namespace           = var.metric_namespace
  metric_name         = "DictionaryLoadFailures"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}
