# paramguard on the bucket an existing organization trail already delivers to: no second
# trail (no second copy of the management events to pay for), no new log bucket. Deploy it in
# the account and region that own the bucket (the log archive account under Control Tower):
# S3 invokes only functions in its own account.
#
# The module leaves the bucket's notification configuration alone by default (S3 keeps ONE per
# bucket, which may already feed a SIEM or Security Lake); the log_bucket_notification output
# says what to add to it. count turns the whole deployment on or off per environment.

provider "aws" {
  region = var.region

  default_tags {
    tags = { Project = "paramguard" }
  }
}

module "paramguard" {
  # From another repository: "git::https://<host>/<owner>/paramguard.git//modules/paramguard?ref=<tag>"
  source = "../../modules/paramguard"
  count  = var.enabled ? 1 : 0

  name_prefix                     = var.name_prefix
  existing_cloudtrail_bucket_name = var.trail_bucket_name
  existing_cloudtrail_key_prefix  = var.trail_key_prefix
  existing_cloudtrail_kms_key_arn = var.trail_kms_key_arn
  create_bucket_notification      = var.create_bucket_notification
  # Within seconds for this region as well; each write is still notified once.
  trigger_mode       = "both"
  notification_email = var.notification_email
}
