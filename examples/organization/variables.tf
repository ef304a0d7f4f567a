variable "region" {
  description = "Region of the organization trail's bucket (the detector's region, and the one region the member role's stack instances deploy in)."
  type        = string
  default     = "eu-west-1"
}

variable "log_archive_role_arn" {
  description = "Role Terraform assumes in the log-archive account (the detector's account)."
  type        = string
  default     = "arn:aws:iam::222222222222:role/terraform"
}

variable "stacksets_role_arn" {
  description = "Role Terraform assumes in the account that manages the StackSet: the management account, or the StackSets delegated administrator."
  type        = string
  default     = "arn:aws:iam::111111111111:role/terraform"
}

variable "call_as" {
  description = "SELF when stacksets_role_arn is in the management account, DELEGATED_ADMIN in the StackSets delegated administrator."
  type        = string
  default     = "DELEGATED_ADMIN"
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "paramguard"
}

variable "trail_bucket_name" {
  description = "The bucket the organization trail delivers to (in the log-archive account)."
  type        = string
  default     = "aws-controltower-logs-222222222222-eu-west-1"
}

variable "trail_key_prefix" {
  description = "The trail's S3 key prefix (Control Tower: the organization ID, o-...; empty when its keys start with AWSLogs/)."
  type        = string
  default     = ""
}

variable "trail_kms_key_arn" {
  description = "The KMS key the trail encrypts its log files with (empty for SSE-S3)."
  type        = string
  default     = ""
}

variable "notification_email" {
  description = "Who is told about findings and about a blind detector (empty: nobody yet)."
  type        = string
  default     = ""
}

variable "member_role_name" {
  description = "Name of the read-only role in every member account."
  type        = string
  default     = "paramguard-member"
}

variable "member_role_deployment_targets" {
  description = "Root or OU IDs the role is deployed to (empty: the organization's root)."
  type        = list(string)
  default     = []
}

variable "inventory_regions" {
  description = "Regions the daily sweep lists parameters in, in every account."
  type        = list(string)
  default     = ["eu-west-1", "us-east-1"]
}

variable "organization_accounts" {
  description = "Accounts to sweep; empty lists them with organizations:ListAccounts (the log-archive account must then be a delegated administrator of some service)."
  type        = list(string)
  default     = []
}
