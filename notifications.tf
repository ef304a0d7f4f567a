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
  # notification was delivered, see docs/development.md "Local demo").
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
