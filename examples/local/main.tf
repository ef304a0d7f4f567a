# paramguard applied to a local AWS emulator: see README.md. Nothing here reaches AWS.
#
#   terraform init && terraform apply -var endpoint=http://127.0.0.1:5000

module "paramguard" {
  source = "../../modules/paramguard"

  name_prefix      = var.name_prefix
  create_dashboard = var.create_dashboard
  # An emulator's buckets hold nothing worth keeping: destroy may empty them.
  force_destroy = true
}
