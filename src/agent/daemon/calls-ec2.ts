// Which instances need the EC2 client: apart from cloud-session.ts, so the agent can ask without
// loading the AWS SDK (cloud-session.ts imports it; the agent loads that only when needed).
import type { InstanceConfig } from '../config/schema.js';

/** The instance calls EC2: it has cloud targets, or its split-brain probe asks EC2. */
export function callsEc2(instance: InstanceConfig): boolean {
  return instance.cloud.length > 0 || instance.unicast.probe?.kind === 'ec2';
}
