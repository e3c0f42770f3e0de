// notify_master/backup/fault/stop and notify (instances and sync groups) to floatd `notify`.
import type { ConvertContext } from './convert-context.js';
import { resolveOnPath } from './resolve-program.js';
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
  // As written: white space inside quotes is part of an argument.
  let text = command.trim();
  const program = /^\S+/.exec(text)?.[0] ?? '';
  const found = resolveOnPath(program);
  if (found !== undefined) {
    ctx.report(
      node,
      `"${program}" resolved to ${found} on this host's PATH, as keepalived looks it up: check the path on the target host`,
      'info',
    );
    text = found + text.slice(program.length);
  }
  notify[key] = text;
  if (!text.startsWith('/')) {
    ctx.report(
      node,
      'floatd needs an absolute script path (no shell, no PATH search)',
      'unsupported',
      `${path}.${key}`,
    );
  }
  return true;
}
