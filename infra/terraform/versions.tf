# The AWS provider 6.x: the offline tests check every resource and argument against the schema of
# 6.25.0 (test/infra/aws-provider.pin.json), so nothing older than that is allowed.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.25"
    }
  }
}
