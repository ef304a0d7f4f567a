# paramguard across an AWS organization (docs/organization.md): the detector in the log-archive
# account, reading the organization trail's bucket; its read-only role in every member
# account, deployed as a service-managed StackSet from the management account or from the
# account registered as the StackSets delegated administrator. One configuration, two
# providers (two accounts): apply it with credentials that can assume both roles.
#
# Once, in the management account, before the first apply (docs/organization.md, step 1):
#   aws organizations enable-aws-service-access --service-principal member.org.stacksets.cloudformation.amazonaws.com
#     (or: aws cloudformation activate-organizations-access, as the console's "Activate trusted access" does)
#   aws organizations register-delegated-administrator --account-id <security tooling account> \
#     --service-principal member.org.stacksets.cloudformation.amazonaws.com   (only with call_as = DELEGATED_ADMIN)
# and, for the organization sweep without an account list, make the log-archive account able to
# list the accounts (any delegated administrator may call organizations:ListAccounts), or set
# organization_accounts.

# The log-archive account, in the trail bucket's region: S3 invokes only functions in its own
# account and region.
provider "aws" {
  region = var.region

  assume_role {
    role_arn = var.log_archive_role_arn
  }

  default_tags {
    tags = { Project = "paramguard" }
  }
}

# Where the StackSet is managed: the management account (call_as = "SELF") or the StackSets
# delegated administrator ("DELEGATED_ADMIN"). A service-managed StackSet lives in the
# management account either way and never deploys to it.
provider "aws" {
  alias  = "stacksets"
  region = var.region

  assume_role {
    role_arn = var.stacksets_role_arn
  }

  default_tags {
    tags = { Project = "paramguard" }
  }
}

module "paramguard" {
  # From another repository: "git::https://<host>/<owner>/paramguard.git//modules/paramguard?ref=<tag>"
  source = "../../modules/paramguard"

  name_prefix                     = var.name_prefix
  existing_cloudtrail_bucket_name = var.trail_bucket_name
  existing_cloudtrail_key_prefix  = var.trail_key_prefix
  existing_cloudtrail_kms_key_arn = var.trail_kms_key_arn
  notification_email              = var.notification_email

  # The role is deployed below, from the other account; the detector only assumes it.
  member_role_name = var.member_role_name

  # The daily sweep of existing parameters, in every account and these regions.
  inventory_schedule     = "rate(1 day)"
  inventory_regions      = var.inventory_regions
  inventory_organization = true
  organization_accounts  = var.organization_accounts
}

module "member_role" {
  source    = "../../modules/member-role"
  providers = { aws = aws.stacksets }

  role_name = var.member_role_name
  # The detector's role exists before the StackSet deploys: IAM refuses a trust policy that
  # names a principal that does not exist.
  detector_role_arn  = module.paramguard.function_role_arn
  deployment_targets = var.member_role_deployment_targets
  call_as            = var.call_as
  region             = var.region
}
