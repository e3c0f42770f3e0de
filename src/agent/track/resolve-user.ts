// Resolves a script `user` to uid/gid from /etc/passwd (keepalived: group defaults to the
// user's primary group). Reading the file avoids spawning `id` on every run.
import { readFile } from 'node:fs/promises';
import { TrackUserError } from './errors.js';

export interface UserIds {
  readonly uid: number;
  readonly gid: number;
}

export async function resolveUser(user: string, passwdPath = '/etc/passwd'): Promise<UserIds> {
  const text = await readFile(passwdPath, 'utf8');
  for (const line of text.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (uid === undefined || gid === undefined) continue;
    if (name === user || uid === user) return { uid: Number(uid), gid: Number(gid) };
  }
  throw new TrackUserError(user, `no such user in ${passwdPath}`);
}
