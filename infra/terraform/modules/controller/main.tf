# floatd's serverless controller: a Lambda started every minute by EventBridge (each run probes the
# candidates every few seconds until shortly before the next) and at once by EC2's instance
# state-change events, moving each group's targets to its best healthy candidate with floatd's
# reconciler and fence records. Its EC2 permissions are generated from the same call list as
# `floatd plan` (policies/, infra/terraform/generate.ts; src/cloud/controller/iam-policy.ts).

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id
  arn_prefix = "arn:aws:ec2:${local.region}:${local.account_id}"

  # FLOATD_CONTROLLER_CONFIG (parseControllerConfig). The schedule below starts a run every minute.
  config = merge(
    {
      region           = local.region
      controllerId     = var.name
      schedulePeriodMs = 60000
      groups           = var.groups
    },
    var.endpoint != null ? { endpoint = var.endpoint } : {},
  )

  targets      = flatten([for g in var.groups : g.targets])
  candidates   = flatten([for g in var.groups : g.candidates])
  instance_ids = distinct([for c in local.candidates : c.instanceId])
  kinds        = distinct([for t in local.targets : t.kind])
  # The generated template for these kinds, named in canonical order (policy-templates.ts).
  policy_template = join("+", [for k in ["secondary-ip", "elastic-ip", "route-table"] : k if contains(local.kinds, k)])

  # The template's placeholders: comma-separated JSON strings, sorted, no duplicates.
  policy_vars = {
    network_interface_arns = join(",", [for id in sort(distinct([for c in local.candidates : c.networkInterfaceId])) : jsonencode("${local.arn_prefix}:network-interface/${id}")])
    subnet_arns            = join(",", [for id in sort(distinct([for c in local.candidates : c.subnetId])) : jsonencode("${local.arn_prefix}:subnet/${id}")])
    elastic_ip_arns        = join(",", [for id in sort(distinct([for t in local.targets : t.allocationId if t.kind == "elastic-ip"])) : jsonencode("${local.arn_prefix}:elastic-ip/${id}")])
    route_table_arns       = join(",", [for id in sort(distinct(flatten([for t in local.targets : t.routeTableIds if t.kind == "route-table"]))) : jsonencode("${local.arn_prefix}:route-table/${id}")])
    fence_route_table_arns = join(",", [for id in sort(distinct([for t in local.targets : t.routeTableIds[0] if t.kind == "route-table"])) : jsonencode("${local.arn_prefix}:route-table/${id}")])
  }

  candidate_eni_arns = [for id in sort(distinct([for c in local.candidates : c.networkInterfaceId])) : "${local.arn_prefix}:network-interface/${id}"]

  health_ports = distinct([for g in var.groups : g.health.check.port])
}

# The function's network identity: no ingress at all; out to the health ports and the EC2 API.
resource "aws_security_group" "lambda" {
  name_prefix = "${var.name}-"
  description = "floatd controller ${var.name}: probes to the candidates, HTTPS to the EC2 API"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = var.name })
}

resource "aws_vpc_security_group_egress_rule" "health" {
  for_each                     = toset([for p in local.health_ports : tostring(p)])
  security_group_id            = aws_security_group.lambda.id
  referenced_security_group_id = var.target_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
  description                  = "health checks to the candidates"
  tags                         = var.tags
}

resource "aws_vpc_security_group_egress_rule" "https" {
  for_each          = toset(var.egress_cidr_blocks)
  security_group_id = aws_security_group.lambda.id
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "HTTPS: the EC2 API"
  tags              = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# Events that fail every retry land here instead of vanishing.
resource "aws_sqs_queue" "dead_letter" {
  name                      = "${var.name}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name_prefix        = "${substr(var.name, 0, 32)}-"
  description        = "floatd controller ${var.name}"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags
}

# Exactly controllerPolicyFor(config): generated, and kept equal by test/infra/.
resource "aws_iam_role_policy" "ec2" {
  name   = "floatd-controller-ec2"
  role   = aws_iam_role.this.id
  policy = templatefile("${path.module}/policies/${local.policy_template}.json.tftpl", local.policy_vars)
}

# What AWSLambdaVPCAccessExecutionRole grants, narrowed where Lambda allows: logs into this
# function's own group only (terraform creates it), the dead-letter queue, and the network
# interfaces Lambda manages for a function in a VPC. Lambda requires these EC2 actions on "*"
# (Lambda Developer Guide, "Giving Lambda functions access to resources in an Amazon VPC";
# the managed policy: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html).
resource "aws_iam_role_policy" "runtime" {
  name = "floatd-controller-runtime"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Logs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${aws_cloudwatch_log_group.this.arn}:*"]
      },
      {
        Sid    = "VpcAccess"
        Effect = "Allow"
        Action = [
          "ec2:AssignPrivateIpAddresses",
          "ec2:CreateNetworkInterface",
          "ec2:DeleteNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:UnassignPrivateIpAddresses",
        ]
        Resource = ["*"]
      },
      # The actions above serve Lambda's own network interfaces, which Lambda manages outside
      # the function's code. Calls from the code carry lambda:SourceFunctionArn ("Using source
      # function ARN to control function access behavior", Lambda Developer Guide), so the code
      # itself creates, deletes and unassigns nothing, and assigns only on the candidates' ENIs.
      {
        Sid       = "VpcAccessNotForTheCode"
        Effect    = "Deny"
        Action    = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:UnassignPrivateIpAddresses"]
        Resource  = ["*"]
        Condition = { Null = { "lambda:SourceFunctionArn" = "false" } }
      },
      {
        Sid         = "AssignOnlyOnCandidates"
        Effect      = "Deny"
        Action      = ["ec2:AssignPrivateIpAddresses"]
        NotResource = local.candidate_eni_arns
        Condition   = { Null = { "lambda:SourceFunctionArn" = "false" } }
      },
      {
        Sid      = "DeadLetterQueue"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = [aws_sqs_queue.dead_letter.arn]
      },
    ]
  })
}

resource "aws_lambda_function" "this" {
  function_name    = var.name
  description      = "floatd controller: fails over ${join(", ", [for g in var.groups : g.name])}"
  role             = aws_iam_role.this.arn
  runtime          = "nodejs22.x"
  handler          = "index.handler"
  filename         = var.package
  source_code_hash = filebase64sha256(var.package)
  # A scheduled run probes until shortly before the next one starts (a minute later).
  timeout     = 60
  memory_size = var.memory_size

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.lambda.id]
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dead_letter.arn
  }

  environment {
    variables = {
      FLOATD_CONTROLLER_CONFIG = jsonencode(local.config)
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.runtime, aws_iam_role_policy.ec2, aws_cloudwatch_log_group.this]
}

# An event older than this is stale (the next scheduled run has re-evaluated since).
resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_event_age_in_seconds = 300
  maximum_retry_attempts       = 2
}

resource "aws_cloudwatch_event_rule" "schedule" {
  name                = "${var.name}-schedule"
  description         = "floatd controller: a run every minute"
  schedule_expression = "rate(1 minute)"
  tags                = var.tags
}

resource "aws_cloudwatch_event_rule" "state_change" {
  name        = "${var.name}-state-change"
  description = "floatd controller: evaluate at once when a candidate stops or terminates"
  event_pattern = jsonencode({
    source        = ["aws.ec2"]
    "detail-type" = ["EC2 Instance State-change Notification"]
    detail = {
      state         = ["stopping", "stopped", "shutting-down", "terminated"]
      "instance-id" = local.instance_ids
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "schedule" {
  rule      = aws_cloudwatch_event_rule.schedule.name
  target_id = "floatd-controller"
  arn       = aws_lambda_function.this.arn
}

resource "aws_cloudwatch_event_target" "state_change" {
  rule      = aws_cloudwatch_event_rule.state_change.name
  target_id = "floatd-controller"
  arn       = aws_lambda_function.this.arn
}

resource "aws_lambda_permission" "schedule" {
  statement_id  = "floatd-schedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule.arn
}

resource "aws_lambda_permission" "state_change" {
  statement_id  = "floatd-state-change"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.state_change.arn
}
