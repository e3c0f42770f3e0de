output "function_name" {
  description = "The controller's Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "Its ARN."
  value       = aws_lambda_function.this.arn
}

output "role_arn" {
  description = "Its execution role."
  value       = aws_iam_role.this.arn
}

output "security_group_id" {
  description = "Its security group: allow the health ports in from it on the candidates."
  value       = aws_security_group.lambda.id
}

output "dead_letter_queue_arn" {
  description = "Where events that failed every retry go."
  value       = aws_sqs_queue.dead_letter.arn
}

output "log_group_name" {
  description = "Its decisions (one JSON line each) and metrics (Embedded Metric Format)."
  value       = aws_cloudwatch_log_group.this.name
}

output "config" {
  description = "FLOATD_CONTROLLER_CONFIG, as JSON."
  value       = jsonencode(local.config)
}
