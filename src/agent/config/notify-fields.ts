// Notify hooks (keepalived's notify_master, notify_backup, notify_fault, notify_stop, notify):
// a script path with optional arguments, run without a shell on the matching transition.
import { z } from 'zod';

import { parseScriptCommand } from '../notify/script-command.js';
import { durationMs, expected, expectedMapping } from './field-schemas.js';

const MINUTE_MS = 60_000;

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

export const notifyFields = z.strictObject(
  {
    master: command.optional(),
    backup: command.optional(),
    fault: command.optional(),
    stop: command.optional(),
    /** Called for every state, with keepalived's arguments (TYPE NAME STATE PRIORITY). */
    any: command.optional(),
    timeout: durationMs(100, 10 * MINUTE_MS).default(30_000),
  },
  { error: expectedMapping('a mapping { master, backup, fault, stop, any, timeout }') },
);

export type NotifyFields = z.output<typeof notifyFields>;
