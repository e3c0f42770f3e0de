// Tracking in the lab: each host runs a small HTTP service; a tracker on the MASTER's service
// (a script, or the native HTTP or TCP check) lowers its priority when the service stops, and
// the VIP moves within fall x interval + one advert interval + Skew_Time + 200 ms (the backup
// takes over Skew_Time after the MASTER's next advert was due: README, design notes); started
// again, it moves back after rise x interval (preemption on).
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FloatdAgent } from '../../lab/agents.js';
import { labTempDir, pollUntil, sleep, startFloatd } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import type { LabProcess } from '../../lab/lab-process.js';
import { skewTimeMs } from '../../src/agent/vrrp/intervals.js';
import { requireLab } from '../lab/require-lab.js';

const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
});

const PORT = 8080;
const CHECK_MS = 300;
const FALL = 2;
const RISE = 2;
const ADVERT_CS = 20;

/** A one-line HTTP service in the host, answering 200. */
function startService(host: LabHost): LabProcess {
  return host.spawn(process.execPath, [
    '-e',
    `require('node:http').createServer((q, s) => s.end('ok')).listen(${PORT}, '127.0.0.1')`,
  ]);
}

function trackerYaml(kind: 'script' | 'http' | 'tcp', script: string): string {
  const common = `interval: ${CHECK_MS}ms, timeout: 200ms, weight: -60, rise: ${RISE}, fall: ${FALL}`;
  switch (kind) {
    case 'script':
      return `  - { name: svc, type: script, script: ${script}, ${common} }`;
    case 'http':
      return `  - { name: svc, type: http, url: "http://127.0.0.1:${PORT}/", expectStatus: 200, ${common} }`;
    case 'tcp':
      return `  - { name: svc, type: tcp, host: 127.0.0.1, port: ${PORT}, ${common} }`;
  }
}

function yaml(
  kind: 'script' | 'http' | 'tcp',
  script: string,
  priority: number,
  vip: string,
): string {
  return [
    'trackers:',
    trackerYaml(kind, script),
    'instances:',
    '  - name: web',
    '    vrid: 88',
    '    interface: eth0',
    `    priority: ${priority}`,
    `    advertInterval: ${ADVERT_CS * 10}ms`,
    `    vips: [${vip}/24]`,
    '    track: [{ tracker: svc }]',
    '',
  ].join('\n');
}

describe.each(['script', 'http', 'tcp'] as const)(
  'a %s tracker moves the VIP with the service',
  (kind) => {
    it('stopping the service on the MASTER moves the VIP; starting it moves the VIP back', async (ctx) => {
      requireLab(ctx);
      const lab = await Lab.create({ hosts: 2 });
      labs.push(lab);
      const [h1, h2] = [lab.host(1), lab.host(2)];
      const vip = lab.address(100);
      const dir = labTempDir();
      // Root-owned, not group/world writable, in a 0700 directory: keepalived's script security.
      const script = join(dir, 'check-service.sh');
      writeFileSync(
        script,
        `#!/bin/bash\nexec 3<>/dev/tcp/127.0.0.1/${PORT} || exit 1\nprintf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3\nhead -1 <&3 | grep -q ' 200 '\n`,
      );
      chmodSync(script, 0o755);
      let s1 = startService(h1);
      startService(h2);
      await sleep(300);
      const a1: FloatdAgent = await startFloatd(h1, yaml(kind, script, 150, vip), dir);
      await a1.waitForState('master');
      const a2 = await startFloatd(h2, yaml(kind, script, 100, vip), dir);
      await a2.waitForState('backup');
      await sleep(3 * CHECK_MS);

      const skew = skewTimeMs(3, 100, ADVERT_CS);
      const boundMs = FALL * CHECK_MS + ADVERT_CS * 10 + skew + 200;
      const stoppedAt = Date.now();
      await s1.kill('SIGKILL');
      expect(await pollUntil(() => h2.hasAddress(vip), boundMs + 2000, 10)).toBe(true);
      const movedMs = Date.now() - stoppedAt;
      console.log(
        `${kind}: VIP on h2 ${movedMs} ms after the service stopped (bound ${boundMs.toFixed(0)} ms)`,
      );
      expect(movedMs).toBeLessThanOrEqual(boundMs);
      expect(await h1.hasAddress(vip)).toBe(false);

      const startedAt = Date.now();
      s1 = startService(h1);
      expect(await pollUntil(() => h1.hasAddress(vip), 10_000, 10)).toBe(true);
      const backMs = Date.now() - startedAt;
      const backBound = RISE * CHECK_MS + ADVERT_CS * 10 + skew + 300;
      console.log(
        `${kind}: VIP back on h1 ${backMs} ms after the service started (bound ${backBound.toFixed(0)} ms)`,
      );
      expect(backMs).toBeLessThanOrEqual(backBound);
      expect(a1.logs().some((l) => l.event === 'tracking')).toBe(true);
      await Promise.all([a1.proc.kill('SIGTERM'), a2.proc.kill('SIGTERM')]);
    });
  },
);
