locals {
  idp_container_env = [
    {
      "name"  = "ZITADEL_EXTERNALDOMAIN",
      "value" = local.idp_domains[0]
    },
  ]
  idp_container_secrets = [
    {
      "name"      = "ZITADEL_DATABASE_POSTGRES_DATABASE"
      "valueFrom" = aws_ssm_parameter.zitadel_database_name.arn
    },
    {
      "name"      = "ZITADEL_DATABASE_POSTGRES_HOST"
      "valueFrom" = aws_ssm_parameter.zitadel_database_host.arn
    },
    {
      "name"      = "ZITADEL_DATABASE_POSTGRES_USER_USERNAME"
      "valueFrom" = aws_ssm_parameter.idp_database_cluster_admin_username.arn
    },
    {
      "name"      = "ZITADEL_DATABASE_POSTGRES_USER_PASSWORD"
      "valueFrom" = aws_ssm_parameter.idp_database_cluster_admin_password.arn
    },
    {
      "name"      = "ZITADEL_DATABASE_POSTGRES_ADMIN_USERNAME"
      "valueFrom" = aws_ssm_parameter.idp_database_cluster_admin_username.arn
    },
    {
      "name"      = "ZITADEL_DATABASE_POSTGRES_ADMIN_PASSWORD"
      "valueFrom" = aws_ssm_parameter.idp_database_cluster_admin_password.arn
    },
    {
      "name"      = "ZITADEL_FIRSTINSTANCE_ORG_HUMAN_USERNAME"
      "valueFrom" = aws_ssm_parameter.zitadel_admin_username.arn
    },
    {
      "name"      = "ZITADEL_FIRSTINSTANCE_ORG_HUMAN_PASSWORD"
      "valueFrom" = aws_ssm_parameter.zitadel_admin_password.arn
    },
    {
      "name"      = "ZITADEL_MASTERKEY"
      "valueFrom" = aws_ssm_parameter.zitadel_secret_key.arn
    },
  ]
}

module "idp_ecs" {
  source = "github.com/cds-snc/terraform-modules//ecs?ref=94729229cfcb754146c82a566227e55df6612228" # v11.3.5

  create_cluster = false
  cluster_name   = aws_ecs_cluster.idp.name
  service_name   = "zitadel"
  container_name = "zitadel"
  task_cpu       = 1024
  task_memory    = 2048

  service_use_latest_task_def = true

  # Scaling
  enable_autoscaling       = true
  desired_count            = 1
  autoscaling_min_capacity = 1
  autoscaling_max_capacity = 3

  # Task definition
  container_image       = "${var.zitadel_image_ecr_url}:${var.zitadel_image_tag}"
  container_command     = ["start-from-init", "--masterkeyFromEnv", "--tlsMode", "external", "--config", "/app/config.yaml", "--steps", "/app/steps.yaml"] # TODO: update to `start` command only for prod
  container_host_port   = 8080
  container_port        = 8080
  container_environment = local.idp_container_env
  container_secrets     = local.idp_container_secrets

  task_exec_role_policy_documents = [
    data.aws_iam_policy_document.ecs_task_ssm_parameters.json
  ]

  # Networking
  lb_target_group_arns = [
    for protocol_version in local.protocol_versions : {
      target_group_arn = aws_lb_target_group.idp[protocol_version].arn
      container_name   = "zitadel"
      container_port   = 8080
    }
  ]
  subnet_ids                     = var.private_subnet_ids
  security_group_ids             = [var.security_group_idp_ecs_id]
  service_discovery_enabled      = true
  service_discovery_namespace_id = var.service_discovery_private_dns_namespace_ecs_local_id

  # Logging
  cloudwatch_log_group_retention_in_days = 731

  billing_tag_key   = var.billing_tag_key
  billing_tag_value = var.billing_tag_value

  depends_on = [aws_ecs_cluster.idp]
}

#
# IAM policies
#
data "aws_iam_policy_document" "ecs_task_ssm_parameters" {
  statement {
    sid    = "GetSSMParameters"
    effect = "Allow"
    actions = [
      "ssm:GetParameter",
      "ssm:GetParameters",
    ]
    resources = [
      aws_ssm_parameter.idp_database_cluster_admin_username.arn,
      aws_ssm_parameter.idp_database_cluster_admin_password.arn,
      aws_ssm_parameter.zitadel_admin_username.arn,
      aws_ssm_parameter.zitadel_admin_password.arn,
      aws_ssm_parameter.zitadel_database_host.arn,
      aws_ssm_parameter.zitadel_database_name.arn,
      aws_ssm_parameter.zitadel_secret_key.arn,
    ]
  }
}

#
# SSM Parameters
#
resource "aws_ssm_parameter" "zitadel_secret_key" {
  # checkov:skip=CKV_AWS_337: Default SSM service key encryption is acceptable
  name  = "zitadel_secret_key"
  type  = "SecureString"
  value = var.zitadel_secret_key

  tags = var.core_tags
}

resource "aws_ssm_parameter" "zitadel_admin_username" {
  # checkov:skip=CKV_AWS_337: Default SSM service key encryption is acceptable
  name  = "zitadel_admin_username"
  type  = "SecureString"
  value = var.zitadel_admin_username

  tags = var.core_tags
}

resource "aws_ssm_parameter" "zitadel_admin_password" {
  # checkov:skip=CKV_AWS_337: Default SSM service key encryption is acceptable
  name  = "zitadel_admin_password"
  type  = "SecureString"
  value = var.zitadel_admin_password

  tags = var.core_tags
}
