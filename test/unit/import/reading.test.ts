// Issue 14, Build 1: the importer reads keepalived.conf as keepalived's parser does (parameters,
// conditionals, escapes, includes) and no input crashes it or is called unreadable.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import {
  formatDiagnostic,
  importKeepalived,
  KeepalivedImportError,
} from '../../../src/agent/import/import-keepalived.js';
import { importText, importTree, removeTree, writeTree } from './helpers.js';

type Data = { instances: Record<string, unknown>[] };

const INSTANCE = (body: string): string =>
  `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  virtual_ipaddress {\n    10.0.0.1/24\n  }\n${body}\n}\n`;

describe('parameters (keepalived.conf(5) "Parameter substitution")', () => {
  it('substitutes $NAME before white space and ${NAME} anywhere, recursively, at use time', async () => {
    // The man page's own example: ${ADDRESS_BASE} is replaced when used, not when defined.
    const { yaml, diagnostics } = await importText(
      [
        '$IF=eth1',
        '$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}',
        '$ADDRESS_BASE_SUB=0',
        'vrrp_instance VI_1 {',
        '  interface $IF',
        '  virtual_router_id 51',
        '  virtual_ipaddress {',
        '    ${ADDRESS_BASE}.100/32',
        '$ADDRESS_BASE_SUB=10',
        '    ${ADDRESS_BASE}.100/32',
        '    $UNDEFINED',
        '  }',
        '}',
      ].join('\n'),
    );
    const data = parse(yaml) as Data;
    expect(data.instances[0]).toMatchObject({
      interface: 'eth1',
      vips: ['10.2.0.100/32', '10.2.10.100/32', '$UNDEFINED'],
    });
    // "If a parameter is not defined, it will not be replaced at all": said, as info.
    expect(diagnostics.map((d) => `${d.line} ${d.severity} ${d.keyword}`)).toEqual([
      '11 info $UNDEFINED',
    ]);
  });

  it('works with conditional lines: "@main $PRIORITY=240" and a parameter holding "@main"', async () => {
    const { yaml } = await importText(
      `@test $PRIORITY=240\n@other $PRIORITY=200\n$IF_TEST=@test\n$IF_OTHER=@other\n${INSTANCE('  priority $PRIORITY\n  $IF_OTHER advert_int 3\n  $IF_TEST advert_int 2')}`,
    );
    expect((parse(yaml) as Data).instances[0]).toMatchObject({
      priority: 240,
      advertInterval: '2s',
    });
  });

  it('expands a multiline definition where its reference ends the line (lines ending in "\\")', async () => {
    // keepalived.conf(5): "Multiline definitions are also supported ... by ending each line
    // except the last with a '\' character"; each expanded line is read as a line of its own.
    const { yaml, diagnostics } = await importText(
      [
        '$INSTANCE= \\',
        'vrrp_instance VI_${NUM} { \\',
        '    interface eth0.${NUM} \\',
        '    virtual_router_id 1${NUM} \\',
        '    @test priority 130 \\',
        '    @other priority 120 \\',
        '    virtual_ipaddress { \\',
        '        10.0.${NUM}.254/24 \\',
        '    } \\',
        '}',
        '',
        '$NUM=0',
        '$INSTANCE',
        '$NUM=1',
        '$INSTANCE',
      ].join('\n'),
    );
    const data = parse(yaml) as Data;
    expect(data.instances.map((i) => [i.name, i.interface, i.vrid, i.priority, i.vips])).toEqual([
      ['VI_0', 'eth0.0', 10, 130, ['10.0.0.254/24']],
      ['VI_1', 'eth0.1', 11, 130, ['10.0.1.254/24']],
    ]);
    // Lines from an expansion carry the line of the reference.
    expect(diagnostics.map((d) => `${d.line} ${d.keyword}`)).toEqual(['13 @other', '15 @other']);
  });

  it('refuses a parameter that never stops expanding, or one only keepalived can know', async () => {
    const { diagnostics, file } = await importText(
      `$A=x $A\n$B=\${B}\n${INSTANCE('  priority ${_RANDOM 1 200}\n  advert_int $A\n  preempt_delay $B')}`,
    );
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(new RegExp(`^${file}:9: unsupported: priority: .*_RANDOM.*left out`)),
      expect.stringMatching(/:10: unsupported: advert_int: .*longer than keepalived's 1023 bytes/),
      expect.stringMatching(/:11: unsupported: preempt_delay: .*does not end/),
    ]);
  });

  it('knows ${_PWD}, ${_INSTANCE}, ${_HASH} and ${_BANG}', async () => {
    const { yaml, file } = await importText(
      INSTANCE('  notify_master "${_PWD}/n.sh ${_INSTANCE} a${_HASH}b${_BANG}"'),
    );
    const dir = file.slice(0, file.lastIndexOf('/'));
    const notify = (parse(yaml) as Data).instances[0]?.notify;
    expect(notify).toEqual({ master: `${dir}/n.sh test a#b!` });
  });

  it('refuses ~SEQ and ~LST lines with their line', async () => {
    const { diagnostics } = await importText(`~SEQ(N, 1, 3) $X=\${N}\n${INSTANCE('')}`);
    expect(diagnostics.map((d) => `${d.line} ${d.keyword} ${d.severity}`)).toEqual([
      '1 ~SEQ unsupported',
    ]);
  });
});

describe('escapes outside quotes (keepalived parser: "\\!" and "\\#" are the characters)', () => {
  it('keeps auth_pass ab\\!cd whole', async () => {
    const { yaml, diagnostics } = await importText(
      INSTANCE('  authentication {\n    auth_type PASS\n    auth_pass ab\\!cd\n  }'),
    );
    expect((parse(yaml) as Data).instances[0]?.authentication).toEqual({
      type: 'pass',
      password: 'ab!cd',
    });
    expect(diagnostics).toEqual([]);
  });
});

describe('includes', () => {
  it('reports a file that includes itself once, and imports it once', async () => {
    const { yaml, diagnostics, dir } = await importTree({
      'keepalived.conf': `include keepalived.conf\n${INSTANCE('')}`,
    });
    const file = join(dir, 'keepalived.conf');
    expect((parse(yaml) as Data).instances).toHaveLength(1);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      `${file}:1: unsupported: include: an include loop (${file} -> ${file}): ${file} is already being read, so it is not read again`,
    ]);
  });

  it('reports a loop through another file at the line that closes it', async () => {
    const { yaml, diagnostics, dir } = await importTree(
      { 'a.conf': `include b.conf\n${INSTANCE('')}`, 'b.conf': 'include a.conf\ninclude a.conf\n' },
      'a.conf',
    );
    expect((parse(yaml) as Data).instances).toHaveLength(1);
    expect(diagnostics.map((d) => `${d.file.slice(dir.length + 1)}:${d.line}`)).toEqual([
      'b.conf:1',
      'b.conf:2',
    ]);
  });

  it('refuses an included binary file as not text, echoing none of its bytes', async () => {
    const { diagnostics, dir } = await importTree({
      'keepalived.conf': `include bin.conf\n${INSTANCE('')}`,
      'bin.conf': Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0x00, 0xff]),
    });
    expect(diagnostics.map((d) => d.message)).toEqual([
      `${join(dir, 'bin.conf')} is not text (a NUL byte on line 1): not included`,
    ]);
  });
});

describe('input no parser should choke on', () => {
  it('20,000 nested blocks: one precise report, no stack overflow', async () => {
    const deep = `${'a {\n'.repeat(20_000)}${'}\n'.repeat(20_000)}${INSTANCE('')}`;
    const { yaml, diagnostics } = await importText(deep);
    expect((parse(yaml) as Data).instances).toHaveLength(1);
    const nested = diagnostics.filter((d) => d.message.includes('nested more than 64'));
    expect(nested.map((d) => d.line)).toEqual([65]);
  });

  it('a 300 KB line: ignored as keepalived ignores a line over 1022 bytes, with its line', async () => {
    const longest = `router_id ${'r'.repeat(1012)}`; // 1022 bytes: keepalived still reads it
    const { yaml, diagnostics } = await importText(
      `${'x'.repeat(300_000)}\nglobal_defs {\n${longest}\n}\n${INSTANCE('')}`,
    );
    expect((parse(yaml) as Data).instances).toHaveLength(1);
    expect(diagnostics.map((d) => `${d.line} ${d.keyword} ${d.message.slice(0, 60)}`)).toEqual([
      '1 line 300000 bytes long: keepalived reads lines of at most 1022 by',
      '3 router_id a name for e-mail alerts and logs: floatd has no equivalent;',
    ]);
  });

  it('a binary main file: refused as not text, no raw bytes in the message', async () => {
    const dir = await writeTree({});
    try {
      const file = join(dir, 'keepalived.conf');
      await writeFile(file, Buffer.from([0x1b, 0x5d, 0x30, 0x3b, 0x07, 0x80, 0xfe, 0x0a]));
      const error = await importKeepalived(file).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'FLOATD_ERR_IMPORT' });
      expect((error as Error).message).toBe(
        `${file} is not text (bytes that are not UTF-8 on line 1, outside a comment; if the ` +
          'file is Latin-1, convert it first: iconv -f latin1 -t utf-8)',
      );
    } finally {
      await removeTree(dir);
    }
  });

  // keepalived reads bytes; floatd.yaml is UTF-8. Latin-1 remarks (older files) go with their
  // comments; a value that is not UTF-8 is refused with its line, never re-encoded silently.
  it('a Latin-1 comment keeps its line: 401 bytes in the file, however long decoded', async () => {
    const dir = await writeTree({});
    try {
      const file = join(dir, 'keepalived.conf');
      const body = `  priority 150 # ${'\xe9'.repeat(385)}`;
      await writeFile(file, Buffer.from(INSTANCE(body), 'latin1'));
      const { yaml, diagnostics } = await importKeepalived(file);
      expect(diagnostics.filter((d) => d.message.includes('bytes long'))).toEqual([]);
      expect((parse(yaml) as Data).instances[0]?.priority).toBe(150);
    } finally {
      await removeTree(dir);
    }
  });

  it.each([
    ['comments only: imported', '# Konfiguration f\xfcr Router\n! caf\xe9\n', undefined],
    ['a comment after a value: imported', 'global_defs { # r\xe9seau\n}\n', undefined],
    ['in a value: refused at its line', '\n\nglobal_defs {\n router_id caf\xe9\n}\n', 4],
    ['after a quoted "#": refused', 'global_defs {\n router_id "a#\xe9"\n}\n', 2],
    // keepalived ignores a line over 1022 bytes, whatever it holds: so does the import.
    ['on a line too long to read: ignored', `${'\xe9'.repeat(1100)}\n`, undefined],
  ])('bytes that are not UTF-8, %s', async (_name, head, refusedLine) => {
    const dir = await writeTree({});
    try {
      const file = join(dir, 'keepalived.conf');
      await writeFile(
        file,
        Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(INSTANCE(''))]),
      );
      const result = await importKeepalived(file).catch((e: unknown) => e);
      if (refusedLine === undefined) {
        const { yaml } = result as { yaml: string };
        expect((parse(yaml) as Data).instances).toHaveLength(1);
      } else {
        expect(result).toMatchObject({ code: 'FLOATD_ERR_IMPORT' });
        expect((result as Error).message).toContain(
          `bytes that are not UTF-8 on line ${refusedLine}, outside a comment`,
        );
      }
    } finally {
      await removeTree(dir);
    }
  });

  it('escapes control characters in every diagnostic that quotes input', async () => {
    const { diagnostics } = await importText(`\x1b[2Jbogus_keyword \x07\n${INSTANCE('')}`);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringContaining(': unsupported: \\x1b[2Jbogus_keyword: '),
    ]);
    const printed = diagnostics.map(formatDiagnostic).join('');
    expect([...printed].filter((c) => c < ' ' || (c >= '\x7f' && c <= '\x9f'))).toEqual([]);
  });

  // Pieces of keepalived syntax in any order (braces unbalanced, parameters that refer to
  // themselves, quotes left open, includes of the file itself, control bytes): the import
  // either converts, or refuses the file as not text; it never throws anything else.
  it('any mix of keepalived syntax converts or is refused, never crashes', async () => {
    const atoms = [
      ...['vrrp_instance', 'VI_1', '{', '}', '\n', ' ', '$A=', '$A', '${A}', '$B=$A \\', '\\'],
      ...['!', '#', '"', "'", '@test', '@^x', 'include', 'keepalived.conf', '~SEQ(', 'state'],
      ...['MASTER', 'priority', '255', 'nopreempt', 'virtual_ipaddress', '10.0.0.1', 'fd00::1'],
      ...['track_script', 'chk', 'vrrp_script', 'script', 'auth_type', 'AH', 'notify_master'],
      ...['\x1b', '\x00', '\ud800', 'é'],
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...atoms), { maxLength: 60 }), async (parts) => {
        try {
          await importText(parts.join(''));
        } catch (error) {
          if (!(error instanceof KeepalivedImportError)) throw error;
          expect(error.message).toMatch(/ is not text \(/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
