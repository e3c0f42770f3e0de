// The host's side of a configuration: every user and group a script is to run as must exist
// here, or the agent does not start (nor take a reload). keepalived resolves script_user and each
// script's USER [GROUP] (vrrp_script, notify_*) when it reads its configuration (getpwnam,
// getgrnam); floatd refuses the file rather than keep a script that can never run. Not part of
// the schema: a file is still valid on a machine without these users (floatd import, plan, CI).
import { resolveGroup, resolveUser } from '../track/resolve-user.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { describeValue } from './describe-value.js';
import { formatKeyPath } from './key-path.js';
import { NOTIFY_HOOKS } from './notify-fields.js';
import { isRecord } from './valid-at.js';
import { readYaml } from './yaml-source.js';

interface NamedAccount {
  readonly path: readonly (string | number)[];
  readonly kind: 'user' | 'group';
  readonly name: unknown;
}

/** Throws ConfigError, one issue per unknown name at its file:line:column. */
export async function checkScriptUsers(text: string, file: string): Promise<void> {
  const source = readYaml(text);
  if (!source.ok) return; // reported by the schema's pass already
  const issues: ConfigIssue[] = [];
  for (const account of namedAccounts(source.data)) {
    const name = String(account.name);
    const known =
      account.kind === 'user'
        ? await resolveUser(name).then(
            () => true,
            () => false,
          )
        : await resolveGroup(name).then(
            () => true,
            () => false,
          );
    if (known) continue;
    const { line, column } = source.locate(account.path, 'value');
    const where =
      account.kind === 'user' ? '/etc/passwd or getent passwd' : '/etc/group or getent group';
    issues.push({
      file,
      line,
      column,
      path: formatKeyPath(account.path),
      message: `expected a ${account.kind} that exists on this host (${where}), got ${describeValue(account.name)}`,
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

/** scriptUser's, each script tracker's and each notify script's own (a schema-valid file). */
function namedAccounts(data: unknown): NamedAccount[] {
  if (!isRecord(data)) return [];
  const found: NamedAccount[] = [];
  const collect = (value: unknown, path: (string | number)[]): void => {
    if (!isRecord(value)) return;
    for (const kind of ['user', 'group'] as const) {
      if (value[kind] !== undefined) found.push({ path: [...path, kind], kind, name: value[kind] });
    }
  };
  collect(data.scriptUser, ['scriptUser']);
  if (Array.isArray(data.trackers)) {
    data.trackers.forEach((tracker: unknown, i) => collect(tracker, ['trackers', i]));
  }
  for (const owners of ['instances', 'syncGroups'] as const) {
    const list = data[owners];
    if (!Array.isArray(list)) continue;
    list.forEach((owner: unknown, i) => {
      if (!isRecord(owner)) return;
      for (const hook of NOTIFY_HOOKS) {
        if (isRecord(owner.notify)) collect(owner.notify[hook], [owners, i, 'notify', hook]);
      }
    });
  }
  return found;
}
