output "log_bucket_notification" {
  description = "The S3 event notification to add to the trail bucket's own configuration."
  value       = module.paramguard.log_bucket_notification
}

output "member_role_stack_set_name" {
  description = "The StackSet that deploys the member role (in the management account)."
  value       = module.member_role.stack_set_name
}

output "sweep_queue_url" {
  description = "The queue that fans the daily sweep out, one message per account."
  value       = module.paramguard.sweep_queue_url
}

output "alarms_console_url" {
  description = "AWS console URL listing the deployment's alarms."
  value       = module.paramguard.alarms_console_url
}
