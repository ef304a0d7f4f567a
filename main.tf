# ---- Identity and names ----

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.id

  create_trail = var.existing_cloudtrail_bucket_name == ""

  # An existing trail may deliver under a key prefix (<prefix>/AWSLogs/...).
  log_key_prefix = var.existing_cloudtrail_key_prefix == "" ? "" : "${trim(var.existing_cloudtrail_key_prefix, "/")}/"
  # Which new objects are log files: the notification's filter (the function skips the rest).
  log_file_prefix = "${local.log_key_prefix}AWSLogs/"
  log_file_suffix = ".json.gz"

  s3_trigger          = var.trigger_mode != "eventbridge"
  eventbridge_trigger = var.trigger_mode != "s3"
  # S3 keeps one notification configuration per bucket: on a bucket the module did not
  # create, it is only touched when the operator asks for it.
  bucket_notification = local.s3_trigger && (var.create_bucket_notification == null ? local.create_trail : var.create_bucket_notification)
  # With two paths, or a sweep that runs again and again, one write would be notified
  # several times without the table.
  deduplicate = var.enable_deduplication || var.trigger_mode == "both" || var.inventory_schedule != ""

  trail_name = "${var.name_prefix}-trail"
  # Built from its parts: the log bucket policy needs the trail ARN before the trail exists.
  trail_arn = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"

  log_bucket_name        = local.create_trail ? "${var.name_prefix}-trail-logs-${local.account_id}-${local.region}" : var.existing_cloudtrail_bucket_name
  log_bucket_arn         = "arn:${local.partition}:s3:::${local.log_bucket_name}"
  dictionary_bucket_name = "${var.name_prefix}-dictionary-${local.account_id}-${local.region}"
  dictionary_object_arn  = "${module.dictionary_bucket.arn}/${var.dictionary_key}"
  function_name          = "${var.name_prefix}-analyzer"
  log_group_name         = "/aws/lambda/${local.function_name}"
  failure_queue_name     = "${var.name_prefix}-analyzer-failures"
  # Built from its parts: the topic's key policy needs the ARN before the topic exists.
  topic_name = "${var.name_prefix}-alerts"
  topic_arn  = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.topic_name}"

  # Everything that goes into the deployment zip: a change to any of these files, and only
  # to these, rebuilds the zip and redeploys the code.
  package_sources = sort(concat(
    [for f in fileset("${path.module}/function/paramguard", "*.py") : "function/paramguard/${f}"],
    ["function/paramguard/py.typed", "dictionary/dictionary.txt", "scripts/package_lambda.py"],
  ))
  package_source_hash = base64sha256(join("\n", [for f in local.package_sources : "${f} ${filesha256("${path.module}/${f}")}"]))
  package_path        = "${path.module}/build/paramguard-lambda.zip"
}
