# Each bad value is refused at plan, by its own variable's validation (the message each
# prints is checked in tests/test_terraform.py). No AWS call is made: the provider is mocked.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name_prefix = "pgtest"
}

run "metric_namespace_rejects_1" {
  command = plan

  variables {
    metric_namespace = "AWS/Lambda"
  }

  expect_failures = [var.metric_namespace]
}

run "notification_email_rejects_1" {
  command = plan

  variables {
    notification_email = "not-an-email"
  }

  expect_failures = [var.notification_email]
}

run "name_prefix_rejects_1" {
  command = plan

  variables {
    name_prefix = "Param_Guard"
  }

  expect_failures = [var.name_prefix]
}

run "name_prefix_rejects_2" {
  command = plan

  variables {
    name_prefix = "a-very-long-prefix-indeed"
  }

  expect_failures = [var.name_prefix]
}

run "log_retention_days_rejects_1" {
  command = plan

  variables {
    log_retention_days = 42
  }

  expect_failures = [var.log_retention_days]
}

run "lambda_memory_size_rejects_1" {
  command = plan

  variables {
    lambda_memory_size = 64
  }

  expect_failures = [var.lambda_memory_size]
}

run "lambda_timeout_rejects_1" {
  command = plan

  variables {
    lambda_timeout = 901
  }

  expect_failures = [var.lambda_timeout]
}

run "trigger_mode_rejects_1" {
  command = plan

  variables {
    trigger_mode = "sqs"
  }

  expect_failures = [var.trigger_mode]
}

run "inventory_schedule_rejects_1" {
  command = plan

  variables {
    inventory_schedule = "daily"
  }

  expect_failures = [var.inventory_schedule]
}

run "max_decompressed_mb_rejects_1" {
  command = plan

  variables {
    max_decompressed_mb = 0
  }

  expect_failures = [var.max_decompressed_mb]
}

run "dictionary_min_ratio_percent_rejects_1" {
  command = plan

  variables {
    dictionary_min_ratio_percent = 150
  }

  expect_failures = [var.dictionary_min_ratio_percent]
}

run "dictionary_min_ratio_percent_rejects_2" {
  command = plan

  variables {
    dictionary_min_ratio_percent = 12.5
  }

  expect_failures = [var.dictionary_min_ratio_percent]
}

run "heartbeat_minutes_rejects_1" {
  command = plan

  variables {
    heartbeat_minutes = 7
  }

  expect_failures = [var.heartbeat_minutes]
}

run "heartbeat_minutes_rejects_2" {
  command = plan

  variables {
    heartbeat_minutes = 1445
  }

  expect_failures = [var.heartbeat_minutes]
}

run "kms_key_deletion_window_days_rejects_1" {
  command = plan

  variables {
    kms_key_deletion_window_days = 31
  }

  expect_failures = [var.kms_key_deletion_window_days]
}

run "member_role_name_rejects_1" {
  command = plan

  variables {
    member_role_name = "role/with/path"
  }

  expect_failures = [var.member_role_name]
}

run "member_role_call_as_rejects_1" {
  command = plan

  variables {
    member_role_call_as = "MANAGEMENT"
  }

  expect_failures = [var.member_role_call_as]
}

run "member_role_deployment_targets_rejects_1" {
  command = plan

  variables {
    member_role_deployment_targets = ["o-a1b2c3d4e5"]
  }

  expect_failures = [var.member_role_deployment_targets]
}

run "organization_accounts_rejects_1" {
  command = plan

  variables {
    organization_accounts = ["12345"]
  }

  expect_failures = [var.organization_accounts]
}

run "organization_sweep_concurrency_rejects_1" {
  command = plan

  variables {
    organization_sweep_concurrency = 1
  }

  expect_failures = [var.organization_sweep_concurrency]
}
