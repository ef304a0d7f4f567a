# ---- Dashboard and saved Logs Insights queries ----

# The widgets live in templates/dashboard.json.tftpl; tests/test_dashboard.py checks that
# every metric it names is one the function publishes.
resource "aws_cloudwatch_dashboard" "detector" {
  count = var.create_dashboard ? 1 : 0

  dashboard_name = var.name_prefix
  dashboard_body = templatefile("${path.module}/templates/dashboard.json.tftpl", {
    region        = local.region
    namespace     = var.metric_namespace
    function_name = local.function_name
    log_group     = local.log_group_name
    alarm_arns    = jsonencode(sort([for alarm in aws_cloudwatch_metric_alarm.detector : alarm.arn]))
  })
}

# Field names are the function's JSON log keys: `event` names the line, the `finding` line
# carries the finding's published fields, `object_failed`/`object_error` the object and error.
locals {
  saved_queries = {
    findings-by-actor = {
      name  = "${var.name_prefix}/findings-in-the-last-24-h-by-actor"
      query = <<-EOT
        fields @timestamp, actor, parameter_name
        | filter event = "finding"
        | stats count(*) as findings, count_distinct(parameter_name) as parameters, latest(parameter_name) as last_parameter by actor
        | sort findings desc
      EOT
    }
    failed-files = {
      name  = "${var.name_prefix}/files-that-failed-and-why"
      query = <<-EOT
        fields @timestamp, event, object, error, reason, item
        | filter event in ["object_failed", "object_error", "object_retry", "item_error", "item_unrecognised"]
        | sort @timestamp desc
      EOT
    }
  }
}

resource "aws_cloudwatch_query_definition" "detector" {
  for_each = var.create_dashboard ? local.saved_queries : {}

  name            = each.value.name
  log_group_names = [aws_cloudwatch_log_group.analyzer.name]
  query_string    = each.value.query
}
