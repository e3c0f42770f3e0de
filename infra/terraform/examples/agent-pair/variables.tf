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

variable "vip" {
  description = "A free address of that subnet with its prefix length, e.g. \"10.0.1.50/24\"."
  type        = string
}

variable "route_table_ids" {
  description = "Route tables that route 192.168.100.10/32 to the MASTER."
  type        = list(string)
}

variable "floatd_release_url" {
  description = "HTTPS URL of floatd-<version>-linux-x64.tar.gz."
  type        = string
}

variable "floatd_release_sha256" {
  description = "Its SHA-256 (sha256sum dist/release/floatd-*-linux-x64.tar.gz)."
  type        = string
}
