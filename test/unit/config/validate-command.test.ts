// `floatd validate -c FILE`: exit codes 0 (valid), 1 (invalid or unreadable), 2 (usage).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { runValidate } from '../../../src/agent/cli/validate-command.js';
import { oneInstance } from './helpers.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '../../../examples');

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runValidate(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  });
  return { code, stdout, stderr };
}

describe('floatd validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'floatd-validate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('prints OK with a summary and returns 0', async () => {
    const path = file('ok.yaml', oneInstance());
    expect(await run(['-c', path])).toEqual({
      code: 0,
      stdout: `${path}: OK (1 instance: web vrid 51 on eth0 v3 ipv4 multicast)\n`,
      stderr: '',
    });
  });

  it('a script user or group this host lacks: valid, with a warning at its line', async () => {
    const text = `scriptUser: { user: floatd-no-such-user, group: root }\n${oneInstance()}`;
    const path = file('users.yaml', text);
    const result = await run(['-c', path]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${path}: OK`);
    expect(result.stderr).toBe(
      `${path}:1:21: warning: scriptUser.user: expected a user that exists on this host (/etc/passwd or ` +
        `getent passwd), got "floatd-no-such-user" (floatd run on this host would refuse it)\n`,
    );
    const known = await run([
      '-c',
      file('known.yaml', text.replace('floatd-no-such-user', 'root')),
    ]);
    expect(known.stderr).toBe('');
  });

  it('summarises several instances', async () => {
    const text =
      oneInstance() +
      '  - { name: db, vrid: 52, interface: eth1, version: 2, vips: [10.99.1.1/24], mode: unicast, unicast: { peers: [10.99.1.2] } }\n';
    const path = file('two.yaml', text);
    const result = await run(['--config', path]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `${path}: OK (2 instances: web vrid 51 on eth0 v3 ipv4 multicast, db vrid 52 on eth1 v2 ipv4 unicast)\n`,
    );
  });

  it('explains the order of the cloud claims, whatever the order in the file', async () => {
    const text = readFileSync(join(EXAMPLES, 'aws.yaml'), 'utf8').replace(
      /( {6}- type: secondary-ip\n)( {6}- type: elastic-ip\n.*\n)/,
      '$2$1',
    );
    expect(text).toMatch(/elastic-ip\n.*\n {6}- type: secondary-ip/);
    const result = await run(['-c', file('aws-reordered.yaml', text)]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(1)).toEqual([
      'web: cloud claims on becoming MASTER:',
      '  elastic-ip:eipalloc-0123456789abcdef0: claimed once secondary-ip:10.0.1.50 is accepted ' +
        '(the Elastic IP maps to that address, which must be on this ENI first)',
      '  secondary-ip:10.0.1.50: claimed at once',
      '  route-table:10.0.1.50/32@rtb-0123456789abcdef0: claimed at once',
      '',
    ]);
  });

  it('prints every problem on stderr and returns 1', async () => {
    const path = file('bad.yaml', oneInstance('priority: 300\nprioirty: 1'));
    const result = await run(['-c', path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `${path}:6:15: instances[0].priority: expected an integer from 1 to 255, got 300`,
        `${path}:7:5: instances[0].prioirty: unknown key 'prioirty' (did you mean 'priority'?)`,
        '',
      ].join('\n'),
    );
  });

  it('returns 1 for a file that cannot be read', async () => {
    const path = join(dir, 'nope.yaml');
    const result = await run(['-c', path]);
    expect(result.code).toBe(1);
    expect(result.stderr.startsWith(`${path}: cannot read: ENOENT`)).toBe(true);
  });

  it.each([
    [[], /missing -c FILE/],
    [['-c'], /argument missing|-c/],
    [['--bogus', '-c', 'x.yaml'], /bogus/],
    [['-c', 'a.yaml', 'extra'], /unexpected argument 'extra'/],
  ])('usage error for %j: returns 2 with the usage text', async (argv, why) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(why);
    expect(result.stderr).toContain('Usage: floatd validate -c FILE');
  });

  it('--help prints the usage and returns 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: floatd validate -c FILE');
    expect(result.stderr).toBe('');
  });
});
