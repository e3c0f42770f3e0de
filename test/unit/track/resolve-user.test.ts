// A script `user` from /etc/passwd, else from the name service (getent), else a clear error.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveUser } from '../../../src/agent/track/resolve-user.js';

const dir = mkdtempSync(join(tmpdir(), 'floatd-user-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const passwd = join(dir, 'passwd');
writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/sh\nweb:x:1001:1002::/srv:/bin/sh\n');
/** A stand-in for getent that knows one directory user. */
const getent = join(dir, 'getent');
writeFileSync(
  getent,
  '#!/bin/sh\n[ "$2" = ldapuser ] && echo "ldapuser:*:5000:5001:LDAP:/home/l:/bin/sh" && exit 0\nexit 2\n',
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
      /cannot run tracker script as "ghost": no such user in .*passwd or the name service/,
    );
  });
});
