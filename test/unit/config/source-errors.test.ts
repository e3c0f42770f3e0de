// YAML-level problems and reporting: syntax errors, duplicate and unknown keys, several errors
// at once, unreadable files, the message format.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { ConfigError, loadConfigFile } from '../../../src/agent/config/load-config.js';
import { FloatdError } from '../../../src/agent/errors.js';
import { configError, expectOneIssue, marked, oneInstance } from './helpers.js';

describe('YAML syntax', () => {
  it('reports a syntax error with its line and column, and nothing else', () => {
    const { text, marks } = marked('instances:\n  - name: [web\n    @@vrid: 51\n');
    const err = configError(text);
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ file: 'floatd.yaml', path: '', ...marks[0] });
    expect(err.issues[0]?.message).toMatch(/^YAML: .*Flow sequence/);
    expect(err.message).toMatch(/^floatd\.yaml:3:5: YAML: /);
  });

  it('reports a bad indentation on its line', () => {
    const err = configError('instances:\n  - name: web\n   vrid: 51\n');
    expect(err.issues[0]?.line).toBe(3);
    expect(err.issues[0]?.message).toMatch(/^YAML: /);
  });

  it('reports an empty file at 1:1', () => {
    expect(configError('').message).toBe(
      'floatd.yaml:1:1: expected a mapping with an "instances" list, got an empty value',
    );
  });
});

describe('anchors and aliases', () => {
  it('a problem inside an aliased mapping is reported for each use: at the anchor, at the alias', () => {
    const { text, marks } = marked(
      oneInstance('garp: &g\n  masterRepeat: @@0') +
        '  - { name: db, vrid: 52, interface: eth0, vips: [10.99.0.2/24], garp: @@*g }\n',
    );
    const err = configError(text);
    const message = 'expected an integer from 1 to 255, got 0';
    expect(err.issues).toEqual([
      { file: 'floatd.yaml', ...marks[0], path: 'instances[0].garp.masterRepeat', message },
      { file: 'floatd.yaml', ...marks[1], path: 'instances[1].garp.masterRepeat', message },
    ]);
  });

  it('refuses an alias expansion bomb', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 6; i += 1) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const err = configError(lines.join('\n'));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.message).toMatch(/^YAML: .*alias/i);
  });
});

describe('keys', () => {
  it('a duplicate key is an error at the second one', () => {
    expectOneIssue(
      oneInstance('priority: 150\n@@priority: 200'),
      'instances[0].priority',
      /^duplicate key 'priority' \(first given on line 6\)$/,
    );
  });

  it('an unknown key suggests the closest known one', () => {
    expectOneIssue(
      oneInstance('@@prioirty: 150'),
      'instances[0].prioirty',
      /^unknown key 'prioirty' \(did you mean 'priority'\?\)$/,
    );
  });

  it('suggests across snake_case and case', () => {
    expectOneIssue(
      oneInstance('@@advert_interval: 1s'),
      'instances[0].advert_interval',
      /did you mean 'advertInterval'\?/,
    );
  });

  it('an unknown nested key lists the known ones when none is close', () => {
    expectOneIssue(
      oneInstance('garp:\n  @@bogus: 1'),
      'instances[0].garp.bogus',
      /^unknown key 'bogus' \(expected one of: masterDelay, masterRepeat, masterRefresh, masterRefreshRepeat, interval\)$/,
    );
  });

  it('an unknown top-level key', () => {
    expectOneIssue(
      `@@instance: []\n${oneInstance()}`,
      'instance',
      /^unknown key 'instance' \(did you mean 'instances'\?\)$/,
    );
  });

  it('an unknown key in a VIP mapping', () => {
    expectOneIssue(
      oneInstance('', '[{ address: 10.99.0.1/24, @@lable: "eth0:a" }]'),
      'instances[0].vips[0].lable',
      /did you mean 'label'\?/,
    );
  });
});

describe('several errors at once', () => {
  it('reports every problem, in text order, one per line of the message', () => {
    const text = [
      'log:', //                                1
      '  level: loud', //                       2
      'instances:', //                          3
      '  - name: web', //                       4
      '    vrid: 51', //                        5
      '    interface: eth0', //                 6
      '    vips: [10.99.0.100/24]', //          7
      '    prioirty: 1', //                     8
      '  - name: web', //                       9
      '    vrid: 300', //                       10
      '    interface: eth0', //                 11
      '    priority: 300', //                   12
      '    version: 2', //                      13
      '    vips: ["2001:db8::1/64"]', //        14
      '',
    ].join('\n');
    const err = configError(text);
    expect(err).toBeInstanceOf(FloatdError);
    expect(err.code).toBe('FLOATD_ERR_CONFIG');
    expect(err.message.split('\n')).toEqual([
      'floatd.yaml:2:10: log.level: expected one of trace, debug, info, warn, error, got "loud"',
      "floatd.yaml:8:5: instances[0].prioirty: unknown key 'prioirty' (did you mean 'priority'?)",
      'floatd.yaml:9:11: instances[1].name: duplicate instance name "web" (also instances[0])',
      'floatd.yaml:10:11: instances[1].vrid: expected an integer from 1 to 255, got 300',
      'floatd.yaml:12:15: instances[1].priority: expected an integer from 1 to 255, got 300',
      'floatd.yaml:13:14: instances[1].version: version 2 is IPv4 only (RFC 3768) and the VIPs are IPv6: use version 3',
    ]);
    expect(err.issues).toHaveLength(6);
    expect(err.issues[4]).toEqual({
      file: 'floatd.yaml',
      line: 12,
      column: 15,
      path: 'instances[1].priority',
      message: 'expected an integer from 1 to 255, got 300',
    });
  });

  it('a duplicate key and a bad value in the same file are both reported', () => {
    const err = configError(oneInstance('mode: auto\nmode: multicast\npriority: 0'));
    expect(err.issues.map((i) => i.path)).toEqual(['instances[0].mode', 'instances[0].priority']);
  });
});

describe('files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'floatd-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing file is a ConfigError naming the file', async () => {
    const path = join(dir, 'missing.yaml');
    const err = await loadConfigFile(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot read: ENOENT`),
    );
    expect((err as ConfigError).issues).toEqual([
      expect.objectContaining({ file: path, line: 0, column: 0, path: '' }),
    ]);
  });

  it('names the file in every issue', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, oneInstance('priority: 300'));
    await expect(loadConfigFile(path)).rejects.toThrow(
      `${path}:6:15: instances[0].priority: expected an integer from 1 to 255, got 300`,
    );
  });
});
