// keepalived looks a script up on PATH when its name is not absolute; floatd runs scripts
// without a PATH search. The importer does the lookup once, on the host it runs on, so that
// `killall -0 haproxy` becomes `/usr/bin/killall -0 haproxy` in the converted file.
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

/** keepalived's scripts run with a minimal PATH like this one. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The absolute path of an executable `name` on `path`, or undefined. */
export function resolveOnPath(name: string, path = DEFAULT_PATH): string | undefined {
  if (name === '' || name.includes('/')) return undefined;
  for (const dir of path.split(':')) {
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there: the next directory
    }
  }
  return undefined;
}
