// A script `user` or `group` from /etc/passwd or /etc/group, else from the name service (getent),
// else a clear error.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveGroup, resolveUser } from '../../../src/agent/track/resolve-user.js';

const dir = mkdtempSync(join(tmpdir(), 'floatd-user-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const passwd = join(dir, 'passwd');
writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/sh\nweb:x:1001:1002::/srv:/bin/sh\n');
const group = join(dir, 'group');
writeFileSync(group, 'root:x:0:\nweb:x:1002:\nops:x:1500:web,alice\n');
/** A stand-in for getent that knows one directory user and one directory group. */
const getent = join(dir, 'getent');
writeFileSync(
  getent,
  [
    '#!/bin/sh',
    '[ "$1 $2" = "passwd ldapuser" ] && echo "ldapuser:*:5000:5001:LDAP:/home/l:/bin/sh" && exit 0',
    '[ "$1 $2" = "group ldapgroup" ] && echo "ldapgroup:*:6000:ldapuser" && exit 0',
    'exit 2',
    '',
  ].join('\n'),
);
chmodSync(getent, 0o755);

describe('resolveUser', () => {
  it('finds a user in the passwd file by name or uid', async () => {
    expect(await resolveUser('web', passwd, getent)).toEqual({ uid: 1001, gid: 1002 });
    expect(await resolveUser('1001', passwd, getent)).toEqual({ uid: 1001, gid: 1002 });
  });

  it('asks the name service for a user the file does not have', async () => {
    expect(await resolveUser('ldapuser', passwd, getent)).toEqual({ uid: 5000, gid: 5001 });
  });

  it('says where it looked when nobody knows the user', async () => {
    await expect(resolveUser('ghost', passwd, getent)).rejects.toThrow(
      /cannot run a script as user "ghost": no such user in .*passwd or the name service/,
    );
  });
});

describe('resolveGroup', () => {
  it('finds a group in the group file by name or gid, else asks the name service', async () => {
    expect(await resolveGroup('ops', group, getent)).toBe(1500);
    expect(await resolveGroup('1500', group, getent)).toBe(1500);
    expect(await resolveGroup('ldapgroup', group, getent)).toBe(6000);
  });

  it('says where it looked when nobody knows the group', async () => {
    await expect(resolveGroup('ghosts', group, getent)).rejects.toThrow(
      /cannot run a script as group "ghosts": no such group in .*group or the name service/,
    );
  });
});
