# ---- Organization: the member role and the organization-wide sweep (docs/organization.md) ----

locals {
  member_role_name = var.member_role_name != "" ? var.member_role_name : (var.organization_member_role ? "paramguard-member" : "")
  # The function assumes member_role_name in the account a record or a sweep message names.
  cross_account = local.member_role_name != ""

  sweep_queue_name        = "${var.name_prefix}-sweep"
  sweep_dead_letters_name = "${var.name_prefix}-sweep-dead-letters"
  # Lambda's recommendation for an SQS event source: at least six times the function's timeout,
  # so a batch held while the function is throttled is not received twice
  # (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
  sweep_visibility_timeout = 6 * var.lambda_timeout
}

# From the detector's account, when it is the management account or the StackSets delegated
# administrator; elsewhere call modules/member-role from such an account (examples/organization).
module "member_role" {
  source = "./modules/member-role"
  count  = var.organization_member_role ? 1 : 0

  stack_set_name = "${var.name_prefix}-member-role"
  role_name      = local.member_role_name
  # The role itself, not a name built from parts: IAM refuses a trust policy naming a
  # principal that does not exist yet, so the StackSet waits for it.
  detector_role_arn  = aws_iam_role.analyzer.arn
  inspect_values     = var.inspect_values
  deployment_targets = var.member_role_deployment_targets
  call_as            = var.member_role_call_as
  region             = var.member_role_region
}

# ---- The organization sweep: one message per account, one invocation per message ----

# Why SQS and not a Step Functions distributed map: the fan-out is one small message per
# account into the function that already exists. SQS gives per-message retries (a failed
# account is retried alone, ReportBatchItemFailures), a dead-letter queue with the same
# `paramguard redrive` and alarm tooling as the failure queue, and maximum concurrency on the
# event source, for no fixed cost and two resources; a state machine would add a second
# orchestrator, its own IAM role and execution history, and per-state-transition pricing for
# what is one function call per account.

resource "aws_sqs_queue" "sweep_dead_letters" {
  count = var.inventory_organization ? 1 : 0

  name                      = local.sweep_dead_letters_name
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600 # 14 days, the maximum
  # What `paramguard redrive` holds a message for while it is re-processed in-process.
  visibility_timeout_seconds = var.lambda_timeout + 30
}

resource "aws_sqs_queue" "sweep" {
  count = var.inventory_organization ? 1 : 0

  name                       = local.sweep_queue_name
  sqs_managed_sse_enabled    = true
  visibility_timeout_seconds = local.sweep_visibility_timeout
  # A message waits at most until the next sweeps (the schedule is typically daily).
  message_retention_seconds = 345600 # 4 days

  # An account whose sweep failed five times is set aside with its message (Lambda's
  # guidance for an SQS event source: a maxReceiveCount of at least 5, so throttled or
  # transient failures are retried before a message is dead-lettered).
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.sweep_dead_letters[0].arn
    maxReceiveCount     = 5
  })

  lifecycle {
    precondition {
      condition     = var.inventory_schedule != ""
      error_message = "inventory_organization needs inventory_schedule (e.g. \"rate(1 day)\"): the scheduled sweep is what queues the accounts."
    }

    precondition {
      condition     = local.cross_account
      error_message = "inventory_organization needs the member role: set member_role_name (a role you deploy) or organization_member_role = true."
    }
  }
}

resource "aws_lambda_event_source_mapping" "sweep" {
  count = var.inventory_organization ? 1 : 0

  event_source_arn = aws_sqs_queue.sweep[0].arn
  function_name    = aws_lambda_function.analyzer.arn
  # One account per invocation: the function's time limit bounds one account's regions,
  # not a batch of accounts.
  batch_size              = 1
  function_response_types = ["ReportBatchItemFailures"]

  # Bounds the fan-out: Lambda polls no more than this many invocations at once, so a large
  # organization does not take the account's whole concurrency (or throttle, which would
  # count as a receive towards the dead-letter queue).
  scaling_config {
    maximum_concurrency = var.organization_sweep_concurrency
  }

  # CreateEventSourceMapping checks that the function's role can receive from the queue.
  depends_on = [aws_iam_role_policy.analyzer]
}
