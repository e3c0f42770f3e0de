// keepalived's script security on real files (needs root to own and chown them): every element
// of the path, as written and with symlinks resolved, must be root's and not writable by others.
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { checkScriptSecurity } from '../../../src/agent/track/script-security.js';
import { requireLab } from '../../lab/require-lab.js';

const NOBODY = 65534;
const dir = mkdtempSync(join(tmpdir(), 'floatd-secure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function needRoot(ctx: TestContext): void {
  requireLab(ctx, () => (process.getuid?.() === 0 ? undefined : 'needs root to own files'));
}

function file(path: string, mode = 0o755): string {
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, mode);
  return path;
}

describe('checkScriptSecurity', () => {
  it("accepts root's script in root's directories (a sticky /tmp on the way is fine)", async (ctx) => {
    needRoot(ctx);
    await expect(checkScriptSecurity(file(join(dir, 'ok.sh')))).resolves.toBeUndefined();
  });

  it.for([
    { name: 'world-writable', mode: 0o757, uid: 0, gid: 0, why: /world-writable/ },
    { name: 'group-writable', mode: 0o775, uid: 0, gid: NOBODY, why: /group-writable/ },
    { name: 'owned-by-another-user', mode: 0o755, uid: NOBODY, gid: 0, why: /uid 65534/ },
  ])('refuses a script that is $name', async ({ name, mode, uid, gid, why }, ctx) => {
    needRoot(ctx);
    const path = file(join(dir, `${name}.sh`), mode);
    chownSync(path, uid, gid);
    await expect(checkScriptSecurity(path)).rejects.toThrow(why);
  });

  it("refuses a symlink in a safe place that leads into another user's directory", async (ctx) => {
    needRoot(ctx);
    const theirs = join(dir, 'theirs');
    mkdirSync(theirs, { mode: 0o755 });
    chownSync(theirs, NOBODY, NOBODY);
    const target = file(join(theirs, 'script.sh'));
    const link = join(dir, 'link.sh');
    symlinkSync(target, link);
    await expect(checkScriptSecurity(link)).rejects.toThrow(/uid 65534/);
  });
});
