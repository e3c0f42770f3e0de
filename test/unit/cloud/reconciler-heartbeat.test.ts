// A live holder keeps beating while it claims and verifies (its heartbeat runs on its own), so a
// fenced peer never declares its term expired while it is MASTER; before, a holder stuck in
// verify wrote no beat for verifyTimeoutMs + recheckIntervalMs (= fenceLeaseMs by default).
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { FakeCloud, VIP, testAgent, throttled } from './fake-cloud.js';

const T0 = 1_750_000_000_000;
beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

it('a fenced MASTER does not take over from a live holder whose record is late (defaults)', async () => {
  const cloud = new FakeCloud(); // 10 ms calls; default settings; seeds fix the jitter
  const a = testAgent(cloud, 'a', { seed: 1003 });
  const b = testAgent(cloud, 'b', { seed: 3 });
  a.reconciler.becomeMaster(Date.now());
  await vi.advanceTimersByTimeAsync(10_005);
  // Split brain; B's CreateTags throttled for 8 s, so A takes the address back as drift.
  const rule = cloud.fail({ method: 'writeFence', instanceId: 'i-b', error: throttled });
  b.reconciler.becomeMaster(Date.now());
  await vi.advanceTimersByTimeAsync(8_000);
  rule.times = 0;
  await vi.advanceTimersByTimeAsync(120_000);

  expect(a.lines.filter((l) => l.event === 'cloud-fence-expired')).toEqual([]);
  expect(cloud.ownerHistory(VIP).map((c) => c.owner)).toEqual(['eni-a', 'eni-b', 'eni-a', 'eni-b']);
  expect(a.reconciler.status().targets[0]?.phase).toBe('fenced');
});
