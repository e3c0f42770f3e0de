// floatd's native addon: where the loader looks (from src/ and from a tsc build in
// dist/), the error naming the missing file, errno codes on failures. Its sockets and the
// close-on-exec marking need CAP_NET_RAW: test/integration/io/close-on-exec.test.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NativeAddonMissingError } from '../../../src/agent/native/errors.js';
import {
  addonCandidates,
  loadNativeAddon,
  nativeAddon,
} from '../../../src/agent/native/native-addon.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const built = join(repoRoot, 'native/floatd-native/build/Release/floatd_native.node');
const scratch = mkdtempSync(join(tmpdir(), 'floatd-addon-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('native addon loader', () => {
  it('resolves the build output from src/agent/native and from dist/src/agent/native', () => {
    expect(addonCandidates(join(repoRoot, 'src/agent/native'))).toContain(built);
    expect(addonCandidates(join(repoRoot, 'dist/src/agent/native'))).toContain(built);
  });

  it("a release's bundle (lib/floatd/app) finds it under lib/floatd, its package root", () => {
    const lib = join(scratch, 'release/lib/floatd');
    mkdirSync(join(lib, 'app'), { recursive: true });
    writeFileSync(join(lib, 'package.json'), JSON.stringify({ name: 'floatd', version: '1.2.3' }));
    expect(addonCandidates(join(lib, 'app'))).toEqual([
      join(lib, 'native/floatd-native/build/Release/floatd_native.node'),
    ]);
  });

  it('outside any floatd package there is no candidate', () => {
    expect(addonCandidates(tmpdir())).toEqual([]);
  });

  it('a missing addon is FLOATD_ERR_NATIVE_ADDON_MISSING naming every path looked at', () => {
    const paths = [join(scratch, 'a/floatd_native.node'), join(scratch, 'b/floatd_native.node')];
    let thrown: unknown;
    try {
      loadNativeAddon(paths);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(NativeAddonMissingError);
    expect(thrown).toMatchObject({ code: 'FLOATD_ERR_NATIVE_ADDON_MISSING', paths });
    expect((thrown as Error).message).toContain(paths[0]);
    expect((thrown as Error).message).toContain('npm ci');
  });

  it('a file that is not a loadable addon is the same error, with the loader’s reason', () => {
    const junk = join(scratch, 'floatd_native.node');
    writeFileSync(junk, 'not an ELF file');
    expect(() => loadNativeAddon([junk])).toThrow(/cannot load .*floatd_native\.node/);
  });

  it('is built by npm ci and loads from the sources', () => {
    const addon = nativeAddon();
    expect(Object.keys(addon).sort()).toEqual([
      'changeAddress',
      'close',
      'hardwareAddress',
      'interfaceIndex',
      'markSocketsCloseOnExec',
      'open',
      'pageOutReadOnlyData',
      'receiveAgeNs',
      'releaseOnSignal',
      'releasedBySignal',
      'send',
      'setRelease',
      'trimMemory',
    ]);
    expect(addon.interfaceIndex('lo')).toBe(1);
  });

  it('turns failures into exceptions with the errno name, number and system call', () => {
    const addon = nativeAddon();
    expect(() => addon.interfaceIndex('floatd-none0')).toThrow(
      expect.objectContaining({ code: 'ENODEV', errno: 19, syscall: 'if_nametoindex' }),
    );
    expect(() => addon.close(1_000_000)).toThrow(expect.objectContaining({ code: 'EBADF' }));
    expect(() => addon.open(-1)).toThrow(TypeError);
  });
});

describe('start-up memory handed back (memory_trim.cc)', () => {
  it('malloc_trim answers, and the runtime has read-only data to page out', () => {
    const addon = nativeAddon();
    expect(typeof addon.trimMemory()).toBe('boolean');
    // node's executable maps its .rodata (V8 snapshot, ICU data) read-only: megabytes of it.
    expect(addon.pageOutReadOnlyData()).toBeGreaterThan(1024 * 1024);
    // Paged-out pages come back on use: this process goes on running JavaScript.
    expect(new Intl.NumberFormat('de-DE').format(1234.5)).toBe('1.234,5');
  });
});
