output "instance_ids" {
  description = "The two appliances."
  value       = module.floatd_pair.instance_ids
}

output "elastic_ip" {
  description = "The Elastic IP that follows the healthy appliance."
  value       = module.floatd_pair.elastic_ip
}

output "controller" {
  description = "The controller's function, role, security group, dead-letter queue and config."
  value       = module.floatd_pair.controller
}
