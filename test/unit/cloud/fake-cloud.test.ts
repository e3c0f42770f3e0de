// The test double itself: lagged reads, scripted failures and abort handling behave as the
// reconciler's tests assume.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CloudApiError } from '../../../src/cloud/errors.js';
import { FakeCloud, VIP, throttled } from './fake-cloud.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('FakeCloud', () => {
  it('shows a claim to read-backs only after the read lag, and logs every call', async () => {
    const cloud = new FakeCloud({ latencyMs: 10, ownerReadLagMs: 1_000 });
    const a = cloud.host('a');
    const claimed = a.claim(VIP);
    await vi.advanceTimersByTimeAsync(10);
    await claimed;
    expect(cloud.ownerOf(VIP)).toBe('eni-a');
    const early = a.observe(VIP);
    await vi.advanceTimersByTimeAsync(10);
    expect((await early).ownerNetworkInterfaceId).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    const late = a.observe(VIP);
    await vi.advanceTimersByTimeAsync(10);
    expect((await late).ownerNetworkInterfaceId).toBe('eni-a');
    expect(cloud.calls.map((c) => `${c.method}:${c.outcome}`)).toEqual([
      'claim:ok',
      'observe:ok',
      'observe:ok',
    ]);
  });

  it('fails scripted calls the given number of times, for the given host only', async () => {
    const cloud = new FakeCloud({ latencyMs: 0 });
    cloud.fail({ method: 'claim', instanceId: 'i-a', times: 1, error: throttled });
    const a = cloud.host('a');
    const b = cloud.host('b');
    const first = a.claim(VIP).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1);
    expect(await first).toMatchObject({ reason: 'RequestLimitExceeded', retryable: true });
    expect(await first).toBeInstanceOf(CloudApiError);
    const second = Promise.all([a.claim(VIP), b.claim(VIP)]);
    await vi.advanceTimersByTimeAsync(1);
    await second;
    expect(cloud.ownerHistory(VIP).map((c) => c.owner)).toEqual(['eni-a', 'eni-b']);
  });

  it('a rule with `when` fails only the calls it accepts (here: by the record written)', async () => {
    const cloud = new FakeCloud({ latencyMs: 0 });
    cloud.fail({
      method: 'writeFence',
      when: (c) => c.record?.released === false,
      error: throttled,
    });
    const a = cloud.host('a');
    const live = a.writeFence(VIP, { term: 1, owner: 'i-a', beat: 0, released: false });
    const released = a.writeFence(VIP, { term: 1, owner: 'i-a', beat: 1, released: true });
    const outcomes = Promise.allSettled([live, released]);
    await vi.advanceTimersByTimeAsync(1);
    expect((await outcomes).map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
    expect(cloud.fenceRecords(VIP)).toEqual([{ term: 1, owner: 'i-a', beat: 1, released: true }]);
  });

  it('an aborted call has no effect unless its method ignores aborts', async () => {
    const cloud = new FakeCloud({ latencyMs: 100 });
    const a = cloud.host('a');
    const abort = new AbortController();
    const aborted = a.claim(VIP, { signal: abort.signal }).catch(() => 'aborted');
    abort.abort(new Error('stop'));
    await vi.advanceTimersByTimeAsync(200);
    expect(await aborted).toBe('aborted');
    expect(cloud.ownerOf(VIP)).toBeUndefined();

    cloud.ignoresAbort.add('claim');
    const onTheWire = new AbortController();
    const landed = a.claim(VIP, { signal: onTheWire.signal });
    onTheWire.abort(new Error('stop'));
    await vi.advanceTimersByTimeAsync(200);
    await landed;
    expect(cloud.ownerOf(VIP)).toBe('eni-a');
  });

  it('refuses a fence record written under another agent’s name', async () => {
    const cloud = new FakeCloud();
    const a = cloud.host('a');
    await expect(
      a.writeFence(VIP, { term: 1, owner: 'i-b', beat: 0, released: false }),
    ).rejects.toThrow(/wrote i-b's record/);
  });
});
