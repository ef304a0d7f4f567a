output "id" {
  description = "Name of the bucket (known at plan, unlike the resource's id)."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}
