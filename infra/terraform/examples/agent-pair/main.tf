# Two instances running floatd (one subnet, so every target type applies): a secondary IP, an
# Elastic IP mapped to it, and a route to an overlay address in the given route tables. For two
# AZs, give two subnets, secondary_ip = false and a VIP outside the VPC, e.g. "192.168.100.10/32".
provider "aws" {
  region = var.region
}

module "floatd_pair" {
  source = "../.."

  name            = "floatd-demo"
  failover        = "agent"
  vpc_id          = var.vpc_id
  subnet_ids      = var.subnet_ids
  vip             = var.vip
  secondary_ip    = true
  elastic_ip      = true
  route_table_ids = var.route_table_ids
  # An overlay address (outside the VPC's CIDR) routed to the MASTER, besides the VIP itself.
  route_destination = "192.168.100.10/32"

  floatd_release_url    = var.floatd_release_url
  floatd_release_sha256 = var.floatd_release_sha256
}
