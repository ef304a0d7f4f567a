variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "notification_email" {
  description = "Email address subscribed to the alert topic (the recipient must confirm). Empty subscribes nobody."
  type        = string
  default     = ""
}
