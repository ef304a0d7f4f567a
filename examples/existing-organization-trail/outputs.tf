output "log_bucket_notification" {
  description = "The S3 event notification to add to the trail bucket's own configuration (null when disabled)."
  value       = one(module.paramguard[*].log_bucket_notification)
}

output "alarms_console_url" {
  description = "AWS console URL listing the deployment's alarms (null when disabled)."
  value       = one(module.paramguard[*].alarms_console_url)
}
