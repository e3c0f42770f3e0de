// `floatd import-keepalived`: YAML on stdout, diagnostics on stderr, then the result checked as
// `floatd validate` would, each remaining problem tied to the keepalived line it comes from.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runImport } from '../../../src/agent/cli/import-command.js';

const dir = mkdtempSync(join(tmpdir(), 'floatd-import-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(conf: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(dir, 'keepalived.conf');
  writeFileSync(file, conf);
  let stdout = '';
  let stderr = '';
  const code = await runImport([file], {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += `${s}\n`),
  });
  return { code, stdout, stderr };
}

const INSTANCE = [
  'vrrp_instance VI_1 {',
  '  interface eth0',
  '  virtual_router_id 51',
  '  priority 100',
  '  virtual_ipaddress {',
  '    10.0.0.1/24',
  '  }',
  '}',
];

describe('floatd import-keepalived', () => {
  it('says nothing more when the result validates', async () => {
    const { code, stdout, stderr } = await run(INSTANCE.join('\n'));
    expect(code).toBe(0);
    expect(stdout).toContain('vrid: 51');
    expect(stderr).not.toMatch(/does not validate/);
  });

  it('lists what still fails validation, with the keepalived line it comes from', async () => {
    const conf = ['vrrp_script chk {', '  interval 2', '}', ...INSTANCE].join('\n');
    const { code, stderr } = await run(conf);
    expect(code).toBe(0);
    expect(stderr).toMatch(/the result does not validate yet; fix this in floatd.yaml:/);
    expect(stderr).toMatch(
      new RegExp(
        `floatd.yaml:\\d+:\\d+: trackers\\[0\\]\\.script: .*\\(from ${dir}/keepalived.conf:1\\)`,
      ),
    );
  });
});
