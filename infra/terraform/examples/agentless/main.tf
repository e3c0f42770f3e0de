# Two instances that run no agent (think firewall or NAT appliances, vendor images): floatd's
# serverless controller probes their health endpoint from inside the VPC and moves the secondary
# IP, the Elastic IP and the route to the healthy one with the higher priority.
provider "aws" {
  region = var.region
}

locals {
  vip_address = split("/", var.vip)[0]
}

module "floatd_pair" {
  source = "../.."

  name              = "floatd-appliance"
  failover          = "controller"
  vpc_id            = var.vpc_id
  subnet_ids        = var.subnet_ids
  vip               = var.vip
  secondary_ip      = true
  elastic_ip        = true
  route_table_ids   = var.route_table_ids
  route_destination = "192.168.100.10/32"

  controller_package    = var.controller_package
  controller_subnet_ids = var.controller_subnet_ids
  health_check          = { type = "http", port = 80, path = "/health", interval_ms = 2000, timeout_ms = 1000, rise = 2, fall = 3 }

  # Stands in for the appliance: answers GET /health on port 80 and holds the VIP on its interface
  # (EC2 delivers the VIP's traffic only to the ENI that holds it as a secondary IP).
  user_data = <<-EOT
    #!/bin/bash
    set -euo pipefail
    ip address add ${local.vip_address}/32 dev ens5 || true
    install -d /srv/health && echo ok > /srv/health/health
    systemd-run --unit=health python3 -m http.server 80 --directory /srv/health
  EOT
}
