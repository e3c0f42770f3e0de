// Resolves a script's `user` and `group` to ids (keepalived: the group defaults to the user's
// primary group). The files first (/etc/passwd, /etc/group): reading one is cheaper than spawning
// anything on every run. A name from another name service (LDAP, sssd) is then asked of
// `getent`, once per process.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ScriptUserError } from './errors.js';

export interface UserIds {
  readonly uid: number;
  readonly gid: number;
}

const run = promisify(execFile);
const fromNameService = new Map<string, UserIds | number>();

/** A user by name or uid: passwd(5) `name:pw:uid:gid:...`. */
export function resolveUser(
  user: string,
  passwdPath = '/etc/passwd',
  getent = 'getent',
): Promise<UserIds> {
  return lookUp('passwd', user, passwdPath, getent, (fields) => {
    const [, , uid, gid] = fields;
    return uid === undefined || gid === undefined
      ? undefined
      : { uid: Number(uid), gid: Number(gid) };
  });
}

/** A group by name or gid: group(5) `name:pw:gid:members`. */
export function resolveGroup(
  group: string,
  groupPath = '/etc/group',
  getent = 'getent',
): Promise<number> {
  return lookUp('group', group, groupPath, getent, (fields) => {
    const [, , gid] = fields;
    return gid === undefined ? undefined : Number(gid);
  });
}

async function lookUp<T extends UserIds | number>(
  database: 'passwd' | 'group',
  key: string,
  path: string,
  getent: string,
  idsOf: (fields: string[]) => T | undefined,
): Promise<T> {
  const kind = database === 'passwd' ? 'user' : 'group';
  const text = await readFile(path, 'utf8').catch(() => '');
  const found = findIn(text, key, idsOf);
  if (found !== undefined) return found;
  const cacheKey = `${database}:${key}`;
  const cached = fromNameService.get(cacheKey) as T | undefined;
  if (cached !== undefined) return cached;
  let answer: string;
  try {
    answer = (await run(getent, [database, key], { timeout: 2000 })).stdout;
  } catch {
    throw new ScriptUserError(kind, key, `no such ${kind} in ${path} or the name service (getent)`);
  }
  const ids = findIn(answer, key, idsOf);
  if (ids === undefined) {
    throw new ScriptUserError(kind, key, `getent ${database} ${key}: unexpected answer`);
  }
  fromNameService.set(cacheKey, ids);
  return ids;
}

/** The line for `key` (its name, or its id in the third field). */
function findIn<T>(
  text: string,
  key: string,
  idsOf: (fields: string[]) => T | undefined,
): T | undefined {
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    const [name, , id] = fields;
    if (name === key || (id !== undefined && id === key)) {
      const ids = idsOf(fields);
      if (ids !== undefined) return ids;
    }
  }
  return undefined;
}
