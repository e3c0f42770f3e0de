// A small VPC in the emulator (two instances in one subnet, an EIP, a route table) and an
// EC2Client on it with maxAttempts 1, so the SDK's retries never hide what the emulator did.

import { EC2Client } from '@aws-sdk/client-ec2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { expect } from 'vitest';
import type {
  AddedInstance,
  Ec2Emulator,
  Ec2EmulatorOptions,
} from '../../../lab/ec2-emulator/index.js';
import { createEc2Emulator } from '../../../lab/ec2-emulator/index.js';

export const accessKeyId = 'AKIAEMULATORTEST0001';
export const secretAccessKey = 'emulator-test-secret';

export interface Fixture {
  readonly emulator: Ec2Emulator;
  readonly client: EC2Client;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly a: AddedInstance;
  readonly b: AddedInstance;
  readonly allocationId: string;
  readonly routeTableId: string;
  close(): Promise<void>;
}

export function clientFor(
  endpoint: string,
  options: { accessKeyId?: string; secretAccessKey?: string; requestTimeoutMs?: number } = {},
): EC2Client {
  return new EC2Client({
    endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: {
      accessKeyId: options.accessKeyId ?? accessKeyId,
      secretAccessKey: options.secretAccessKey ?? secretAccessKey,
    },
    // Without throwOnRequestTimeout this smithy version only logs a breached requestTimeout.
    requestHandler: new NodeHttpHandler({
      requestTimeout: options.requestTimeoutMs ?? 5_000,
      throwOnRequestTimeout: true,
    }),
  });
}

export async function startFixture(options: Ec2EmulatorOptions = {}): Promise<Fixture> {
  const emulator = await createEc2Emulator({
    credentials: { [accessKeyId]: secretAccessKey },
    seed: 7,
    ...options,
  });
  const state = emulator.state;
  const vpcId = state.addVpc('10.0.0.0/16');
  const subnetId = state.addSubnet(vpcId, '10.0.1.0/24', 'us-east-1a');
  const a = state.addInstance({ subnetId, privateIp: '10.0.1.10', tags: { Name: 'a' } });
  const b = state.addInstance({ subnetId, privateIp: '10.0.1.11', tags: { Name: 'b' } });
  const allocationId = state.addElasticIp('203.0.113.50');
  const routeTableId = state.addRouteTable(vpcId, [
    { destinationCidrBlock: '0.0.0.0/0', gatewayId: 'igw-0123456789abcdef0' },
  ]);
  const client = clientFor(emulator.endpoint);
  return {
    emulator,
    client,
    vpcId,
    subnetId,
    a,
    b,
    allocationId,
    routeTableId,
    close: async () => {
      client.destroy();
      await emulator.close();
    },
  };
}

/** Awaits a rejection from the SDK and checks its error name (the EC2 code) and HTTP status. */
export async function expectEc2Error(
  promise: Promise<unknown>,
  code: string,
  httpStatus = 400,
): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(Error);
  const e = error as Error & { $metadata?: { httpStatusCode?: number } };
  expect(e.name).toBe(code);
  expect(e.$metadata?.httpStatusCode).toBe(httpStatus);
  return e;
}
