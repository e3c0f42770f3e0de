# failover = "agent": floatd on both instances, installed from its release tarball and configured
# by user data, each with an instance profile allowing exactly what `floatd plan --policy-only`
# prints for its configuration (generated: policies/agent/, infra/terraform/generate.ts).

locals {
  # Only in agent mode: terraform evaluates every local, and these need the release variables.
  floatd_configs = [for i in range(local.agent ? 2 : 0) : templatefile("${path.module}/templates/floatd.yaml.tftpl", {
    name                 = var.name
    region               = local.region
    network_interface_id = aws_network_interface.this[i].id
    subnet_id            = aws_network_interface.this[i].subnet_id
    vrid                 = var.vrid
    interface            = var.interface
    priority             = var.priorities[i]
    advert_interval      = var.advert_interval
    peer_address         = aws_network_interface.this[1 - i].private_ip
    vip                  = var.vip
    # The targets as a JSON list (YAML flow style): only the enabled kinds.
    cloud_targets = jsonencode(concat(
      var.secondary_ip ? [{ type = "secondary-ip", address = local.vip_address }] : [],
      var.elastic_ip ? [{
        type         = "elastic-ip"
        allocationId = one(local.allocation_ids)
        # Across subnets there is no shared VIP to map: each holder maps its own primary address.
        privateIp = var.secondary_ip ? local.vip_address : aws_network_interface.this[i].private_ip
      }] : [],
      local.has_routes ? [{
        type          = "route-table"
        routeTableIds = var.route_table_ids
        destination   = local.route_destination
      }] : [],
    ))
  })]

  agent_user_data = [for i in range(local.agent ? 2 : 0) : templatefile("${path.module}/templates/user-data.sh.tftpl", {
    release_url    = var.floatd_release_url
    release_sha256 = var.floatd_release_sha256
    config         = local.floatd_configs[i]
  })]

  # The generated template's placeholders: comma-separated JSON strings, sorted, no duplicates.
  agent_policy_vars = [for i in range(local.agent ? 2 : 0) : {
    network_interface_arns = join(",", [for id in sort(distinct([aws_network_interface.this[i].id])) : jsonencode("${local.arn_prefix}:network-interface/${id}")])
    subnet_arns            = join(",", [for id in sort(distinct([aws_network_interface.this[i].subnet_id])) : jsonencode("${local.arn_prefix}:subnet/${id}")])
    elastic_ip_arns        = join(",", [for id in sort(distinct(local.allocation_ids)) : jsonencode("${local.arn_prefix}:elastic-ip/${id}")])
    route_table_arns       = join(",", [for id in sort(distinct(var.route_table_ids)) : jsonencode("${local.arn_prefix}:route-table/${id}")])
    fence_route_table_arns = join(",", [for id in sort(distinct(slice(var.route_table_ids, 0, min(1, length(var.route_table_ids))))) : jsonencode("${local.arn_prefix}:route-table/${id}")])
  }]
}

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

# One role per instance: each may move the targets only onto its own ENI.
resource "aws_iam_role" "floatd" {
  count              = local.agent ? 2 : 0
  name_prefix        = "${var.name}-${count.index}-"
  description        = "floatd agent on ${var.name}-${count.index}"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy" "floatd" {
  count  = local.agent ? 2 : 0
  name   = "floatd-ec2"
  role   = aws_iam_role.floatd[count.index].id
  policy = templatefile("${path.module}/policies/agent/${join("+", local.target_kinds)}.json.tftpl", local.agent_policy_vars[count.index])
}

resource "aws_iam_instance_profile" "floatd" {
  count       = local.agent ? 2 : 0
  name_prefix = "${var.name}-${count.index}-"
  role        = aws_iam_role.floatd[count.index].name
  tags        = local.tags
}
