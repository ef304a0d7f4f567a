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
