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
  # Which new objects are log files: the notification's filter (the function skips the rest).
  log_file_prefix = "${local.log_key_prefix}AWSLogs/"
  log_file_suffix = ".json.gz"

  s3_trigger          = var.trigger_mode != "eventbridge"
  eventbridge_trigger = var.trigger_mode != "s3"
  # S3 keeps one notification configuration per bucket: on a bucket the module did not
  # create, it is only touched when the operator asks for it.
  bucket_notification = local.s3_trigger && (var.create_bucket_notification == null ? local.create_trail : var.create_bucket_notification)
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
  failure_queue_name     = "${var.name_prefix}-analyzer-failures"
  # Built from its parts: the topic's key policy needs the ARN before the topic exists.
  topic_name = "${var.name_prefix}-alerts"
  topic_arn  = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.topic_name}"

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

  # CloudWatch publishes alarm notifications through SNS, which asks KMS for a data key
  # under the topic's encryption context. Only for alarms of this account and only for
  # this topic, so no alarm elsewhere can use the key through CloudWatch. The same keys
  # scope service publishers in AWS's own key policies for encrypted topics, e.g.
  # https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html
  # (moto enforces no key policy: the opt-in real-account test checks the alarm's
  # notification was delivered, see README "Local demo").
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:sns:topicArn"
      values   = [local.topic_arn]
    }
  }
}

resource "aws_kms_key" "notifications" {
  description             = "Encrypts the ${var.name_prefix} alert topic; admits CloudWatch alarms."
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days
  policy                  = data.aws_iam_policy_document.notifications_key.json
}

resource "aws_kms_alias" "notifications" {
  name          = "alias/${var.name_prefix}-notifications"
  target_key_id = aws_kms_key.notifications.key_id
}

resource "aws_sns_topic" "alerts" {
  name              = local.topic_name
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
      values   = [for alarm in values(local.alarms) : "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${alarm.name}"]
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
  # On a versioned bucket (organization and Control Tower log archives usually are) every
  # notification and S3 Batch Operations 2.0 task names the version, and GetObject with a
  # VersionId is authorised as s3:GetObjectVersion, not s3:GetObject:
  # https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (Versioning).
  statement {
    sid       = "ReadCloudTrailLogFiles"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
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

  # Publishing to the encrypted topic: SNS uses the key on the caller's behalf, with the
  # topic's ARN as encryption context, so the grant covers this topic only.
  statement {
    sid       = "EncryptFindings"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = [aws_kms_key.notifications.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sns.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:sns:topicArn"
      values   = [aws_sns_topic.alerts.arn]
    }
  }

  # ssm:DescribeParameters does not support resource-level permissions, so "*" is the only
  # valid resource. It returns names and types, never values (no ssm:GetParameter*).
  statement {
    sid       = "DescribeParameters"
    actions   = ["ssm:DescribeParameters"]
    resources = ["*"]
  }

  # Value inspection reads the exact version written (name:version), without decryption:
  # no ssm:GetParameters, no kms:Decrypt, so a SecureString's plain value stays out of reach.
  # Any region: a multi-region trail reports writes from all of them; own account only.
  dynamic "statement" {
    for_each = var.inspect_values ? [1] : []

    content {
      sid       = "ReadPlaintextValues"
      actions   = ["ssm:GetParameter"]
      resources = ["arn:${local.partition}:ssm:*:${local.account_id}:parameter/*"]
    }
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
    # INSPECT_VALUES is only set when on, so turning the feature off leaves the environment
    # as it was before the variable existed.
    variables = merge({
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
    }, var.inspect_values ? { INSPECT_VALUES = "true" } : {})
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
  #checkov:skip=CKV_AWS_119:The items are event IDs and parameter names with an expiry, never values; the AWS managed key aws/dynamodb is used (see server_side_encryption), a customer managed key would add cost and a key policy for no reader.
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

  # enabled = true is the AWS managed key aws/dynamodb, not the (default) AWS owned key:
  # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_SSESpecification.html
  # Chosen deliberately: it satisfies AWS Config's dynamodb-table-encrypted-kms, which
  # regulated accounts run, and its use is logged in the account's CloudTrail. Its key
  # policy admits the account's principals through DynamoDB, so the role needs no KMS grant.
  server_side_encryption {
    enabled = true
  }
}

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

  bucket = local.create_trail ? aws_s3_bucket.trail_logs[0].id : var.existing_cloudtrail_bucket_name

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
        description = "CloudTrail PutParameter calls, within seconds of the write."
        pattern = jsonencode({
          source        = ["aws.ssm"]
          "detail-type" = ["AWS API Call via CloudTrail"]
          # Successful calls only: a refused PutParameter stored nothing. A failed call
          # carries errorCode, a successful one has no such field:
          # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html ("Exists")
          detail = {
            eventSource = ["ssm.amazonaws.com"]
            eventName   = ["PutParameter"]
            errorCode   = [{ exists = false }]
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

# ---- Alarms ----

# Every way paramguard reports a finding or can go blind, as data: one entry per alarm, all
# on the alert topic. `guards` is the one line the README and `make demo` show; the
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
