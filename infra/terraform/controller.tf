# failover = "controller": the instances run no agent; the serverless controller health-checks
# them from inside the VPC and moves the targets to the best healthy one (modules/controller).

module "controller" {
  source = "./modules/controller"
  count  = local.agent ? 0 : 1

  name                     = "${var.name}-controller"
  vpc_id                   = var.vpc_id
  subnet_ids               = var.controller_subnet_ids != null ? var.controller_subnet_ids : var.subnet_ids
  package                  = var.controller_package
  target_security_group_id = aws_security_group.pair.id
  egress_cidr_blocks       = var.egress_cidr_blocks
  tags                     = local.tags

  groups = [{
    name = var.name
    targets = concat(
      var.secondary_ip ? [{ kind = "secondary-ip", address = local.vip_address }] : [],
      var.elastic_ip ? [{ kind = "elastic-ip", allocationId = one(local.allocation_ids), privateIp = local.vip_address }] : [],
      local.has_routes ? [{ kind = "route-table", routeTableIds = var.route_table_ids, destinationCidr = local.route_destination }] : [],
    )
    candidates = [for i in range(2) : {
      instanceId         = aws_instance.this[i].id
      networkInterfaceId = aws_network_interface.this[i].id
      subnetId           = aws_network_interface.this[i].subnet_id
      priority           = var.priorities[i]
      address            = aws_network_interface.this[i].private_ip
    }]
    health = {
      check = merge(
        { type = var.health_check.type, port = var.health_check.port },
        var.health_check.type == "http" ? { path = var.health_check.path } : {},
      )
      intervalMs = var.health_check.interval_ms
      timeoutMs  = var.health_check.timeout_ms
      rise       = var.health_check.rise
      fall       = var.health_check.fall
    }
    preempt = var.preempt
  }]
}
