output "alarm_console_url" {
  description = "AWS console URL of the alarm that fires when a secret-looking parameter is written as plain text."
  value       = module.paramguard.alarm_console_url
}

output "dictionary_upload_command" {
  description = "Command that uploads a new dictionary (run it from the paramguard repository)."
  value       = module.paramguard.dictionary_upload_command
}
