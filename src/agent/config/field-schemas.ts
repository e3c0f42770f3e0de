// Schemas of single config values, each with an "expected X, got Y" message. Rules that
// relate several values (version vs interval, VIP families, ...) are in instance-rules.ts.
import { z } from 'zod';

import { parsePrefixedAddress, parseHostAddress } from './address.js';
import { describeValue } from './describe-value.js';
import { formatDurationMs, parseDurationMs } from './duration.js';

type IssueLike = { readonly code?: string; readonly input?: unknown };

/** An error map: "expected <what>, got <input>", or "required: ..." when the key is missing. */
export function expected(what: string): (issue: IssueLike) => string {
  return (issue) =>
    issue.input === undefined
      ? `required: expected ${what}`
      : `expected ${what}, got ${describeValue(issue.input)}`;
}

/** For a mapping's schema: only its type error; unknown keys are reported by key (zod-issues.ts). */
export function expectedMapping(what: string): (issue: IssueLike) => string | undefined {
  const message = expected(what);
  return (issue) => (issue.code === 'invalid_type' ? message(issue) : undefined);
}

export function intIn(min: number, max: number) {
  const error = expected(`an integer from ${min} to ${max}`);
  return z.number({ error }).refine((v) => Number.isInteger(v) && v >= min && v <= max, { error });
}

export const bool = z.boolean({ error: expected('true or false') });

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const list = values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;
  return z.enum(values, { error: expected(list) });
}

/** A duration ("1s") in whole milliseconds, from minMs to maxMs (no maximum if omitted). */
export function durationMs(minMs: number, maxMs = Infinity) {
  return z.unknown().transform((input, ctx): number => {
    const parsed = parseDurationMs(input);
    if (!parsed.ok) {
      ctx.issues.push({ code: 'custom', message: parsed.why, input });
      return z.NEVER;
    }
    if (parsed.ms < minMs || parsed.ms > maxMs) {
      const range =
        maxMs === Infinity
          ? `of at least ${formatDurationMs(minMs)}`
          : `from ${formatDurationMs(minMs)} to ${formatDurationMs(maxMs)}`;
      ctx.issues.push({
        code: 'custom',
        message: `expected a duration ${range}, got ${describeValue(input)}`,
        input,
      });
      return z.NEVER;
    }
    return parsed.ms;
  });
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
export const instanceName = z
  .string({ error: expected('a name') })
  .regex(NAME, { error: expected('1 to 64 characters from A-Z a-z 0-9 _ . -') });

/** Linux's dev_valid_name() (net/core/dev.c): below IFNAMSIZ (16), no '/', ':' or space. */
function isInterfaceName(name: string): boolean {
  return (
    name.length >= 1 && name.length <= 15 && name !== '.' && name !== '..' && !/[/:\s]/.test(name)
  );
}

export const interfaceName = z
  .string({ error: expected('an interface name') })
  .refine(isInterfaceName, {
    error: expected("an interface name of 1 to 15 characters without '/', ':' or spaces"),
  });

/** An address label (iproute2's "label"): the kernel's IFNAMSIZ limit applies. */
export const addressLabel = z
  .string({ error: expected('a label like "eth0:vip"') })
  .refine((label) => label.length >= 1 && label.length <= 15, {
    error: expected('a label of at most 15 characters (the kernel limit, IFNAMSIZ)'),
  });

export const hostAddress = z.string({ error: expected('an IP address') }).transform((text, ctx) => {
  const parsed = parseHostAddress(text);
  if (typeof parsed === 'string') {
    ctx.issues.push({ code: 'custom', message: parsed, input: text });
    return z.NEVER;
  }
  return parsed;
});

const prefixedAddress = z
  .string({ error: expected('an address with a prefix length, like "10.0.0.1/24"') })
  .transform((text, ctx) => {
    const parsed = parsePrefixedAddress(text);
    if (typeof parsed === 'string') {
      ctx.issues.push({ code: 'custom', message: parsed, input: text });
      return z.NEVER;
    }
    return parsed;
  });

const VIP_WHAT = 'an address like "10.0.0.1/24" or a mapping { address, device, label }';

/**
 * A VIP: "10.0.0.1/24", or { address, device?, label? }. The text form is turned into the
 * mapping form first, so there is one schema (errors inside it are reported at the text).
 */
export const vipEntry = z.preprocess(
  (input) => (typeof input === 'string' ? { address: input } : input),
  z.strictObject(
    {
      address: prefixedAddress,
      device: interfaceName.optional(),
      label: addressLabel.optional(),
    },
    { error: expectedMapping(VIP_WHAT) },
  ),
);
