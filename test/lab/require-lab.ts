// Lab tests need root and iproute2. In CI they must FAIL when the lab is unavailable; elsewhere
// they are skipped with the reason printed.
import type { TestContext } from 'vitest';
import { labUnavailableReason } from './lab.js';

export function requireLab(ctx: TestContext, extra?: () => string | undefined): void {
  const reason = labUnavailableReason() ?? extra?.();
  if (reason === undefined) return;
  if (process.env.CI === 'true') throw new Error(`CI must run this lab test, but: ${reason}`);
  console.warn(`skipping "${ctx.task.name}": ${reason}`);
  ctx.skip();
}
