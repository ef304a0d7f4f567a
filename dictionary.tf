# ---- Dictionary bucket ----

module "dictionary_bucket" {
  source = "./modules/private-bucket"

  name          = local.dictionary_bucket_name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_versioning" "dictionary" {
  bucket = module.dictionary_bucket.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "dictionary" {
  bucket = module.dictionary_bucket.id

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

resource "aws_s3_object" "dictionary" {
  bucket       = module.dictionary_bucket.id
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
    module.dictionary_bucket,
  ]
}

moved {
  from = aws_s3_bucket.dictionary
  to   = module.dictionary_bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_public_access_block.dictionary
  to   = module.dictionary_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.dictionary
  to   = module.dictionary_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.dictionary
  to   = module.dictionary_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_policy.dictionary
  to   = module.dictionary_bucket.aws_s3_bucket_policy.this
}
