variable "enabled" {
  description = "Whether to deploy paramguard at all (count on the module call)."
  type        = bool
  default     = true
}

variable "region" {
  description = "Region of the trail's bucket."
  type        = string
  default     = "eu-west-1"
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "paramguard"
}

variable "trail_bucket_name" {
  description = "The bucket the organization trail delivers to."
  type        = string
  default     = "my-org-trail-bucket"
}

variable "trail_key_prefix" {
  description = "The trail's S3 key prefix (empty when its keys start with AWSLogs/)."
  type        = string
  default     = ""
}

variable "trail_kms_key_arn" {
  description = "The KMS key the trail encrypts its log files with (empty for SSE-S3)."
  type        = string
  default     = ""
}

variable "create_bucket_notification" {
  description = "Let the module own the bucket's notification configuration (true REPLACES whatever else it notifies)."
  type        = bool
  default     = false
}

variable "notification_email" {
  description = "Email address subscribed to the alert topic. Empty subscribes nobody."
  type        = string
  default     = ""
}
