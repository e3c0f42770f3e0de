// Issue 14, Build 2: a notify script as a string or { script, user, group }, and the top-level
// scriptUser (keepalived's script_user) as the default for notify scripts and script trackers.
// keepalived.conf(5): `notify_master "/path args" USER [GROUP]`; a user without a group runs with
// that user's primary group; script_user is "the default username/groupname to run scripts under".
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import {
  ConfigError,
  loadConfigFile,
  parseConfigText,
} from '../../../src/agent/config/load-config.js';
import { marked, expectOneIssue, oneInstance } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'floatd-script-user-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRACKER = 'trackers:\n  - { name: chk, type: script, script: /usr/local/bin/check }';

describe('notify scripts with a user and group', () => {
  it('reads a string as before and a mapping with its user and group (numbers as text)', () => {
    const config = parseConfigText(
      oneInstance(
        [
          'notify:',
          '  master: { script: "/etc/floatd/m.sh up", user: nobody, group: nogroup }',
          '  backup: { script: /etc/floatd/b.sh, user: 65534 }',
          '  fault: /etc/floatd/f.sh',
          '  any: { script: /etc/floatd/n.sh }',
        ].join('\n'),
      ),
      'f.yaml',
    );
    expect(config.instances[0]?.notify).toEqual({
      master: { script: '/etc/floatd/m.sh up', user: 'nobody', group: 'nogroup' },
      backup: { script: '/etc/floatd/b.sh', user: '65534' },
      fault: '/etc/floatd/f.sh',
      // No user: as floatd itself, the same as a string.
      any: '/etc/floatd/n.sh',
      timeoutMs: 30000,
    });
  });

  it('applies scriptUser to notify scripts and script trackers without a user of their own', () => {
    const config = parseConfigText(
      [
        'scriptUser: { user: nobody, group: nogroup }',
        TRACKER,
        '  - { name: own, type: script, script: /usr/local/bin/own, user: daemon }',
        'syncGroups:',
        '  - { name: G1, instances: [web], notify: { any: /etc/floatd/g.sh } }',
        oneInstance(
          [
            'notify:',
            '  master: /etc/floatd/m.sh',
            // Its own user without a group: that user's primary group, not scriptUser's.
            '  backup: { script: /etc/floatd/b.sh, user: daemon }',
            // A group alone replaces only the group.
            '  fault: { script: /etc/floatd/f.sh, group: adm }',
          ].join('\n'),
        ),
      ].join('\n'),
      'f.yaml',
    );
    expect(config.instances[0]?.notify).toEqual({
      master: { script: '/etc/floatd/m.sh', user: 'nobody', group: 'nogroup' },
      backup: { script: '/etc/floatd/b.sh', user: 'daemon' },
      fault: { script: '/etc/floatd/f.sh', user: 'nobody', group: 'adm' },
      timeoutMs: 30000,
    });
    expect(config.syncGroups[0]?.notify?.any).toEqual({
      script: '/etc/floatd/g.sh',
      user: 'nobody',
      group: 'nogroup',
    });
    expect(config.trackers).toEqual([
      expect.objectContaining({ name: 'chk', user: 'nobody', group: 'nogroup' }),
      expect.objectContaining({ name: 'own', user: 'daemon' }),
    ]);
    expect(config.trackers[1]).not.toHaveProperty('group');
  });

  it('scriptUser without a group: the user alone (its primary group at run time)', () => {
    const config = parseConfigText(
      `scriptUser: { user: nobody }\n${TRACKER}\n${oneInstance('notify: { master: /m.sh }')}`,
      'f.yaml',
    );
    expect(config.instances[0]?.notify?.master).toEqual({ script: '/m.sh', user: 'nobody' });
    expect(config.trackers[0]).toMatchObject({ user: 'nobody' });
    expect(config.trackers[0]).not.toHaveProperty('group');
  });

  it('rejects a user that is not a name or a number, at the value', () => {
    expectOneIssue(
      oneInstance('notify:\n  master: { script: /m.sh, user: @@"no body" }'),
      'instances[0].notify.master.user',
      /expected a user name or number, got "no body"/,
    );
    expectOneIssue(
      oneInstance('notify:\n  master: { script: /m.sh, group: @@-1 }'),
      'instances[0].notify.master.group',
      /expected a group name or number, got -1/,
    );
  });

  it('rejects a mapping without its script, and a misspelt key with a suggestion', () => {
    expectOneIssue(
      oneInstance('notify:\n  master: @@{ user: nobody }'),
      'instances[0].notify.master.script',
      /required: expected a script/,
    );
    expectOneIssue(
      oneInstance('notify:\n  master: { script: /m.sh, @@usr: nobody }'),
      'instances[0].notify.master.usr',
      /unknown key 'usr' \(did you mean 'user'\?\)/,
    );
    expectOneIssue(
      oneInstance('notify:\n  master: @@5'),
      'instances[0].notify.master',
      /expected a script "<absolute path> \[args\]" or a mapping \{ script, user, group \}, got 5/,
    );
  });

  it('rejects scriptUser without a user, or as a string', () => {
    expectOneIssue(
      `scriptUser: @@{ group: nogroup }\n${oneInstance()}`,
      'scriptUser.user',
      /required: expected a user name or number/,
    );
    expectOneIssue(
      `scriptUser: @@nobody\n${oneInstance()}`,
      'scriptUser',
      /expected a mapping \{ user, group \}, got "nobody"/,
    );
  });
});

describe('users and groups the host must have (floatd run and reload)', () => {
  /** Writes `text` (with "@@" marks) to a file; returns its path and the marks. */
  function file(name: string, markedText: string) {
    const { text, marks } = marked(markedText);
    const path = join(dir, name);
    writeFileSync(path, text);
    return { path, marks };
  }

  it('stops the load at each unknown user or group, with file:line:column and key path', async () => {
    const { path, marks } = file(
      'unknown.yaml',
      [
        'scriptUser: { user: @@floatd-no-such-user }',
        'trackers:',
        '  - { name: chk, type: script, script: /c.sh, user: @@floatd-no-such-user }',
        oneInstance(
          'notify:\n  master: { script: /m.sh, user: nobody, group: @@floatd-no-such-group }',
        ),
      ].join('\n'),
    );
    // Valid where nothing asks the host (import, plan, CI checks of a file for another host).
    await expect(loadConfigFile(path)).resolves.toBeDefined();
    const error = await loadConfigFile(path, { checkHost: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((i) => ({ line: i.line, column: i.column }))).toEqual(marks);
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'scriptUser.user: expected a user that exists on this host (/etc/passwd or getent passwd), got "floatd-no-such-user"',
      'trackers[0].user: expected a user that exists on this host (/etc/passwd or getent passwd), got "floatd-no-such-user"',
      'instances[0].notify.master.group: expected a group that exists on this host (/etc/group or getent group), got "floatd-no-such-group"',
    ]);
    expect((error as ConfigError).code).toBe('FLOATD_ERR_CONFIG');
  });

  it('accepts users and groups the host has, by name or number', async () => {
    const nobodyUid = execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim();
    const { path } = file(
      'known.yaml',
      [
        'scriptUser: { user: root, group: 0 }',
        oneInstance(`notify:\n  master: { script: /m.sh, user: ${nobodyUid} }\n  backup: /b.sh`),
      ].join('\n'),
    );
    const config = await loadConfigFile(path, { checkHost: true });
    expect(config.instances[0]?.notify?.master).toEqual({ script: '/m.sh', user: nobodyUid });
  });
});
