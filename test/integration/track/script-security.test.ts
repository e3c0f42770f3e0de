// keepalived enable_script_security and script `user`: needs root (chown, setuid), so it runs
// under requireLab.
import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireLab } from '../../lab/require-lab.js';
import { ScriptInsecureError } from '../../../src/agent/track/errors.js';
import { runScriptCheck } from '../../../src/agent/track/script-check.js';
import { checkScriptSecurity } from '../../../src/agent/track/script-security.js';
import type { ScriptTrackerConfig } from '../../../src/agent/track/types.js';

const NOGROUP = 65534;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floatd-trksec-'));
  await chmod(dir, 0o755); // `nobody` must reach its script
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function script(path: string, body = 'exit 0'): Promise<ScriptTrackerConfig> {
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return {
    name: 'chk',
    type: 'script',
    script: path,
    intervalMs: 1000,
    timeoutMs: 2000,
    weight: 0,
    rise: 1,
    fall: 1,
  };
}

async function insecurity(path: string): Promise<ScriptInsecureError> {
  const error = await checkScriptSecurity(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScriptInsecureError);
  return error as ScriptInsecureError;
}

describe('script security', () => {
  it('refuses a group-writable script (non-root group) and names path and mode', async (ctx) => {
    requireLab(ctx);
    const config = await script(join(dir, 'gw.sh'));
    await chown(config.script, 0, NOGROUP);
    await chmod(config.script, 0o775);
    const error = await insecurity(config.script);
    expect(error.code).toBe('FLOATD_ERR_TRACK_SCRIPT_INSECURE');
    expect(error.path).toBe(config.script);
    expect(error.message).toContain(`${config.script} (mode 0775) is group-writable`);
    const outcome = await runScriptCheck(config);
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toContain('refusing to run');
  });

  it('refuses a script below a world-writable directory and names the directory', async (ctx) => {
    requireLab(ctx);
    const open = join(dir, 'open');
    await mkdir(open);
    await chmod(open, 0o777);
    const config = await script(join(open, 'ok.sh'));
    const error = await insecurity(config.script);
    expect(error.path).toBe(open);
    expect(error.message).toContain('(mode 0777) is world-writable');
  });

  it('refuses a script not owned by root', async (ctx) => {
    requireLab(ctx);
    const config = await script(join(dir, 'owned.sh'));
    await chown(config.script, 65534, 0);
    expect((await insecurity(config.script)).message).toContain('owned by uid 65534');
  });

  it('accepts root-owned scripts, group write for the root group, and sticky dirs like /tmp', async (ctx) => {
    requireLab(ctx);
    const config = await script(join(dir, 'fine.sh'));
    await chmod(config.script, 0o775); // group root: keepalived allows it
    await expect(checkScriptSecurity(config.script)).resolves.toBeUndefined();
    expect(await runScriptCheck(config)).toEqual({ ok: true });
  });

  it("refuses a symlink in a safe place that leads into another user's directory", async (ctx) => {
    requireLab(ctx);
    const theirs = join(dir, 'theirs');
    await mkdir(theirs);
    await chown(theirs, 65534, NOGROUP);
    const target = await script(join(theirs, 'script.sh'));
    const link = join(dir, 'link.sh');
    await symlink(target.script, link);
    const error = await insecurity(link);
    expect(error.path).toBe(theirs);
    expect(error.message).toContain('owned by uid 65534');
  });

  it('runs the script as the configured user', async (ctx) => {
    requireLab(ctx);
    const config = await script(
      join(dir, 'whoami.sh'),
      '[ "$(id -u)" = 65534 ] && [ "$(id -g)" = 65534 ]',
    );
    expect(await runScriptCheck(config)).toMatchObject({ ok: false });
    expect(await runScriptCheck({ ...config, user: 'nobody' })).toEqual({ ok: true });
    const unknown = await runScriptCheck({ ...config, user: 'no-such-user-floatd' });
    expect(unknown).toMatchObject({ ok: false });
    expect(unknown.detail).toContain('no-such-user-floatd');
  });
});
