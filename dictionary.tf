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
