import {
  AssignPrivateIpAddressesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeTagsCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fixture } from './fixture.js';
import { clientFor, expectEc2Error, startFixture } from './fixture.js';

let f: Fixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

const assignVip = (fx: Fixture, eni = fx.a.networkInterfaceId) =>
  new AssignPrivateIpAddressesCommand({
    NetworkInterfaceId: eni,
    PrivateIpAddresses: ['10.0.1.100'],
  });

/** Rejection of a promise as a value (undefined when it resolved). */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
  );

describe('fault injection', () => {
  it('throttles with RequestLimitExceeded (503) and applies nothing', async () => {
    f = await startFixture();
    f.emulator.faults.throttleRate = 1;
    await expectEc2Error(f.client.send(assignVip(f)), 'RequestLimitExceeded', 503);
    expect(f.emulator.state.eniOf('10.0.1.100')).toBeUndefined();
    expect(f.emulator.faultCounts['AssignPrivateIpAddresses']?.throttle).toBe(1);
    expect(f.emulator.requests.at(-1)).toMatchObject({
      status: 503,
      errorCode: 'RequestLimitExceeded',
      fault: 'throttle',
    });
    f.emulator.resetFaults();
    await f.client.send(assignVip(f));
    expect(f.emulator.state.eniOf('10.0.1.100')).toBe(f.a.networkInterfaceId);
  });

  it('answers InternalError (500) or Unavailable (503) for server errors', async () => {
    f = await startFixture();
    f.emulator.setFaults({ serverErrorRate: 1 });
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const e = await failure(f.client.send(new DescribeTagsCommand({})));
      expect(['InternalError', 'Unavailable']).toContain(e?.name);
      expect(e?.$metadata?.httpStatusCode).toBe(e?.name === 'InternalError' ? 500 : 503);
      seen.add(e?.name ?? '');
    }
    expect(seen.size).toBe(2);
    const counts = f.emulator.faultCounts['DescribeTags'];
    expect((counts?.['internal-error'] ?? 0) + (counts?.unavailable ?? 0)).toBe(12);
  });

  it('hangs a request until the client gives up, without leaking the socket', async () => {
    f = await startFixture();
    f.emulator.faults.timeoutRate = 1;
    const impatient = clientFor(f.emulator.endpoint, { requestTimeoutMs: 150 });
    const e = await failure(impatient.send(assignVip(f)));
    expect(e?.name).toBe('TimeoutError');
    expect(f.emulator.state.eniOf('10.0.1.100')).toBeUndefined();
    expect(f.emulator.requests.at(-1)).toMatchObject({ status: 0, fault: 'timeout' });
    // With timeoutAfterApply the write lands and only the answer is lost.
    f.emulator.faults.timeoutAfterApply = true;
    expect((await failure(impatient.send(assignVip(f))))?.name).toBe('TimeoutError');
    expect(f.emulator.state.eniOf('10.0.1.100')).toBe(f.a.networkInterfaceId);
    expect(f.emulator.faultCounts['AssignPrivateIpAddresses']?.timeout).toBe(2);
    impatient.destroy();
    // A hung request still open when the emulator closes must not keep close() waiting.
    const pending = failure(clientFor(f.emulator.endpoint).send(new DescribeTagsCommand({})));
    for (let i = 0; i < 200 && f.emulator.requests.at(-1)?.action !== 'DescribeTags'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(f.emulator.requests.at(-1)).toMatchObject({ action: 'DescribeTags', fault: 'timeout' });
    await f.close();
    f = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });

  it('delays answers by latencyMs, plus spikeMs when a spike is drawn', async () => {
    f = await startFixture();
    f.emulator.setFaults({ latencyMs: 120 });
    let startMs = performance.now();
    await f.client.send(new DescribeTagsCommand({}));
    expect(performance.now() - startMs).toBeGreaterThanOrEqual(115);
    f.emulator.setFaults({ latencyMs: 0, spikeMs: 250, spikeRate: 1 });
    startMs = performance.now();
    await f.client.send(new DescribeTagsCommand({}));
    expect(performance.now() - startMs).toBeGreaterThanOrEqual(245);
    expect(f.emulator.requests.at(-1)).toMatchObject({ status: 200, fault: 'spike', delayMs: 250 });
    expect(f.emulator.faultCounts['DescribeTags']?.spike).toBe(1);
  });

  it('restricts faults to the actions in `only`', async () => {
    f = await startFixture();
    f.emulator.setFaults({ throttleRate: 1, only: ['AssignPrivateIpAddresses'] });
    const out = await f.client.send(new DescribeTagsCommand({}));
    expect(out.Tags).toBeDefined();
    await expectEc2Error(f.client.send(assignVip(f)), 'RequestLimitExceeded', 503);
    expect(f.emulator.faultCounts['DescribeTags']).toBeUndefined();
  });

  it('draws the same faults for the same seed', async () => {
    const pattern = async (seed: number) => {
      const fx = await startFixture({ seed });
      fx.emulator.faults.throttleRate = 0.5;
      const codes: string[] = [];
      for (let i = 0; i < 16; i++) {
        codes.push((await failure(fx.client.send(new DescribeTagsCommand({}))))?.name ?? 'ok');
      }
      await fx.close();
      return codes;
    };
    const first = await pattern(99);
    expect(first).toContain('ok');
    expect(first).toContain('RequestLimitExceeded');
    expect(await pattern(99)).toEqual(first);
  });
});

describe('describe lag (eventual consistency)', () => {
  it('serves Describe* from the state as it was describeLagMs ago; writes apply at once', async () => {
    let nowMs = 1_000_000;
    f = await startFixture({ nowMs: () => nowMs });
    const fx = f;
    fx.emulator.faults.describeLagMs = 2_000;
    const secondaries = async () =>
      (
        await fx.client.send(
          new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [fx.a.networkInterfaceId] }),
        )
      ).NetworkInterfaces?.[0]?.PrivateIpAddresses?.map((p) => p.PrivateIpAddress);

    await fx.client.send(assignVip(fx));
    expect(fx.emulator.state.eniOf('10.0.1.100')).toBe(fx.a.networkInterfaceId);
    expect(await secondaries()).toEqual(['10.0.1.10']);
    // Writes see the new state at once: a second claim without reassignment is refused.
    await expectEc2Error(
      fx.client.send(assignVip(fx, fx.b.networkInterfaceId)),
      'InvalidParameterValue',
    );
    nowMs += 1_999;
    expect(await secondaries()).toEqual(['10.0.1.10']);
    nowMs += 2;
    expect(await secondaries()).toEqual(['10.0.1.10', '10.0.1.100']);
    // Back to strong consistency.
    fx.emulator.faults.describeLagMs = 0;
    expect(await secondaries()).toEqual(['10.0.1.10', '10.0.1.100']);
  });
});
