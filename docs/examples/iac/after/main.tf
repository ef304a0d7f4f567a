# The same parameters, fixed: the password is a SecureString (encrypted with KMS).
resource "random_password" "db" {
  length = 32
}

resource "aws_ssm_parameter" "db_password" {
  name  = "/${var.environment}/orders/db_password"
  type  = "SecureString"
  value = random_password.db.result
}

resource "aws_ssm_parameter" "db_host" {
  name  = "/${var.environment}/orders/db_host"
  type  = "String"
  value = "orders.cluster-abc.eu-west-1.rds.amazonaws.com"
}

variable "environment" {
  type    = string
  default = "prod"
}
