output "instance_ids" {
  description = "The two instances, in priority order of var.priorities."
  value       = aws_instance.this[*].id
}

output "network_interface_ids" {
  description = "Their primary ENIs (the targets point at the holder's)."
  value       = aws_network_interface.this[*].id
}

output "private_ips" {
  description = "Their primary private addresses."
  value       = aws_network_interface.this[*].private_ip
}

output "security_group_id" {
  description = "The pair's security group (VRRP between its members; health checks from the controller)."
  value       = aws_security_group.pair.id
}

output "vip" {
  description = "The floating address."
  value       = local.vip_address
}

output "elastic_ip" {
  description = "The Elastic IP's public address and allocation id, or null."
  value       = var.elastic_ip ? { public_ip = aws_eip.this[0].public_ip, allocation_id = aws_eip.this[0].allocation_id } : null
}

output "floatd_configs" {
  description = "Agent mode: each instance's /etc/floatd/floatd.yaml."
  value       = local.agent ? local.floatd_configs : []
}

output "instance_role_arns" {
  description = "Agent mode: each instance's IAM role."
  value       = aws_iam_role.floatd[*].arn
}

output "controller" {
  description = "Controller mode: the function, its role, its security group and dead-letter queue."
  value       = local.agent ? null : module.controller[0]
}
