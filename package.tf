# ---- Lambda package ----

# Built by a local command rather than the archive provider, the way
# terraform-aws-modules/lambda does: the zip is reproducible, the dictionary symlink is
# stored as a file, and it is rebuilt exactly when one of its source files changes.
resource "terraform_data" "lambda_package" {
  triggers_replace = local.package_source_hash

  provisioner "local-exec" {
    working_dir = path.module
    command     = "${var.package_python} scripts/package_lambda.py --output build/paramguard-lambda.zip"
  }
}
