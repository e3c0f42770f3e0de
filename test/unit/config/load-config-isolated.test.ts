// `floatd run` reads its configuration in a worker thread (the parser and schema stay out of the
// agent's heap): the worker's answer must be exactly loadConfigFile's, errors included.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/agent/config/config-error.js';
import { loadConfigIsolated } from '../../../src/agent/config/load-config-isolated.js';
import { loadConfigFile } from '../../../src/agent/config/load-config.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'floatd-config-worker-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function failure(load: () => Promise<unknown>): Promise<unknown> {
  try {
    await load();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('configuration read in a worker', () => {
  it.each(['floatd.yaml', 'unicast.yaml', 'aws.yaml'])(
    'examples/%s: the same configuration',
    async (name) => {
      const path = join(repoRoot, 'examples', name);
      expect(await loadConfigIsolated(path)).toEqual(await loadConfigFile(path));
    },
  );

  it('an invalid file: the same ConfigError, every issue with file:line', async () => {
    const path = join(scratch, 'bad.yaml');
    writeFileSync(
      path,
      'instances:\n  - name: web\n    vrid: 300\n    interface: eth0\n    vips: [nope]\n',
    );
    const inWorker = await failure(() => loadConfigIsolated(path));
    const inProcess = await failure(() => loadConfigFile(path));
    expect(inWorker).toBeInstanceOf(ConfigError);
    expect((inWorker as ConfigError).code).toBe('FLOATD_ERR_CONFIG');
    expect((inWorker as ConfigError).issues).toEqual((inProcess as ConfigError).issues);
    expect((inWorker as ConfigError).message).toContain(`${path}:3:`);
  });

  it('a file that cannot be read: ConfigError naming it', async () => {
    const path = join(scratch, 'absent.yaml');
    const error = await failure(() => loadConfigIsolated(path));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`${path}: cannot read`);
  });

  it('for run and reload, also refuses a script user this host does not have (issue 14)', async () => {
    const path = join(scratch, 'user.yaml');
    writeFileSync(
      path,
      'scriptUser: { user: floatd-no-such-user }\ninstances:\n  - { name: web, vrid: 1, interface: eth0, vips: [10.0.0.1/24] }\n',
    );
    // Valid as a file (floatd validate, import, plan), refused by the worker that starts an agent.
    expect(await loadConfigFile(path)).toBeDefined();
    const error = await failure(() => loadConfigIsolated(path));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `${path}:1:21: scriptUser.user: expected a user that exists on this host (/etc/passwd or getent passwd), got "floatd-no-such-user"`,
    );
  });
});
