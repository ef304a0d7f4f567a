# A bucket nobody outside the account reaches: public access blocked, ACLs off, SSE-S3,
# requests over TLS only. Versioning, lifecycle and notifications are the caller's.

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Access logging would need another bucket; the trail's log file validation and the dictionary's versioning keep the history that matters.
  #checkov:skip=CKV_AWS_144:Cross-region replication is out of scope; the trail is multi-region and the dictionary source lives in git.
  #checkov:skip=CKV_AWS_145:SSE-S3 is enough for trail logs and a list of suspicious words; an existing trail with SSE-KMS is supported through existing_cloudtrail_kms_key_arn.
  #checkov:skip=CKV_AWS_21:Versioning is the caller's choice: the dictionary bucket is versioned; log files are write-once and digest files (log file validation) detect deletion or change.
  #checkov:skip=CKV2_AWS_61:Lifecycle rules are the caller's (log files expire, old dictionary versions expire).
  #checkov:skip=CKV2_AWS_62:Notifications are the caller's: the trail bucket notifies the function, the dictionary bucket needs none (the function re-checks the ETag).
  bucket        = var.name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# The caller's statements come after this one (override_policy_documents appends those whose
# Sid differs), so a bucket policy reads the same as when each bucket wrote its own.
data "aws_iam_policy_document" "this" {
  override_policy_documents = var.policy_json == "" ? [] : [var.policy_json]

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

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

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  # Put one after the other: S3 answers OperationAborted to conflicting bucket calls at once.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
