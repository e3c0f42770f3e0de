// notify_master/backup/fault/stop and notify (instances and sync groups) to floatd `notify`.
// keepalived.conf(5): "notify_master /path/script [username [groupname]]" — a script with its
// own user (and group) becomes the mapping { script, user, group }; without one it runs as
// global_defs script_user, which the converter writes as the top-level scriptUser.
import type { ConvertContext } from './convert-context.js';
import { resolveOnPath } from './resolve-program.js';
import { asFloatdCommand, readScriptStatement } from './script-words.js';
import type { ConfNode } from './parse-config.js';

const NOTIFY_KEYS: Readonly<Record<string, string>> = {
  notify_master: 'master',
  notify_backup: 'backup',
  notify_fault: 'fault',
  notify_stop: 'stop',
  notify: 'any',
};

export type NotifyScript = string | { script: string; user: string; group?: string };

/**
 * keepalived.conf(5) SCRIPTS: a group starting with ':' also sets the user's supplementary
 * groups; floatd has no such form, so it is refused where it is written.
 */
export function checkGroup(ctx: ConvertContext, node: ConfNode, group: string, path: string): void {
  if (group.startsWith(':'))
    ctx.report(
      node,
      `group "${group}": the ':' form (supplementary groups) is not supported by floatd`,
      'unsupported',
      path,
    );
}

/** Adds the statement to `notify` and returns true if it is a notify keyword we convert. */
export function convertNotify(
  ctx: ConvertContext,
  node: ConfNode,
  notify: Record<string, NotifyScript>,
  path: string,
): boolean {
  const key = NOTIFY_KEYS[node.keyword];
  if (key === undefined) return false;
  const read = readScriptStatement(node.text);
  if (!read.ok) {
    // keepalived: "Unable to parse script ... - ignoring".
    ctx.report(
      node,
      `keepalived cannot read this script (${read.why}) and ignores it: not converted`,
    );
    return true;
  }
  const [user, group, ...extra] = read.rest;
  if (extra.length > 0)
    ctx.report(
      node,
      `words after the user and group are not supported: ignored "${extra.join(' ')}"`,
    );
  const [program = '', ...args] = read.argv;
  const found = resolveOnPath(program);
  if (found !== undefined) {
    ctx.report(
      node,
      `"${program}" resolved to ${found} on this host's PATH, as keepalived looks it up: check the path on the target host`,
      'info',
    );
  }
  // As written where floatd splits it the same way (no backslash, a plain program word), so
  // white space inside quotes stays as it was; else re-quoted from keepalived's words.
  const trimmed = read.written.trim();
  const plain =
    !trimmed.includes('\\') &&
    trimmed.startsWith(program) &&
    /^(\s|$)/.test(trimmed.slice(program.length));
  const text = plain
    ? (found ?? program) + trimmed.slice(program.length)
    : asFloatdCommand([found ?? program, ...args]);
  if (text === undefined) {
    ctx.report(
      node,
      "an argument holds both ' and \": floatd's script strings cannot quote it: not converted",
      'unsupported',
      `${path}.${key}`,
    );
    return true;
  }
  if (user === undefined) notify[key] = text;
  else {
    notify[key] = { script: text, user, ...(group === undefined ? {} : { group }) };
    if (group !== undefined) checkGroup(ctx, node, group, `${path}.${key}.group`);
  }
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
