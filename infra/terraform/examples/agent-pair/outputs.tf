output "instance_ids" {
  description = "The pair."
  value       = module.floatd_pair.instance_ids
}

output "elastic_ip" {
  description = "The Elastic IP that follows the MASTER."
  value       = module.floatd_pair.elastic_ip
}

output "floatd_configs" {
  description = "Each instance's floatd configuration."
  value       = module.floatd_pair.floatd_configs
}
