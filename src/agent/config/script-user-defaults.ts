// Who a script runs as once the global default is applied. keepalived.conf(5): script_user is
// "the default username/groupname to run scripts under" (notify scripts and vrrp_scripts alike);
// a script's own `USER [GROUP]` replaces it, and a user given without a group runs with that
// user's primary group, not with script_user's group.
import type { NotifyScript } from '../notify/types.js';
import type { RunAs } from '../track/run-as.js';
import type { NotifyScriptFields, ScriptUserFields } from './notify-fields.js';

export function withDefaultUser(own: RunAs, scriptUser: ScriptUserFields | undefined): RunAs {
  if (own.user !== undefined) {
    return own.group === undefined ? { user: own.user } : { user: own.user, group: own.group };
  }
  // A group alone keeps the default user (or floatd's own) and replaces only the group.
  const user = scriptUser?.user;
  const group = own.group ?? scriptUser?.group;
  return { ...(user === undefined ? {} : { user }), ...(group === undefined ? {} : { group }) };
}

/** The plain string when it runs as floatd itself (as before `user` existed), else the mapping. */
export function normaliseNotifyScript(
  entry: NotifyScriptFields,
  scriptUser: ScriptUserFields | undefined,
): NotifyScript {
  const runAs = withDefaultUser(entry, scriptUser);
  if (runAs.user === undefined && runAs.group === undefined) return entry.script;
  return { script: entry.script, ...runAs };
}
