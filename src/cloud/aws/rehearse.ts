// A dress rehearsal: every call a takeover makes (claim, fence write and read, read-back) runs
// through the real EC2 client's SDK pipeline (serialise, endpoint, sign) with a signal aborted
// from the start, which the HTTP handler refuses before touching the network. The pipeline is
// then compiled and warm, so the first claim after a failover, possibly days later, leaves in a
// couple of milliseconds instead of a dozen. The agent repeats it while BACKUP: V8 drops the
// bytecode of functions it has not run for a while.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { CloudTarget } from '../target.js';
import { AwsProvider, type AwsProviderIdentity } from './aws-provider.js';

/** Rounds per rehearsal: V8 optimises a function after it has run a number of times. */
const ROUNDS = 20;

export async function rehearse(
  client: EC2Client,
  identity: AwsProviderIdentity,
  targets: readonly CloudTarget[],
  rounds = ROUNDS,
): Promise<void> {
  // No observer: rehearsals are not API calls and must not show in metrics.
  const provider = new AwsProvider({ client, identity, callTimeoutMs: 1000 });
  const abort = new AbortController();
  abort.abort(new Error('rehearsal: never sent'));
  const options = { signal: abort.signal };
  const record = { term: 0, owner: identity.instanceId, beat: 0, released: false };
  const ignore = (): undefined => undefined;
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      await provider.claim(target, options).catch(ignore);
      await provider.writeFence(target, record, options).catch(ignore);
      await provider.readFences(target, options).catch(ignore);
      await provider.observe(target, options).catch(ignore);
    }
  }
}
