// notify_master/backup/fault/stop and notify (instances and sync groups) to floatd `notify`.
import type { ConvertContext } from './convert-context.js';
import type { ConfNode } from './parse-config.js';

const NOTIFY_KEYS: Readonly<Record<string, string>> = {
  notify_master: 'master',
  notify_backup: 'backup',
  notify_fault: 'fault',
  notify_stop: 'stop',
  notify: 'any',
};

/** Adds the statement to `notify` and returns true if it is a notify keyword we convert. */
export function convertNotify(
  ctx: ConvertContext,
  node: ConfNode,
  notify: Record<string, string>,
  path: string,
): boolean {
  const key = NOTIFY_KEYS[node.keyword];
  if (key === undefined) return false;
  const command = ctx.arg(node, `${path}.${key}`);
  if (command === undefined) return true;
  // keepalived.conf(5): "notify_master /path/script [username [groupname]]".
  ctx.extraArgs(node, 1, 'a per-script user and group are');
  notify[key] = command.trim().replace(/\s+/g, ' ');
  if (!command.trim().startsWith('/')) {
    ctx.report(
      node,
      'floatd needs an absolute script path (no shell, no PATH search)',
      'unsupported',
      `${path}.${key}`,
    );
  }
  return true;
}
