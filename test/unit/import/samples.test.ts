// Every keepalived sample with a vrrp_instance (Debian's keepalived package, installed by .ci/run)
// converts, and the YAML is either valid floatd config or each schema problem is explained by a
// diagnostic the importer reported for that key path.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import type { TestContext } from 'vitest';

import { formatDiagnostic, importKeepalived } from '../../../src/agent/import/import-keepalived.js';
import { judge } from './sample-judge.js';

const SAMPLES = '/usr/share/doc/keepalived/samples';
function requireSamples(ctx: TestContext): void {
  if (existsSync(SAMPLES)) return;
  const reason = `${SAMPLES} is missing (apt-get install keepalived)`;
  if (process.env.CI === 'true') throw new Error(`CI must run this test, but: ${reason}`);
  console.warn(`skipping "${ctx.task.name}": ${reason}`);
  ctx.skip();
}

describe('keepalived samples', () => {
  it('converts every sample with a vrrp_instance; each schema problem is explained', async (ctx) => {
    requireSamples(ctx);
    const files = readdirSync(SAMPLES)
      .sort()
      .map((name) => join(SAMPLES, name))
      .filter(
        (file) => !file.endsWith('.gz') && readFileSync(file, 'latin1').includes('vrrp_instance'),
      );
    expect(files.length).toBeGreaterThan(0);
    const rows: string[] = [];
    const failures: string[] = [];
    const pending: string[] = [];
    for (const file of files) {
      const { yaml, diagnostics } = await importKeepalived(file, { configId: 'floatd-test' });
      expect(yaml).toContain('instances:');
      const { outcome, unexplained } = judge(yaml, diagnostics);
      const unsupported = diagnostics.filter((d) => d.severity === 'unsupported').length;
      rows.push(
        `${file.slice(SAMPLES.length + 1).padEnd(42)} ${outcome.padEnd(15)} ${unsupported} unsupported, ${diagnostics.length - unsupported} info`,
      );
      if (outcome === 'pending schema') pending.push(file);
      if (outcome === 'UNEXPLAINED') {
        failures.push(
          `${file}:\n  ${unexplained.join('\n  ')}\n  diagnostics:\n  ${diagnostics.map(formatDiagnostic).join('\n  ')}`,
        );
      }
    }
    console.log(`keepalived samples:\n${rows.join('\n')}`);
    if (pending.length > 0)
      console.log(`pending schema (issue-5 keys not yet known): ${pending.join(', ')}`);
    expect(failures).toEqual([]);
  });
});
