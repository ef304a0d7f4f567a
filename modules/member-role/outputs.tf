output "stack_set_name" {
  description = "Name of the StackSet (in the management account, also when managed by a delegated administrator)."
  value       = aws_cloudformation_stack_set.member_role.name
}

output "stack_set_arn" {
  description = "ARN of the StackSet."
  value       = aws_cloudformation_stack_set.member_role.arn
}

output "role_name" {
  description = "Name of the role in every member account: the detector's member_role_name."
  value       = var.role_name
}

output "deployment_targets" {
  description = "Organization root or OU IDs the role is deployed to."
  value       = local.deployment_targets
}

output "region" {
  description = "The region the stack instances are deployed in."
  value       = local.region
}

output "template_body" {
  description = "The CloudFormation template every member account receives (JSON)."
  value       = local.template_body
}
