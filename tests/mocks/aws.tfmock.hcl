# What the mocked AWS provider answers in tests/*.tftest.hcl: moto's default account in
# eu-west-1, and policy documents that are valid JSON (a mock computes no real document).

mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}

mock_data "aws_partition" {
  defaults = { partition = "aws" }
}

mock_data "aws_region" {
  defaults = { id = "eu-west-1", name = "eu-west-1" }
}

mock_data "aws_iam_policy_document" {
  defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
}

# An organization as its management account or a delegated administrator sees it (roots are
# empty elsewhere: tests/organization.tftest.hcl overrides that).
mock_data "aws_organizations_organization" {
  defaults = {
    id    = "o-a1b2c3d4e5"
    roots = [{ id = "r-ab12", arn = "arn:aws:organizations::111111111111:root/o-a1b2c3d4e5/r-ab12", name = "Root", policy_types = [] }]
  }
}
