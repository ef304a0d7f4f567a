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
