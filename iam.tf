# ---- The detector function's role ----

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

  # The statements that exist only while their feature is on (local.optional_statements),
  # in the order they are listed there.
  dynamic "statement" {
    for_each = local.optional_statements

    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
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

  # The AWS managed key aws/ssm grants Decrypt to every principal of its account (Systems
  # Manager guide, "Restricting decryption of SecureString parameter values"), so leaving
  # kms:Decrypt out does not keep a SecureString encrypted from a role that may GetParameter:
  # an explicit deny in the identity policy overrides the key policy's allow (IAM guide,
  # "Policy evaluation logic"). Only decryption through SSM: the SNS and CloudTrail key
  # grants above stay usable.
  dynamic "statement" {
    for_each = var.inspect_values ? [1] : []

    content {
      sid       = "NeverDecryptParameterValues"
      effect    = "Deny"
      actions   = ["kms:Decrypt"]
      resources = ["*"]

      condition {
        test     = "StringLike"
        variable = "kms:ViaService"
        values   = ["ssm.*.amazonaws.com"]
      }
    }
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

locals {
  # The function role's optional statements as data, each with the variable that turns it on.
  optional_statements = [for statement in [
    # Value inspection reads the exact version written (name:version), without decryption:
    # no ssm:GetParameters, and kms:Decrypt through SSM denied explicitly
    # (NeverDecryptParameterValues), so a SecureString's plain value stays out of reach.
    # Any region: a multi-region trail reports writes from all of them; own account only
    # (other accounts' values are read through their member role).
    {
      enabled    = var.inspect_values
      sid        = "ReadPlaintextValues"
      actions    = ["ssm:GetParameter"]
      resources  = ["arn:${local.partition}:ssm:*:${local.account_id}:parameter/*"]
      conditions = []
    },
    # BatchImportFindings is authorised on the product resource; with the default integration
    # that is the account's own product ARN in the function's region.
    {
      enabled    = var.securityhub_findings
      sid        = "ImportFindingsToSecurityHub"
      actions    = ["securityhub:BatchImportFindings"]
      resources  = ["arn:${local.partition}:securityhub:${local.region}:${local.account_id}:product/${local.account_id}/default"]
      conditions = []
    },
    # A fixed parameter resolves its finding: GetFindings finds paramguard's active one, and
    # BatchUpdateFindings sets its workflow to RESOLVED with a note (a provider's re-import
    # cannot change Workflow or Note once the finding exists). Both are authorised on the
    # account's hub (Service Authorization Reference, AWS Security Hub: resource type "hub").
    {
      enabled    = var.securityhub_findings
      sid        = "ResolveFixedFindings"
      actions    = ["securityhub:BatchUpdateFindings", "securityhub:GetFindings"]
      resources  = ["arn:${local.partition}:securityhub:${local.region}:${local.account_id}:hub/default"]
      conditions = []
    },
    # The default bus only, and only events that say they come from paramguard.
    {
      enabled    = var.eventbridge_findings
      sid        = "PutFindingEvents"
      actions    = ["events:PutEvents"]
      resources  = ["arn:${local.partition}:events:${local.region}:${local.account_id}:event-bus/default"]
      conditions = [{ test = "StringEquals", variable = "events:source", values = ["paramguard"] }]
    },
    # The member role by name in any account: which accounts is decided by the role's trust
    # policy (this role, aws:PrincipalOrgID) and by where the role exists.
    {
      enabled    = local.cross_account
      sid        = "AssumeMemberRole"
      actions    = ["sts:AssumeRole"]
      resources  = ["arn:${local.partition}:iam::*:role/${local.member_role_name}"]
      conditions = []
    },
    # organizations:ListAccounts and DescribeOrganization have no resource-level permissions (Service Authorization
    # Reference, AWS Organizations), so "*"; not needed with a fixed organization_accounts.
    # DescribeOrganization names the management account, which the sweep skips (a
    # service-managed StackSet never deploys the member role there).
    {
      enabled    = var.inventory_organization && length(var.organization_accounts) == 0
      sid        = "ListOrganizationAccounts"
      actions    = ["organizations:DescribeOrganization", "organizations:ListAccounts"]
      resources  = ["*"]
      conditions = []
    },
    # The scheduled run queues one message per account (SendMessageBatch is authorised as
    # sqs:SendMessage) ...
    {
      enabled    = var.inventory_organization
      sid        = "QueueSweepAccounts"
      actions    = ["sqs:SendMessage"]
      resources  = aws_sqs_queue.sweep[*].arn
      conditions = []
    },
    # ... and the event source mapping receives them with the function's role
    # (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html, execution role permissions).
    {
      enabled    = var.inventory_organization
      sid        = "ReceiveSweepAccounts"
      actions    = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
      resources  = aws_sqs_queue.sweep[*].arn
      conditions = []
    },
  ] : statement if statement.enabled]
}

resource "aws_iam_role_policy" "analyzer" {
  name   = "${var.name_prefix}-analyzer"
  role   = aws_iam_role.analyzer.id
  policy = data.aws_iam_policy_document.analyzer.json
}
