// Issue 12: the test scaffolding (lab/: the namespace lab, the demo, the EC2 emulator) never
// reaches the release. The release's JavaScript is what esbuild bundles from floatd's entries
// (infra/release/bundle.ts); its metafile names every source file that went in. The tarball
// itself is listed by the clean-host test, which builds it.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from '../../infra/release/bundle.js';
import { PACKAGE_ROOT } from '../../src/agent/package-root.js';
import { SCAFFOLDING_MARKERS } from './scaffolding-markers.js';

describe("the release's code", () => {
  const outDir = mkdtempSync(join(tmpdir(), 'floatd-bundle-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('is bundled from src/ and dependencies only: nothing of lab/', async () => {
    const { inputs, outputs } = await bundle(PACKAGE_ROOT, outDir, 24);
    expect(inputs.length).toBeGreaterThan(100);
    expect(inputs.some((i) => i.startsWith('src/agent/cli/main.ts'))).toBe(true);
    expect(inputs.filter((i) => i.startsWith('lab/') || i.includes('/lab/'))).toEqual([]);
    expect(inputs.filter((i) => i.startsWith('test/'))).toEqual([]);
    const files = readdirSync(outDir);
    expect(files).toContain('main.js');
    expect(files.filter((f) => /prober|demo|emulator/.test(f))).toEqual([]);
    for (const file of outputs.filter((o) => o.endsWith('.js'))) {
      const text = readFileSync(join(PACKAGE_ROOT, file), 'utf8');
      const found = SCAFFOLDING_MARKERS.filter((m) => text.includes(m));
      expect(found, relative(outDir, join(PACKAGE_ROOT, file))).toEqual([]);
    }
  }, 60_000);
});
