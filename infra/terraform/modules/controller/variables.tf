variable "name" {
  description = "The function's name; also the controller's id in fence records (controllerId)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,64}$", var.name))
    error_message = "name: 1-64 letters, digits, \"_\", \".\" or \"-\"."
  }
}

variable "groups" {
  description = "The controller's groups, exactly as its configuration's \"groups\" (src/cloud/controller/config.ts): name, targets (kind secondary-ip | elastic-ip | route-table), candidates (instanceId, networkInterfaceId, subnetId, priority, address), health, preempt, optionally preemptHoldDownMs."
  type        = any
}

variable "vpc_id" {
  description = "The VPC of the candidates."
  type        = string
}

variable "subnet_ids" {
  description = "The function's subnets: they must reach the candidates' health ports and the EC2 API (a NAT gateway, or an EC2 interface endpoint with private DNS)."
  type        = list(string)
}

variable "target_security_group_id" {
  description = "The candidates' security group: the function's probes go to it (the caller allows them in from security_group_id)."
  type        = string
}

variable "package" {
  description = "Path of dist/lambda/floatd-controller.zip (`npm run build:lambda`)."
  type        = string
}

variable "endpoint" {
  description = "EC2 API endpoint override (e.g. a VPC endpoint's DNS name as https://...); null for the region's."
  type        = string
  default     = null
}

variable "egress_cidr_blocks" {
  description = "Where the function may open HTTPS connections (the EC2 API)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "memory_size" {
  description = "The function's memory in MB (its CPU share scales with it)."
  type        = number
  default     = 256
}

variable "log_retention_days" {
  description = "How long CloudWatch Logs keeps the decisions and metrics."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags on every resource that takes them."
  type        = map(string)
  default     = {}
}
