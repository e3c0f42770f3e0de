// Issue 14, Build 2, lab acceptance: "a notify script configured to run as nobody runs as nobody
// (it records its uid)". A real floatd in a lab namespace becomes MASTER; its notify_master
// writes `id -u`, `id -g` and `id -G`. keepalived.conf(5): `notify_master "/path" USER [GROUP]`
// runs the script as USER with its primary group; script_user (floatd's scriptUser) is the
// default for scripts without a user; a script's own user wins over it.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labTempDir, sleep, startFloatd } from '../../lab/agents.js';
import type { LabHost } from '../../lab/lab.js';
import { Lab } from '../../lab/lab.js';
import { requireLab } from '../lab/require-lab.js';

const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.destroy()));
});

const idOf = (...args: string[]): string => execFileSync('id', args, { encoding: 'utf8' }).trim();

/** One instance per entry: name, vrid and its `notify:` value. */
function config(lab: Lab, instances: readonly [string, number, string][], top = ''): string {
  return [
    ...(top === '' ? [] : [top]),
    'instances:',
    ...instances.flatMap(([name, vrid, notify]) => [
      `  - name: ${name}`,
      `    vrid: ${vrid}`,
      '    interface: eth0',
      '    advertInterval: 100ms',
      `    vips: [${lab.address(100 + vrid)}/24]`,
      `    notify: ${notify}`,
    ]),
    '',
  ].join('\n');
}

/**
 * Script security holds for the script (root-owned 0755 in a 0755 directory); what it writes
 * goes to a 0777 directory nobody can write to.
 */
function setUp(): { dir: string; record: string; out: string } {
  const dir = labTempDir();
  chmodSync(dir, 0o755);
  const out = join(dir, 'out');
  mkdirSync(out);
  chmodSync(out, 0o777);
  const record = join(dir, 'record-ids.sh');
  writeFileSync(record, `#!/bin/sh\necho "$(id -u) $(id -g) $(id -G)" > "${out}/$1"\n`);
  chmodSync(record, 0o755);
  return { dir, record, out };
}

async function recorded(file: string, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file) || readFileSync(file, 'utf8') === '') {
    if (Date.now() > deadline) throw new Error(`${file} not written in ${timeoutMs} ms`);
    await sleep(50);
  }
  return readFileSync(file, 'utf8').trim();
}

describe('notify scripts as a user, in the lab', () => {
  const nobody = `${idOf('-u', 'nobody')} ${idOf('-g', 'nobody')} ${idOf('-g', 'nobody')}`;

  it('a notify_master configured as nobody runs as nobody: uid, its primary group, no other group', async (ctx) => {
    requireLab(ctx);
    const lab = await Lab.create({ hosts: 1 });
    labs.push(lab);
    const h1 = lab.host(1) as LabHost;
    const { dir, record, out } = setUp();
    const agent = await startFloatd(
      h1,
      config(lab, [['own', 61, `{ master: { script: "${record} own", user: nobody } }`]]),
      dir,
    );
    await agent.waitForState('master', 5000);
    const ids = await recorded(join(out, 'own'));
    console.log(`notify-user: notify_master with user nobody recorded "uid gid groups" = ${ids}`);
    expect(ids).toBe(nobody);
    expect(ids.split(' ')[0]).not.toBe('0');
    expect(await agent.proc.kill('SIGTERM')).toBe(0);
  }, 20_000);

  it("scriptUser is the default; a script's own user wins over it", async (ctx) => {
    requireLab(ctx);
    const lab = await Lab.create({ hosts: 1 });
    labs.push(lab);
    const h1 = lab.host(1) as LabHost;
    const { dir, record, out } = setUp();
    const agent = await startFloatd(
      h1,
      config(
        lab,
        [
          ['dflt', 62, `{ master: "${record} default" }`],
          ['root', 63, `{ master: { script: "${record} root", user: root } }`],
        ],
        'scriptUser: { user: nobody }',
      ),
      dir,
    );
    const [viaDefault, viaOwn] = await Promise.all([
      recorded(join(out, 'default')),
      recorded(join(out, 'root')),
    ]);
    console.log(`notify-user: scriptUser nobody -> "${viaDefault}"; own user root -> "${viaOwn}"`);
    expect(viaDefault).toBe(nobody);
    expect(viaOwn).toBe('0 0 0');
    expect(await agent.proc.kill('SIGTERM')).toBe(0);
  }, 20_000);
});
