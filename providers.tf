provider "aws" {
  # null falls back to AWS_REGION / the profile's region.
  region = var.region

  default_tags {
    tags = var.tags
  }
}
