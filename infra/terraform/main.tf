# An HA pair on EC2 whose floating targets (a secondary private IP, an Elastic IP, routes) follow
# the healthy instance: either floatd agents on both instances (failover = "agent", VRRP between
# them) or, for instances that cannot run an agent, the serverless controller
# (failover = "controller", modules/controller). README.md describes both.

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

# Debian publishes its AMI ids as public SSM parameters (https://wiki.debian.org/Cloud/AmazonEC2Image).
data "aws_ssm_parameter" "debian" {
  count = var.ami_id == null ? 1 : 0
  name  = "/aws/service/debian/release/bookworm/latest/amd64"
}

locals {
  agent      = var.failover == "agent"
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id
  # Every ARN in the generated policies: arn:aws:ec2:<region>:<account>:<type>/<id>.
  arn_prefix = "arn:aws:ec2:${local.region}:${local.account_id}"
  ami        = var.ami_id != null ? var.ami_id : one(data.aws_ssm_parameter.debian[*].insecure_value)

  subnet_ids        = [for i in range(2) : var.subnet_ids[i % length(var.subnet_ids)]]
  vip_address       = split("/", var.vip)[0]
  route_destination = var.route_destination != null ? var.route_destination : "${local.vip_address}/32"
  has_routes        = length(var.route_table_ids) > 0
  allocation_ids    = aws_eip.this[*].allocation_id
  # In the generated templates' canonical order (infra/terraform/policy-templates.ts).
  target_kinds = compact([
    var.secondary_ip ? "secondary-ip" : "",
    var.elastic_ip ? "elastic-ip" : "",
    local.has_routes ? "route-table" : "",
  ])
  tags = merge(var.tags, { "floatd:pair" = var.name })
}

resource "aws_security_group" "pair" {
  name_prefix = "${var.name}-pair-"
  description = "floatd pair ${var.name}: VRRP between the pair, health checks from the controller"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-pair" })
}

# VRRP is IP protocol 112 (RFC 5798 section 5.1.1.4), and only the pair speaks it: the source is
# the pair's own security group, never an address range.
resource "aws_vpc_security_group_ingress_rule" "vrrp" {
  count                        = local.agent ? 1 : 0
  security_group_id            = aws_security_group.pair.id
  referenced_security_group_id = aws_security_group.pair.id
  ip_protocol                  = "112"
  description                  = "VRRP from the other instance of the pair"
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "vrrp" {
  count                        = local.agent ? 1 : 0
  security_group_id            = aws_security_group.pair.id
  referenced_security_group_id = aws_security_group.pair.id
  ip_protocol                  = "112"
  description                  = "VRRP to the other instance of the pair"
  tags                         = local.tags
}

# Terraform removes the default allow-all egress rule of a security group it creates: the agents
# reach the EC2 API and the release download over HTTPS only.
resource "aws_vpc_security_group_egress_rule" "https" {
  for_each          = toset(var.egress_cidr_blocks)
  security_group_id = aws_security_group.pair.id
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "HTTPS: the EC2 API, the release"
  tags              = local.tags
}

# The controller's probes, from the controller's own security group only.
resource "aws_vpc_security_group_ingress_rule" "health" {
  count                        = local.agent ? 0 : 1
  security_group_id            = aws_security_group.pair.id
  referenced_security_group_id = module.controller[0].security_group_id
  ip_protocol                  = "tcp"
  from_port                    = var.health_check.port
  to_port                      = var.health_check.port
  description                  = "health checks from the floatd controller"
  tags                         = local.tags
}

# The ENIs are created before the instances so that each instance's floatd configuration (in its
# user data) can name its own ENI, its subnet and the peer's address.
resource "aws_network_interface" "this" {
  count           = 2
  subnet_id       = local.subnet_ids[count.index]
  security_groups = [aws_security_group.pair.id]
  # An instance that receives traffic for an address that is not its own (the routed destination)
  # must have source/destination checking off (EC2 User Guide, "Change source or destination checking").
  source_dest_check = !local.has_routes
  description       = "${var.name}-${count.index}"
  tags              = merge(local.tags, { Name = "${var.name}-${count.index}" })

  lifecycle {
    precondition {
      condition     = length(local.target_kinds) > 0
      error_message = "Nothing to fail over: enable secondary_ip or elastic_ip, or give route_table_ids."
    }
    precondition {
      condition     = !var.secondary_ip || length(distinct(var.subnet_ids)) == 1
      error_message = "secondary_ip needs both instances in one subnet: a private IP cannot leave its subnet."
    }
    precondition {
      condition     = local.agent || !var.elastic_ip || var.secondary_ip
      error_message = "The controller maps the Elastic IP to one private address for every candidate: use it with secondary_ip."
    }
    precondition {
      condition     = !local.agent || (var.floatd_release_url != null && var.floatd_release_sha256 != null)
      error_message = "failover = \"agent\" needs floatd_release_url and floatd_release_sha256."
    }
    precondition {
      condition     = local.agent || var.controller_package != null
      error_message = "failover = \"controller\" needs controller_package (npm run build:lambda)."
    }
  }
}

resource "aws_eip" "this" {
  count  = var.elastic_ip ? 1 : 0
  domain = "vpc"
  tags   = merge(local.tags, { Name = "${var.name}-vip" })
}

resource "aws_instance" "this" {
  count                       = 2
  ami                         = local.ami
  instance_type               = var.instance_type
  key_name                    = var.key_name
  iam_instance_profile        = local.agent ? aws_iam_instance_profile.floatd[count.index].name : null
  user_data                   = local.agent ? local.agent_user_data[count.index] : var.user_data
  user_data_replace_on_change = true

  primary_network_interface {
    network_interface_id = aws_network_interface.this[count.index].id
  }

  # IMDSv2 only, and its token never leaves the instance: a hop limit of 1 keeps the PUT response
  # from reaching containers or anything forwarded by the host (EC2 User Guide, "Use the Instance
  # Metadata Service to access instance metadata": "we recommend setting the hop limit to 1").
  # floatd reads its identity with IMDSv2 tokens only.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  tags = merge(local.tags, { Name = "${var.name}-${count.index}" })
}
