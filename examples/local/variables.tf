variable "endpoint" {
  description = "URL of the local AWS emulator, e.g. http://127.0.0.1:5000 for moto_server -p 5000."
  type        = string
  default     = "http://127.0.0.1:5000"

  validation {
    condition     = can(regex("^https?://", var.endpoint))
    error_message = "endpoint must be a URL starting with http:// or https://, e.g. http://127.0.0.1:5000."
  }
}

variable "region" {
  description = "Region the emulator should pretend to be."
  type        = string
  default     = "eu-west-1"
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "pglocal"
}

variable "create_dashboard" {
  description = "Create the dashboard and its saved Logs Insights queries. A plain moto server has no query definitions: set false there."
  type        = bool
  default     = true
}
