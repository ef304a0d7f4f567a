# The AWS provider pointed at a local AWS emulator (moto's server, or another that speaks the
# AWS APIs): every service the module uses at one endpoint, fake credentials, no account or
# region checks against real AWS, and path-style S3 (bucket names in the path, not the host).
# tests/ and `make demo` apply the module with exactly this block (support/terraform.py reads
# it from here), so it is kept working by the test suite.
provider "aws" {
  region                      = var.region
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {
    cloudformation = var.endpoint
    cloudtrail     = var.endpoint
    cloudwatch     = var.endpoint
    cloudwatchlogs = var.endpoint
    dynamodb       = var.endpoint
    events         = var.endpoint
    iam            = var.endpoint
    kms            = var.endpoint
    lambda         = var.endpoint
    organizations  = var.endpoint
    s3             = var.endpoint
    sns            = var.endpoint
    sqs            = var.endpoint
    ssm            = var.endpoint
    sts            = var.endpoint
  }
}
