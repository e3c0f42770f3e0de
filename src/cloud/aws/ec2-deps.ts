// What every AwsProvider operation needs: the SDK client, the per-call settings, who we are.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { CloudIdentity } from '../provider.js';
import type { CallContext } from './call.js';
import type { PreparedRequests } from './prepared-requests.js';

export interface AwsProviderIdentity extends CloudIdentity {
  /** Narrows the secondary-ip read-back to our VPC; without it, our subnet. */
  readonly vpcId?: string | undefined;
}

export interface Ec2Deps {
  readonly client: EC2Client;
  readonly context: CallContext;
  readonly identity: AwsProviderIdentity;
  /** Claims signed ahead of time (prepared-requests.ts); absent: always the SDK path. */
  readonly prepared?: PreparedRequests | undefined;
}
