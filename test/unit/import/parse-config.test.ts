import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import fc from 'fast-check';
import { commentStart, decomment } from '../../../src/agent/import/decomment.js';
import { expandBraces } from '../../../src/agent/import/glob.js';
import { tokenizeLine } from '../../../src/agent/import/lexer.js';
import { splitScriptWords } from '../../../src/agent/notify/script-command.js';
import { parseKeepalivedConfig } from '../../../src/agent/import/parse-config.js';
import { removeTree, writeTree } from './helpers.js';

// A line as the parser sees it: comments removed (decomment), then split into words.
const words = (line: string): string[] => tokenizeLine(decomment(line), 'f', 1).map((t) => t.text);

describe('decomment and tokenizeLine (keepalived.conf(5) DESCRIPTION, "Quoted strings")', () => {
  it('ends the line at # or ! outside double quotes, anywhere in the line', () => {
    expect(words('priority 100 # comment')).toEqual(['priority', '100']);
    expect(words('priority 100! comment')).toEqual(['priority', '100']);
    expect(words('! whole line')).toEqual([]);
    expect(words('auth_pass "a#b!c"')).toEqual(['auth_pass', 'a#b!c']);
  });

  // keepalived's parser (decomment): outside double quotes "\!" and "\#" are the characters
  // themselves; any other backslash pair is left as written; single quotes do not protect.
  it('reads \\! and \\# outside quotes as the characters, other escapes as written', () => {
    expect(words('auth_pass ab\\!cd')).toEqual(['auth_pass', 'ab!cd']);
    expect(words('auth_pass a\\#b # note')).toEqual(['auth_pass', 'a#b']);
    expect(words('auth_pass a\\cb')).toEqual(['auth_pass', 'a\\cb']);
    expect(words("auth_pass 'a!b'")).toEqual(['auth_pass', 'a']);
    expect(decomment('  $X=a b  \\')).toBe('$X=a b\\');
  });

  it('commentStart finds the comment decomment drops: what comes before it decomments the same', () => {
    expect(commentStart('priority 100 # x')).toBe(13);
    expect(commentStart('auth_pass "a#b" ! x')).toBe(16);
    expect(commentStart('auth_pass a\\#b')).toBe(-1);
    const piece = fc.constantFrom('a', ' ', '"', '#', '!', '\\', '\t', 'é');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const line = pieces.join('');
        const cut = commentStart(line);
        const before = cut < 0 ? line : line.slice(0, cut);
        expect(decomment(before)).toBe(decomment(line));
        if (cut >= 0) expect('#!').toContain(line.charAt(cut));
      }),
      { numRuns: 2000 },
    );
  });

  it('splits a brace outside quotes from the word it touches, as keepalived splits the line', () => {
    expect(words('vrrp_instance VI_1{')).toEqual(['vrrp_instance', 'VI_1', '{']);
  });

  it('removes quotes, keeps quoted whitespace, and joins a quote started mid-word', () => {
    expect(words(`abcd" efg h jkl "mnop`)).toEqual(['abcd efg h jkl mnop']);
    expect(words(`abcd "efg h jkl" mnop`)).toEqual(['abcd', 'efg h jkl', 'mnop']);
    expect(words(`x 'a "b"'`)).toEqual(['x', 'a "b"']);
    expect(words(`x "a\\"b\\tc"`)).toEqual(['x', 'a"b\tc']);
  });

  it('makes bare braces block tokens, quoted ones words', () => {
    const kinds = tokenizeLine('a { "{" }', 'f', 3).map((t) => `${t.kind}:${t.text}:${t.line}`);
    expect(kinds).toEqual(['word:a:3', 'open:{:3', 'word:{:3', 'close:}:3']);
  });

  it('splits a script command at unquoted spaces, single quotes grouping', () => {
    expect(splitScriptWords("/bin/check  -a 'b c' d").words).toEqual([
      '/bin/check',
      '-a',
      'b c',
      'd',
    ]);
  });
});

describe('expandBraces', () => {
  it('expands csh braces, nested', () => {
    expect(expandBraces('{foo/{,cat,dog},bar}')).toEqual(['foo/', 'foo/cat', 'foo/dog', 'bar']);
  });
});

describe('parseKeepalivedConfig', () => {
  it('builds nested blocks with files and lines, a "{" on the next line included', async () => {
    const dir = await writeTree({
      'k.conf': [
        'global_defs {',
        '  router_id r1',
        '}',
        'vrrp_instance VI_1',
        '{',
        '  authentication { auth_type PASS',
        '    auth_pass x }',
        '}',
      ].join('\n'),
    });
    try {
      const file = join(dir, 'k.conf');
      const { nodes, diagnostics } = await parseKeepalivedConfig(file, { configId: 'a' });
      expect(diagnostics).toEqual([]);
      expect(nodes.map((n) => [n.keyword, n.args, n.line])).toEqual([
        ['global_defs', [], 1],
        ['vrrp_instance', ['VI_1'], 4],
      ]);
      const auth = nodes[1]?.children?.[0];
      expect(auth?.keyword).toBe('authentication');
      expect(auth?.children?.map((n) => [n.keyword, n.args, n.line, n.file])).toEqual([
        ['auth_type', ['PASS'], 6, file],
        ['auth_pass', ['x'], 7, file],
      ]);
    } finally {
      await removeTree(dir);
    }
  });

  it('follows include globs relative to the including file, in sorted order, keeping each file and line', async () => {
    const dir = await writeTree({
      'main.conf': 'include "conf.d/*.conf"  # all of them\ninclude missing/*.conf\n',
      'conf.d/b.conf': '\nvrrp_instance B {\n}\n',
      'conf.d/a.conf': 'include ../more/{x,y}.inc\n',
      'more/x.inc': 'vrrp_instance X {\n}\n',
      'more/y.inc': '# y\nvrrp_instance Y {\n}\n',
      'conf.d/.hidden.conf': 'vrrp_instance H {\n}\n',
    });
    try {
      const { nodes, diagnostics } = await parseKeepalivedConfig(join(dir, 'main.conf'), {
        configId: 'a',
      });
      expect(
        nodes.map((n) => `${n.args[0] ?? ''}@${n.file.slice(dir.length + 1)}:${n.line}`),
      ).toEqual(['X@more/x.inc:1', 'Y@more/y.inc:2', 'B@conf.d/b.conf:2']);
      expect(diagnostics.map((d) => `${d.line} ${d.keyword} ${d.severity}`)).toEqual([
        '2 include info',
      ]);
    } finally {
      await removeTree(dir);
    }
  });

  it('keeps @id lines for the config-id, @^id lines for others, and reports skipped ones', async () => {
    const dir = await writeTree({ 'k.conf': '@main a 1\n@backup b 2\n@^main c 3\n@^backup d 4\n' });
    try {
      const { nodes, diagnostics } = await parseKeepalivedConfig(join(dir, 'k.conf'), {
        configId: 'main',
      });
      expect(nodes.map((n) => n.keyword)).toEqual(['a', 'd']);
      expect(diagnostics.map((d) => [d.line, d.keyword])).toEqual([
        [2, '@backup'],
        [3, '@^main'],
      ]);
    } finally {
      await removeTree(dir);
    }
  });

  it('reports unbalanced braces', async () => {
    const dir = await writeTree({
      'k.conf': '$P=1\nvrrp_instance A {\n priority $P\n}\n}\nglobal_defs {\n',
    });
    try {
      const { nodes, diagnostics } = await parseKeepalivedConfig(join(dir, 'k.conf'), {
        configId: 'a',
      });
      expect(diagnostics.map((d) => `${d.line} ${d.keyword}`).sort()).toEqual(['5 }', '6 {']);
      expect(nodes[0]?.children?.[0]?.args).toEqual(['1']);
    } finally {
      await removeTree(dir);
    }
  });
});
