# Attaching to an existing (organization) trail bucket creates no trail and no bucket, and
# touches the bucket's notification configuration only when asked: S3 keeps ONE per bucket,
# which may already feed a SIEM or Security Lake.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  name_prefix                     = "pgorg"
  existing_cloudtrail_bucket_name = "org-trail-bucket"
  existing_cloudtrail_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  existing_cloudtrail_key_prefix  = "org-trail/"
}

run "default_leaves_the_notification_alone" {
  command = plan

  assert {
    condition = (
      length(aws_cloudtrail.main) == 0
      && length(module.trail_logs_bucket) == 0
      && length(aws_s3_bucket_lifecycle_configuration.trail_logs) == 0
    )
    error_message = "an existing trail bucket must create no trail and no log bucket"
  }

  # S3 may still invoke the function, for a notification wired elsewhere.
  assert {
    condition = (
      aws_lambda_permission.s3_invoke[0].source_arn == "arn:aws:s3:::org-trail-bucket"
      && aws_lambda_permission.s3_invoke[0].source_account == "123456789012"
    )
    error_message = "the invoke permission must name the existing bucket and the account"
  }

  assert {
    condition     = length(aws_s3_bucket_notification.trail_logs) == 0 && !output.log_bucket_notification.managed_by_module
    error_message = "by default the module must not replace the bucket's notification configuration"
  }

  assert {
    condition = (
      output.log_bucket_notification.filter_prefix == "org-trail/AWSLogs/"
      && output.log_bucket_notification.filter_suffix == ".json.gz"
      && output.log_bucket_name == "org-trail-bucket"
      && output.trail_arn == null
    )
    error_message = "log_bucket_notification: ${jsonencode(output.log_bucket_notification)}"
  }

  # The heartbeat watches this trail's files all the same: a missing wiring is noticed.
  assert {
    condition     = strcontains(aws_cloudwatch_metric_alarm.detector["heartbeat"].alarm_description, "s3://org-trail-bucket/org-trail/AWSLogs/")
    error_message = "the heartbeat must name the existing trail's files"
  }
}

run "notification_on_request" {
  command = plan

  variables {
    create_bucket_notification = true
  }

  assert {
    condition = (
      length(aws_cloudtrail.main) == 0
      && length(module.trail_logs_bucket) == 0
      && aws_s3_bucket_notification.trail_logs[0].bucket == "org-trail-bucket"
      && aws_s3_bucket_notification.trail_logs[0].lambda_function[0].filter_prefix == "org-trail/AWSLogs/"
      && output.log_bucket_notification.managed_by_module
    )
    error_message = "create_bucket_notification = true must put the notification on the existing bucket"
  }

  assert {
    condition     = aws_lambda_permission.s3_invoke[0].source_arn == "arn:aws:s3:::org-trail-bucket"
    error_message = "the invoke permission must name the existing bucket"
  }

  assert {
    condition     = strcontains(aws_cloudwatch_metric_alarm.detector["heartbeat"].alarm_description, "s3://org-trail-bucket/org-trail/AWSLogs/")
    error_message = "the heartbeat must name the existing trail's files"
  }
}

run "notification_refused" {
  command = plan

  variables {
    create_bucket_notification = false
  }

  assert {
    condition = (
      length(aws_cloudtrail.main) == 0
      && length(module.trail_logs_bucket) == 0
      && length(aws_s3_bucket_notification.trail_logs) == 0
      && output.log_bucket_notification.managed_by_module == false
      && output.log_bucket_notification.filter_prefix == "org-trail/AWSLogs/"
    )
    error_message = "create_bucket_notification = false must never touch the bucket's notifications"
  }

  assert {
    condition     = aws_lambda_permission.s3_invoke[0].source_arn == "arn:aws:s3:::org-trail-bucket" && aws_lambda_permission.s3_invoke[0].source_account == "123456789012"
    error_message = "the invoke permission must name the existing bucket and the account"
  }

  assert {
    condition     = strcontains(aws_cloudwatch_metric_alarm.detector["heartbeat"].alarm_description, "s3://org-trail-bucket/org-trail/AWSLogs/")
    error_message = "the heartbeat must name the existing trail's files"
  }
}
