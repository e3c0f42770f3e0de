// Notify hooks (keepalived's notify_master, notify_backup, notify_fault, notify_stop, notify):
// a script path with optional arguments, run without a shell on the matching transition, as
// floatd itself or as a user and group (keepalived: `notify_master "/path args" USER [GROUP]`;
// the global default is `scriptUser`, keepalived's script_user).
import { z } from 'zod';

import { parseScriptCommand } from '../notify/script-command.js';
import { durationMs, expected, expectedMapping } from './field-schemas.js';

const MINUTE_MS = 60_000;
/** Linux ids are 32-bit; (uid_t)-1 means "no change" to setresuid, never a user. */
const MAX_ID = 2 ** 32 - 2;

/** Split as it will be at run time (keepalived's quoting), so a bad one stops startup. */
const command = z
  .string({ error: expected('a script: an absolute path, then optional arguments') })
  .superRefine((c, ctx) => {
    try {
      parseScriptCommand(c);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a script: an absolute path, then optional arguments (${(error as Error).message})`,
      });
    }
  });

/**
 * A user or group name, or its number, kept as text (YAML reads `user: 65534` as a number).
 * Whether it exists is a question for the host: see script-users.ts.
 */
function accountName(kind: 'user' | 'group') {
  return z.unknown().transform((input, ctx): string => {
    if (typeof input === 'number' && Number.isInteger(input) && input >= 0 && input <= MAX_ID) {
      return String(input);
    }
    // passwd(5) and group(5) fields: no ':', and a name has no white space.
    if (typeof input === 'string' && /^[^\s:]{1,256}$/.test(input)) return input;
    ctx.issues.push({
      code: 'custom',
      message: expected(`a ${kind} name or number`)({ input }),
      input,
    });
    return z.NEVER;
  });
}

const SCRIPT_WHAT = 'a script "<absolute path> [args]" or a mapping { script, user, group }';

/** A script as text, or { script, user?, group? }: the text is read as { script: text }. */
const scriptEntry = z.preprocess(
  (input) => (typeof input === 'string' ? { script: input } : input),
  z.strictObject(
    {
      script: command,
      user: accountName('user').optional(),
      group: accountName('group').optional(),
    },
    { error: expectedMapping(SCRIPT_WHAT) },
  ),
);

export const notifyFields = z.strictObject(
  {
    master: scriptEntry.optional(),
    backup: scriptEntry.optional(),
    fault: scriptEntry.optional(),
    stop: scriptEntry.optional(),
    /** Called for every state, with keepalived's arguments (TYPE NAME STATE PRIORITY). */
    any: scriptEntry.optional(),
    timeout: durationMs(100, 10 * MINUTE_MS).default(30_000),
  },
  { error: expectedMapping('a mapping { master, backup, fault, stop, any, timeout }') },
);

/** Top-level `scriptUser`: keepalived's script_user, for notify scripts and script trackers. */
export const scriptUserFields = z.strictObject(
  { user: accountName('user'), group: accountName('group').optional() },
  { error: expectedMapping('a mapping { user, group }') },
);

export type NotifyFields = z.output<typeof notifyFields>;
export type NotifyScriptFields = NonNullable<NotifyFields['master']>;
export type ScriptUserFields = z.output<typeof scriptUserFields>;

/** The hooks' keys, in keepalived's order (the runner and the host check walk them). */
export const NOTIFY_HOOKS = ['master', 'backup', 'fault', 'stop', 'any'] as const;
