// The command line's entry: its version line.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = join(root, 'src/agent/cli/main.ts');

function floatd(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { cwd: root },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('floatd (main)', () => {
  it('--version, -V and version print the package version and the runtime', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const arg of ['--version', '-V', 'version']) {
      const r = await floatd([arg]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(`floatd ${version} (Node.js ${process.version})`);
    }
  });
});
