# The provider configuration of the repository root as a deployment (`terraform apply` here).
# It is the one file modules/paramguard leaves out: a module that configures its own provider
# cannot be called with count or for_each, so callers bring theirs (examples/).

provider "aws" {
  # null falls back to AWS_REGION / the profile's region.
  region = var.region

  default_tags {
    tags = var.tags
  }
}

variable "region" {
  description = "AWS region to deploy into. null uses AWS_REGION or the profile's region. Only when deploying the repository root: a configuration that calls modules/paramguard configures its own provider."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to every resource (through the provider's default_tags). Only when deploying the repository root: a configuration that calls modules/paramguard sets default_tags on its own provider."
  type        = map(string)
  default     = {}
}
