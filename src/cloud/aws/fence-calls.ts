// Fencing records in EC2 tags: DescribeTags for every agent's record of a target, CreateTags
// for our own (fence-tag.ts has the keys and the value format).
import { CreateTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-ec2';
import { FenceError } from '../errors.js';
import type { FenceRecord } from '../provider.js';
import type { CloudTarget } from '../target.js';
import { runCall } from './call.js';
import type { Ec2Deps } from './ec2-deps.js';
import {
  encodeFence,
  fenceResourceId,
  fenceTagKey,
  fenceTagPrefix,
  parseFenceTag,
} from './fence-tag.js';

export async function readFenceRecords(
  { client, context, identity }: Ec2Deps,
  target: CloudTarget,
  signal: AbortSignal | undefined,
): Promise<FenceRecord[]> {
  const resourceId = fenceResourceId(target, identity.subnetId);
  const prefix = fenceTagPrefix(target);
  const output = await runCall(
    context,
    'DescribeTags',
    (abortSignal) =>
      client.send(
        new DescribeTagsCommand({
          Filters: [
            { Name: 'resource-id', Values: [resourceId] },
            { Name: 'key', Values: [`${escapeWildcards(prefix)}*`] },
          ],
        }),
        { abortSignal },
      ),
    { signal, subject: `the fence resource ${resourceId}` },
  );
  const records: FenceRecord[] = [];
  for (const tag of output.Tags ?? []) {
    if (tag.ResourceId !== undefined && tag.ResourceId !== resourceId) continue;
    const record = parseFenceTag(target, tag.Key, tag.Value);
    if (record !== undefined) records.push(record);
  }
  return records;
}

export async function writeFenceRecord(
  { client, context, identity }: Ec2Deps,
  target: CloudTarget,
  record: FenceRecord,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (record.owner !== identity.instanceId) {
    throw new FenceError(
      'FENCE_NOT_OURS',
      `refusing to write a fencing record for ${record.owner}: this host is ${identity.instanceId}`,
    );
  }
  const resourceId = fenceResourceId(target, identity.subnetId);
  const tag = { Key: fenceTagKey(target, record.owner), Value: encodeFence(record) };
  await runCall(
    context,
    'CreateTags',
    (abortSignal) =>
      client.send(new CreateTagsCommand({ Resources: [resourceId], Tags: [tag] }), {
        abortSignal,
      }),
    { signal, subject: `the fence resource ${resourceId}` },
  );
}

/** EC2 filter values treat `*`, `?` and `\` specially. */
function escapeWildcards(text: string): string {
  return text.replace(/[*?\\]/g, '\\$&');
}
