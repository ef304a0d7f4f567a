################################################################################
# Secrets - Database tools DB
################################################################################

resource "aws_ssm_parameter" "db_tools_environment_variables" {
  provider = aws.core_services
  name     = "BLAZER_DATABASE_URL"
  type     = "SecureString"
  value    = "postgres://postgres:${var.dbtools_password}@${aws_db_instance.database-tools.address}:5432"

  tags = {
    (var.billing_tag_key) = var.billing_tag_value
    Terraform             = true
  }
}

resource "aws_ssm_parameter" "notify_o11y_google_oauth_client_id" {
  provider = aws.core_services
  name     = "notify_o11y_google_oauth_client_id"
  type     = "SecureString"
  value    = var.notify_o11y_google_oauth_client_id

  tags = {
    (var.billing_tag_key) = var.billing_tag_value
    Terraform             = true
  }
}

resource "aws_ssm_parameter" "notify_o11y_google_oauth_client_secret" {
  provider = aws.core_services
  name     = "notify_o11y_google_oauth_client_secret"
  type     = "SecureString"
  value    = var.notify_o11y_google_oauth_client_secret

  tags = {
    (var.billing_tag_key) = var.billing_tag_value
    Terraform             = true
  }
}

resource "aws_ssm_parameter" "sqlalchemy_database_reader_uri" {
  provider = aws.core_services
  name     = "sqlalchemy_database_reader_uri"
  type     = "SecureString"
  value    = "postgresql://app_db_user:${var.app_db_user_password}@${var.database_read_only_proxy_endpoint}/NotificationCanadaCa${var.env}"

  tags = {
    (var.billing_tag_key) = var.billing_tag_value
    Terraform             = true
  }
}
