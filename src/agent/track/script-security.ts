// keepalived enable_script_security: "Don't run scripts configured to be run as root if any
// part of the path is writable by a non-root user" (keepalived.conf(5), global_defs).
// Per element (keepalived lib/notify.c check_script_secure): unsafe when the owner is not root,
// or it is group-writable with a non-root group or world-writable, unless it is a directory with
// the sticky bit (like /tmp).
import { realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ScriptInsecureError } from './errors.js';

const S_ISVTX = 0o1000;

/**
 * Throws ScriptInsecureError naming the first unsafe path element, from the script up to /. Both
 * the path as written and the path with every symlink resolved are checked: a symlink in a safe
 * directory must not lead to a script that someone else can replace.
 */
export async function checkScriptSecurity(script: string): Promise<void> {
  await checkPath(script, script);
  const real = await realpath(script);
  if (real !== script) await checkPath(script, real);
}

async function checkPath(script: string, start: string): Promise<void> {
  let path = start;
  for (;;) {
    const info = await stat(path);
    const stickyDir = info.isDirectory() && (info.mode & S_ISVTX) !== 0;
    if (info.uid !== 0) {
      throw new ScriptInsecureError(
        script,
        path,
        info.mode,
        `is owned by uid ${info.uid}, not root`,
      );
    }
    if (!stickyDir && info.gid !== 0 && (info.mode & 0o020) !== 0) {
      throw new ScriptInsecureError(script, path, info.mode, `is group-writable (gid ${info.gid})`);
    }
    if (!stickyDir && (info.mode & 0o002) !== 0) {
      throw new ScriptInsecureError(script, path, info.mode, 'is world-writable');
    }
    const parent = dirname(path);
    if (parent === path) return;
    path = parent;
  }
}
