# ---- CloudTrail log bucket ----

module "trail_logs_bucket" {
  source = "./modules/private-bucket"
  count  = local.create_trail ? 1 : 0

  name          = local.log_bucket_name
  force_destroy = var.force_destroy
  policy_json   = data.aws_iam_policy_document.trail_logs.json
}

resource "aws_s3_bucket_lifecycle_configuration" "trail_logs" {
  count = local.create_trail ? 1 : 0

  bucket = module.trail_logs_bucket[0].id

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

# ---- CloudTrail ----

resource "aws_cloudtrail" "main" {
  #checkov:skip=CKV_AWS_35:Log files are encrypted with SSE-S3; a CMK costs money and a key policy for a detector that stores no secrets.
  #checkov:skip=CKV_AWS_252:Delivery is signalled by the S3 event notification, not an SNS topic.
  #checkov:skip=CKV2_AWS_10:The S3 notification feeds the detector; CloudWatch Logs delivery would double the ingestion cost.
  count = local.create_trail ? 1 : 0

  name                          = local.trail_name
  s3_bucket_name                = module.trail_logs_bucket[0].id
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true

  # PutParameter is a write management event; read events would only add volume.
  event_selector {
    read_write_type           = "WriteOnly"
    include_management_events = true
  }

  # CloudTrail checks the bucket policy when the trail is created.
  depends_on = [module.trail_logs_bucket]
}

# The bucket's common blocks moved into modules/private-bucket: the state follows them.
moved {
  from = aws_s3_bucket.trail_logs[0]
  to   = module.trail_logs_bucket[0].aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_public_access_block.trail_logs[0]
  to   = module.trail_logs_bucket[0].aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.trail_logs[0]
  to   = module.trail_logs_bucket[0].aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.trail_logs[0]
  to   = module.trail_logs_bucket[0].aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_policy.trail_logs[0]
  to   = module.trail_logs_bucket[0].aws_s3_bucket_policy.this
}
