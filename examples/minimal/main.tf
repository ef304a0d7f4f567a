# paramguard with its defaults: a new multi-region trail, its log bucket, the function, the
# alarms and the alert topic, in the caller's account and region.
#
#   terraform init && terraform apply -var notification_email=security@example.com

provider "aws" {
  region = var.region

  default_tags {
    tags = { Project = "paramguard" }
  }
}

module "paramguard" {
  # From another repository: "git::https://<host>/<owner>/paramguard.git//modules/paramguard?ref=<tag>"
  source = "../../modules/paramguard"

  notification_email = var.notification_email
}
