variable "name" {
  description = "Name of the bucket."
  type        = string
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket even when it holds objects."
  type        = bool
  default     = false
}

variable "policy_json" {
  description = "Further bucket policy statements (a policy document in JSON), added after the TLS-only statement. Empty adds none."
  type        = string
  default     = ""
}
