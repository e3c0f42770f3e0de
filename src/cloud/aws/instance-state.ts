// An instance's lifecycle state as EC2 reports it now (DescribeInstances). The controller reads
// it when an EventBridge state-change event arrives rather than trusting the event: events come
// at least once and out of order, the API's answer is the level to act on.
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { runCall } from './call.js';
import type { Ec2Deps } from './ec2-deps.js';

/** EC2's state name ('running', 'stopping', ...), or undefined when EC2 no longer lists it. */
export async function describeInstanceState(
  { client, context }: Pick<Ec2Deps, 'client' | 'context'>,
  instanceId: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const output = await runCall(
    context,
    'DescribeInstances',
    (abortSignal) =>
      client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }), { abortSignal }),
    { signal, subject: `instance ${instanceId}` },
  );
  const instance = (output.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .find((i) => i.InstanceId === instanceId);
  return instance?.State?.Name;
}
