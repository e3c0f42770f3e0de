// Resolves a script `user` to uid/gid (keepalived: group defaults to the user's primary group).
// /etc/passwd first: reading it is cheaper than spawning anything on every run. A user from
// another name service (LDAP, sssd) is then asked of `getent passwd`, once per process.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { TrackUserError } from './errors.js';

export interface UserIds {
  readonly uid: number;
  readonly gid: number;
}

const run = promisify(execFile);
const fromNameService = new Map<string, UserIds>();

export async function resolveUser(
  user: string,
  passwdPath = '/etc/passwd',
  getent = 'getent',
): Promise<UserIds> {
  const text = await readFile(passwdPath, 'utf8').catch(() => '');
  const found = findIn(text, user);
  if (found !== undefined) return found;
  const cached = fromNameService.get(user);
  if (cached !== undefined) return cached;
  let answer: string;
  try {
    answer = (await run(getent, ['passwd', user], { timeout: 2000 })).stdout;
  } catch {
    throw new TrackUserError(user, `no such user in ${passwdPath} or the name service (getent)`);
  }
  const ids = findIn(answer, user);
  if (ids === undefined) throw new TrackUserError(user, `getent passwd ${user}: unexpected answer`);
  fromNameService.set(user, ids);
  return ids;
}

/** A passwd(5) line for `user` (by name or uid). */
function findIn(text: string, user: string): UserIds | undefined {
  for (const line of text.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (uid === undefined || gid === undefined) continue;
    if (name === user || uid === user) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}
