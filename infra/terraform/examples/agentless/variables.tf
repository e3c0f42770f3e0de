variable "region" {
  description = "AWS region."
  type        = string
  default     = "eu-west-1"
}

variable "vpc_id" {
  description = "The VPC."
  type        = string
}

variable "subnet_ids" {
  description = "One subnet for both instances."
  type        = list(string)
}

variable "controller_subnet_ids" {
  description = "The controller's subnets (a route to the EC2 API: NAT or an EC2 interface endpoint); null for subnet_ids."
  type        = list(string)
  default     = null
}

variable "vip" {
  description = "A free address of that subnet with its prefix length, e.g. \"10.0.1.50/24\"."
  type        = string
}

variable "route_table_ids" {
  description = "Route tables that route 192.168.100.10/32 to the healthy instance."
  type        = list(string)
}

variable "controller_package" {
  description = "dist/lambda/floatd-controller.zip from `npm run build:lambda` in a floatd checkout."
  type        = string
  default     = "../../../../dist/lambda/floatd-controller.zip"
}
