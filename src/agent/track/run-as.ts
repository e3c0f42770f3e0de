// Who a script runs as, shared by script trackers and notify scripts so both get the same rules.
// keepalived.conf(5): a script's `user` runs it with that user's primary group unless a group is
// given; `script_user` is the default for scripts without one; with neither, the script runs as
// keepalived itself. enable_script_security: "Don't run scripts configured to be run as root if
// any part of the path is writable by a non-root user" (floatd always applies it). keepalived
// (lib/notify.c check_script_secure) counts as root a script run with uid 0 or gid 0, or one that
// is set-user-ID or set-group-ID root.
import { stat } from 'node:fs/promises';
import { checkScriptSecurity } from './script-security.js';
import { resolveGroup, resolveUser, type UserIds } from './resolve-user.js';

/** As configured: names or numeric ids, both optional. */
export interface RunAs {
  readonly user?: string;
  readonly group?: string;
}

/** The ids to switch to; undefined: run as floatd itself. */
export async function resolveRunAs(runAs: RunAs): Promise<UserIds | undefined> {
  if (runAs.user === undefined && runAs.group === undefined) return undefined;
  // A group alone keeps floatd's own user (keepalived cannot say this; floatd's YAML can).
  const user =
    runAs.user === undefined
      ? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }
      : await resolveUser(runAs.user);
  const gid = runAs.group === undefined ? user.gid : await resolveGroup(runAs.group);
  return { uid: user.uid, gid };
}

/**
 * What every script run does first: the ids it runs as, and script security for a script that
 * will run as root. Throws ScriptUserError or ScriptInsecureError (the script must not run).
 */
export async function prepareScriptRun(
  program: string,
  runAs: RunAs,
): Promise<UserIds | undefined> {
  const ids = await resolveRunAs(runAs);
  const uid = ids?.uid ?? process.getuid?.() ?? 0;
  const gid = ids?.gid ?? process.getgid?.() ?? 0;
  if (uid === 0 || gid === 0 || (await setIdRoot(program))) await checkScriptSecurity(program);
  return ids;
}

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_IXUSR = 0o100;
const S_IXGRP = 0o010;

/** An executable that gains root's uid or gid when run, whoever runs it. */
async function setIdRoot(program: string): Promise<boolean> {
  // A program that is missing is the launcher's to report; security has nothing to protect.
  const info = await stat(program).catch(() => undefined);
  if (info === undefined) return false;
  const { mode } = info;
  return (
    (info.uid === 0 && (mode & S_IXUSR) !== 0 && (mode & S_ISUID) !== 0) ||
    (info.gid === 0 && (mode & S_IXGRP) !== 0 && (mode & S_ISGID) !== 0)
  );
}
