// Failure classification of EC2 calls, through the real SDK against the emulator's faults.
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsProvider } from '../../../src/cloud/aws/aws-provider.js';
import {
  classifyEc2Error,
  Ec2CallError,
  redact,
  type CallEvent,
} from '../../../src/cloud/aws/call.js';
import { createEc2Client } from '../../../src/cloud/aws/ec2-client.js';
import { CloudApiError } from '../../../src/cloud/errors.js';
import type { CloudProvider } from '../../../src/cloud/provider.js';
import { createFixture, SECRET_ACCESS_KEY, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await createFixture({ callTimeoutMs: 300 });
});
afterAll(async () => {
  await f?.close();
});
afterEach(() => {
  f.emulator.resetFaults();
});

async function failure(promise: Promise<unknown>): Promise<Ec2CallError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudApiError);
  expect(error).toBeInstanceOf(Ec2CallError);
  return error as Ec2CallError;
}

function providerWith(client = f.client(), events: CallEvent[] = []): CloudProvider {
  return new AwsProvider({
    client,
    identity: { ...f.a.provider.identity },
    callTimeoutMs: 300,
    observer: (e) => events.push(e),
  });
}

describe('retryable failures', () => {
  it('RequestLimitExceeded is throttling: retryable, outcome throttled', async () => {
    f.emulator.setFaults({ throttleRate: 1, only: ['DescribeAddresses'] });
    const events: CallEvent[] = [];
    const error = await failure(providerWith(undefined, events).observe(f.eipFor(f.a)));
    expect(error).toMatchObject({
      reason: 'CLOUD_THROTTLED',
      call: 'DescribeAddresses',
      retryable: true,
      awsCode: 'RequestLimitExceeded',
      httpStatus: 503,
    });
    expect(events).toMatchObject([
      { call: 'DescribeAddresses', outcome: 'throttled', code: 'RequestLimitExceeded' },
    ]);
    // maxAttempts 1: the SDK did not retry on its own.
    expect(f.emulator.faultCounts.DescribeAddresses?.throttle).toBe(1);
  });

  it('InternalError / Unavailable (5xx) are server errors: retryable', async () => {
    f.emulator.setFaults({ serverErrorRate: 1, only: ['AssignPrivateIpAddresses'] });
    for (let i = 0; i < 4; i++) {
      const error = await failure(providerWith().claim(f.secondaryIp));
      expect(error.reason).toBe('CLOUD_SERVER_ERROR');
      expect(error.retryable).toBe(true);
      expect(['InternalError', 'Unavailable']).toContain(error.awsCode);
      expect(error.httpStatus).toBeGreaterThanOrEqual(500);
    }
  });

  it('a call with no answer times out at callTimeoutMs: retryable, outcome timeout', async () => {
    f.emulator.setFaults({ timeoutRate: 1, only: ['DescribeRouteTables'] });
    const events: CallEvent[] = [];
    const started = performance.now();
    const error = await failure(providerWith(undefined, events).observe(f.route));
    const tookMs = performance.now() - started;
    expect(error).toMatchObject({ reason: 'CLOUD_TIMEOUT', retryable: true });
    expect(error.message).toContain('DescribeRouteTables');
    expect(tookMs).toBeGreaterThanOrEqual(290);
    expect(tookMs).toBeLessThan(3_000);
    expect(events[0]).toMatchObject({ outcome: 'timeout' });
    expect(events[0]?.durationMs).toBeGreaterThanOrEqual(290);
  });

  it("the caller's abort ends the call at once, as CLOUD_ABORTED", async () => {
    f.emulator.setFaults({ timeoutRate: 1, only: ['DescribeRouteTables'] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('role changed')), 20);
    const started = performance.now();
    const error = await failure(providerWith().observe(f.route, { signal: controller.signal }));
    expect(error.reason).toBe('CLOUD_ABORTED');
    expect(performance.now() - started).toBeLessThan(280);
  });

  it('a refused connection is a network error: retryable', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = createEc2Client({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${port}`,
      callTimeoutMs: 1_000,
      credentials: { accessKeyId: 'AKIDX', secretAccessKey: 'x' },
    });
    try {
      const error = await failure(providerWith(client).observe(f.secondaryIp));
      expect(error).toMatchObject({
        reason: 'CLOUD_NETWORK',
        retryable: true,
        awsCode: 'ECONNREFUSED',
      });
      expect(error.message).toContain('DescribeNetworkInterfaces');
    } finally {
      client.destroy();
    }
  });
});

describe('permanent failures say what to fix', () => {
  it('AuthFailure (unknown access key id) names the call, points at credentials, hides the key', async () => {
    const badKey = 'AKIAIOSFODNN7EXAMPLE';
    const error = await failure(
      providerWith(f.client({ accessKeyId: badKey })).claim(f.secondaryIp),
    );
    expect(error).toMatchObject({
      reason: 'CLOUD_AUTH',
      call: 'AssignPrivateIpAddresses',
      retryable: false,
      awsCode: 'AuthFailure',
    });
    expect(error.message).toContain('AssignPrivateIpAddresses');
    expect(error.message).toContain('credentials');
    expect(error.message).not.toContain(badKey);
    expect(error.message).not.toContain(SECRET_ACCESS_KEY);
  });

  it('an unknown allocation id is not found: not retryable, names the id to check', async () => {
    const target = {
      kind: 'elastic-ip' as const,
      allocationId: 'eipalloc-0123456789abcdef0',
      privateIp: '10.0.1.11',
    };
    const error = await failure(providerWith().observe(target));
    expect(error).toMatchObject({
      reason: 'CLOUD_NOT_FOUND',
      call: 'DescribeAddresses',
      retryable: false,
      awsCode: 'InvalidAllocationID.NotFound',
    });
    expect(error.message).toContain('eipalloc-0123456789abcdef0');
    expect(error.message).toContain('configuration');
  });

  it('one unknown route table fails the claim (not retryable); the other table still moves', async () => {
    const target = {
      kind: 'route-table' as const,
      routeTableIds: [f.routeTableIds[0], 'rtb-0123456789abcdef0'],
      destinationCidr: f.route.destinationCidr,
    };
    const error = await failure(f.b.provider.claim(target));
    expect(error).toMatchObject({
      reason: 'CLOUD_NOT_FOUND',
      call: 'ReplaceRoute',
      retryable: false,
    });
    expect(error.message).toContain('rtb-0123456789abcdef0');
    expect(
      f.emulator.state.route(f.routeTableIds[0], f.route.destinationCidr)?.networkInterfaceId,
    ).toBe(f.b.networkInterfaceId);
  });

  it('a malformed id is an invalid request', async () => {
    const target = {
      kind: 'elastic-ip' as const,
      allocationId: 'eipalloc-nope',
      privateIp: '10.0.1.11',
    };
    const error = await failure(providerWith().observe(target));
    expect(error).toMatchObject({ reason: 'CLOUD_INVALID_REQUEST', retryable: false });
  });
});

describe('classifyEc2Error (no emulator)', () => {
  const service = (name: string, status: number, fault: 'client' | 'server' = 'client') =>
    Object.assign(new Error(`${name} happened`), {
      name,
      $fault: fault,
      $metadata: { httpStatusCode: status, requestId: 'req-1' },
    });

  it('UnauthorizedOperation points at the IAM policy for that action', () => {
    const e = classifyEc2Error('ReplaceRoute', service('UnauthorizedOperation', 403));
    expect(e).toMatchObject({ reason: 'CLOUD_FORBIDDEN', retryable: false, requestId: 'req-1' });
    expect(e.message).toContain('ec2:ReplaceRoute');
  });

  it('Throttling and any 5xx are retryable; unknown 4xx are not', () => {
    expect(classifyEc2Error('X', service('Throttling', 400)).reason).toBe('CLOUD_THROTTLED');
    expect(classifyEc2Error('X', service('Weird', 502, 'server')).retryable).toBe(true);
    expect(classifyEc2Error('X', service('Weird', 400)).retryable).toBe(false);
  });

  it('missing credentials are reported as such, retryable (instance profile may be late)', () => {
    const e = classifyEc2Error(
      'DescribeTags',
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    expect(e).toMatchObject({
      reason: 'CLOUD_CREDENTIALS',
      retryable: true,
      outcome: 'client-error',
    });
    expect(e.message).toContain('instance profile');
  });

  it('ECONNRESET (which the SDK renames TimeoutError) is a network error', () => {
    const reset = Object.assign(new Error('socket hang up'), {
      name: 'TimeoutError',
      code: 'ECONNRESET',
    });
    expect(classifyEc2Error('X', reset)).toMatchObject({
      reason: 'CLOUD_NETWORK',
      retryable: true,
    });
  });

  it('redacts anything shaped like an access key id', () => {
    expect(redact('key AKIAIOSFODNN7EXAMPLE is bad')).toBe('key AKIA… is bad');
  });
});
