variable "name" {
  description = "Prefix of every resource's name (and of the controller's function name)."
  type        = string
  default     = "floatd"

  validation {
    condition     = can(regex("^[A-Za-z0-9-]{1,32}$", var.name))
    error_message = "name: 1-32 letters, digits or \"-\" (IAM name_prefix allows 38, and the module appends \"-<n>-\")."
  }
}

variable "failover" {
  description = "\"agent\": floatd runs on both instances (VRRP between them). \"controller\": the instances run no agent; a Lambda (modules/controller) health-checks them and moves the targets."
  type        = string
  default     = "agent"

  validation {
    condition     = contains(["agent", "controller"], var.failover)
    error_message = "failover: \"agent\" or \"controller\"."
  }
}

variable "vpc_id" {
  description = "The VPC of the pair."
  type        = string
}

variable "subnet_ids" {
  description = "One subnet (both instances in it) or two (instance i in subnet_ids[i], e.g. two AZs). A secondary IP cannot leave its subnet: with two subnets, use elastic_ip and route_table_ids only."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) == 1 || length(var.subnet_ids) == 2
    error_message = "subnet_ids: one or two subnets."
  }
}

variable "ami_id" {
  description = "The instances' image; default the latest Debian 12 (bookworm) amd64 image, from Debian's public SSM parameter."
  type        = string
  default     = null
}

variable "instance_type" {
  description = "EC2 instance type (x86_64: the release is linux-x64)."
  type        = string
  default     = "t3.small"
}

variable "key_name" {
  description = "EC2 key pair for SSH; null for none (no ingress rule is added for SSH either way)."
  type        = string
  default     = null
}

variable "priorities" {
  description = "VRRP priority of instance 0 and instance 1 (agent), or the controller's candidate priority: the higher one holds the targets while healthy."
  type        = list(number)
  default     = [150, 100]

  validation {
    condition     = length(var.priorities) == 2 && alltrue([for p in var.priorities : p >= 1 && p <= 254])
    error_message = "priorities: two numbers from 1 to 254."
  }
}

variable "vip" {
  description = "The floating address with its prefix length, e.g. \"10.0.1.50/24\" (a secondary IP of the subnet) or \"192.168.100.10/32\" (outside the VPC, reached through route_table_ids)."
  type        = string

  validation {
    condition     = can(cidrhost(var.vip, 0)) && length(split(":", var.vip)) == 1
    error_message = "vip: an IPv4 address with a prefix length, e.g. \"10.0.1.50/24\"."
  }
}

variable "secondary_ip" {
  description = "Move the VIP as a secondary private IP between the ENIs (both instances in one subnet)."
  type        = bool
  default     = true
}

variable "elastic_ip" {
  description = "Create an Elastic IP and point it at the holder (at the VIP with secondary_ip, else at the holder's primary address)."
  type        = bool
  default     = true
}

variable "route_table_ids" {
  description = "Route tables in which route_destination points at the holder's ENI; [] for none. The first one carries the fence records."
  type        = list(string)
  default     = []
}

variable "route_destination" {
  description = "The CIDR routed to the holder; default the VIP as a /32."
  type        = string
  default     = null
}

variable "vrid" {
  description = "VRRP virtual router id (agent)."
  type        = number
  default     = 51
}

variable "advert_interval" {
  description = "VRRP advertisement interval (agent), floatd's duration syntax."
  type        = string
  default     = "1s"
}

variable "interface" {
  description = "The instances' network interface as the OS names it (agent): ens5 on Debian 12 on Nitro instances."
  type        = string
  default     = "ens5"
}

variable "floatd_release_url" {
  description = "HTTPS URL of floatd's release tarball, floatd-<version>-linux-x64.tar.gz (`npm run package`), e.g. on S3 or a release page (agent)."
  type        = string
  default     = null
}

variable "floatd_release_sha256" {
  description = "SHA-256 of that tarball (hex): user data refuses any other file (agent)."
  type        = string
  default     = null
}

variable "user_data" {
  description = "User data of the instances in controller mode (the appliance's own setup, e.g. its health endpoint). In agent mode the module writes it."
  type        = string
  default     = null
}

variable "health_check" {
  description = "Controller mode: what the controller probes on each instance from inside the VPC."
  type = object({
    type        = string
    port        = number
    path        = optional(string, "/")
    interval_ms = optional(number, 5000)
    timeout_ms  = optional(number, 2000)
    rise        = optional(number, 2)
    fall        = optional(number, 3)
  })
  default = { type = "http", port = 80, path = "/health" }

  validation {
    condition     = contains(["http", "tcp"], var.health_check.type)
    error_message = "health_check.type: \"http\" or \"tcp\"."
  }
}

variable "preempt" {
  description = "Controller mode: a healthy higher-priority instance takes the targets back."
  type        = bool
  default     = true
}

variable "controller_subnet_ids" {
  description = "Controller mode: the Lambda's subnets (they need a route to the EC2 API: a NAT gateway or an EC2 interface endpoint); default subnet_ids."
  type        = list(string)
  default     = null
}

variable "controller_package" {
  description = "Controller mode: path of dist/lambda/floatd-controller.zip (`npm run build:lambda`)."
  type        = string
  default     = null
}

variable "egress_cidr_blocks" {
  description = "Where the instances may open HTTPS connections (EC2 API, the release download)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "tags" {
  description = "Tags on every resource that takes them."
  type        = map(string)
  default     = {}
}
