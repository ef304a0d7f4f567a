output "function_name" {
  description = "Name of the detector function (the emulator stores it; see README.md for running it)."
  value       = module.paramguard.function_name
}

output "log_bucket_name" {
  description = "Bucket the trail delivers to; put a CloudTrail log file here to exercise the scan."
  value       = module.paramguard.log_bucket_name
}

output "dictionary_upload_command" {
  description = "Command that uploads a new dictionary (add --endpoint-url for the emulator)."
  value       = module.paramguard.dictionary_upload_command
}

output "dashboard_console_url" {
  description = "Where the dashboard would be in the AWS console (the emulator has no console)."
  value       = module.paramguard.dashboard_console_url
}
