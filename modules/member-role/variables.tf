variable "stack_set_name" {
  description = "Name of the CloudFormation StackSet (unique in the administrator account and region)."
  type        = string
  default     = "paramguard-member-role"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9-]{0,127}$", var.stack_set_name))
    error_message = "stack_set_name must start with a letter and hold up to 128 letters, digits and hyphens."
  }
}

variable "role_name" {
  description = "Name of the read-only role created in every member account (path \"/\"). The detector's MEMBER_ROLE_NAME (member_role_name of the root module) must be the same."
  type        = string
  default     = "paramguard-member"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}

variable "detector_role_arn" {
  description = "ARN of the detector function's role (the root module's function role, <name_prefix>-analyzer): the only principal the member role trusts. The role must exist before the StackSet deploys: IAM refuses a trust policy naming a principal that does not exist."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", var.detector_role_arn))
    error_message = "detector_role_arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "organization_id" {
  description = "ID of the organization (o-...), the aws:PrincipalOrgID the trust policy requires of the detector. Empty: looked up (organizations:DescribeOrganization, allowed from any account of the organization)."
  type        = string
  default     = ""

  validation {
    condition     = var.organization_id == "" || can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must be empty or an organization ID (o- followed by 10-32 lowercase letters or digits)."
  }
}

variable "inspect_values" {
  description = "Also allow ssm:GetParameter on the member account's parameters (the detector's inspect_values). Off: ssm:DescribeParameters only (names and types, never values)."
  type        = bool
  default     = false
}

variable "deployment_targets" {
  description = "Organization root or OU IDs the StackSet deploys to (r-... or ou-...-...); accounts in child OUs are included and new accounts are deployed to automatically. Empty: the organization's root, looked up (organizations:ListRoots: the management account or a delegated administrator). Service-managed StackSets never deploy to the management account itself."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for target in var.deployment_targets : can(regex("^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$", target))])
    error_message = "deployment_targets must hold organization root IDs (r-...) or OU IDs (ou-...-...)."
  }
}

variable "call_as" {
  description = "SELF when the StackSet is managed from the organization's management account, DELEGATED_ADMIN from an account registered as the StackSets delegated administrator (the StackSet then still lives in the management account)."
  type        = string
  default     = "SELF"

  validation {
    condition     = contains(["SELF", "DELEGATED_ADMIN"], var.call_as)
    error_message = "call_as must be \"SELF\" or \"DELEGATED_ADMIN\"."
  }
}

variable "region" {
  description = "The one region the stack instances deploy in (an IAM role is global: one stack per account is enough). Null: the provider's region. It must be enabled in every target account."
  type        = string
  default     = null

  validation {
    condition     = var.region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be null or a region name such as \"eu-west-1\"."
  }
}

variable "failure_tolerance_percentage" {
  description = "Percentage of target accounts whose stack may fail (an SCP denying iam:CreateRole, a suspended account) before CloudFormation stops the operation."
  type        = number
  default     = 10

  validation {
    condition     = var.failure_tolerance_percentage >= 0 && var.failure_tolerance_percentage <= 100 && floor(var.failure_tolerance_percentage) == var.failure_tolerance_percentage
    error_message = "failure_tolerance_percentage must be a whole number from 0 to 100."
  }
}

variable "max_concurrent_percentage" {
  description = "Percentage of target accounts CloudFormation deploys to at the same time."
  type        = number
  default     = 25

  validation {
    condition     = var.max_concurrent_percentage >= 1 && var.max_concurrent_percentage <= 100 && floor(var.max_concurrent_percentage) == var.max_concurrent_percentage
    error_message = "max_concurrent_percentage must be a whole number from 1 to 100."
  }
}
