// The Lambda entry point (runtime nodejs22.x, handler index.handler): EventBridge's scheduled
// event starts a run that probes until shortly before the next one starts; an EC2 state-change
// notification is evaluated at once. The configuration comes from FLOATD_CONTROLLER_CONFIG
// (JSON, see config.ts) and is read once per execution environment, with the controller's
// state (health so far), so a warm environment goes on where its last run stopped.
//
// Errors: a bad configuration throws (the invocation fails, is retried and lands in the
// dead-letter queue, where an operator sees it); an event we do not handle is logged and
// answered, never thrown, since a retry would not change it.
import { pino, type Logger } from 'pino';
import { createEc2Client } from '../aws/ec2-client.js';
import { realTiming, type CloudTiming } from '../timing.js';
import { parseControllerConfig } from './config.js';
import { Controller, type RunSummary } from './controller.js';
import { parseEvent } from './events.js';

/** The part of the Lambda context the controller uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export interface HandlerResult extends Partial<RunSummary> {
  readonly event: string;
}

/** Stop starting probes this long before the next scheduled run or the Lambda's timeout. */
const END_MARGIN_MS = 3_000;

let controller: Controller | undefined;
let logger: Logger | undefined;
const timing: CloudTiming = realTiming;

function runtime(): { controller: Controller; logger: Logger } {
  logger ??= pino({
    base: { component: 'floatd-controller' },
    level: process.env.FLOATD_LOG_LEVEL ?? 'info',
  });
  if (controller === undefined) {
    const config = parseControllerConfig(process.env.FLOATD_CONTROLLER_CONFIG ?? '');
    controller = new Controller({
      config,
      client: createEc2Client({
        region: config.region,
        endpoint: config.endpoint,
        callTimeoutMs: 2_000,
      }),
      logger,
      timing,
      emit: (line) => process.stdout.write(`${line}\n`),
    });
  }
  return { controller, logger };
}

export async function handler(event: unknown, context?: LambdaContext): Promise<HandlerResult> {
  const startedMs = timing.nowMs();
  const { controller, logger } = runtime();
  const parsed = parseEvent(event);
  const endMs = startedMs + (context?.getRemainingTimeInMillis() ?? controller.schedulePeriodMs);
  switch (parsed.kind) {
    case 'unknown':
      logger.warn({ event: 'event-ignored', why: parsed.why }, `event ignored: ${parsed.why}`);
      return { event: 'ignored', note: parsed.why };
    case 'instance-state':
      return {
        event: 'instance-state',
        ...(await controller.onInstanceState(parsed.instanceId, parsed.state, endMs)),
      };
    case 'schedule': {
      // Until shortly before the next scheduled start, counted from the event's own time: a
      // duplicate or a retry delivered late runs only what is left of its minute, if anything.
      const periodEndMs = Math.min(parsed.atMs, startedMs) + controller.schedulePeriodMs;
      const untilMs = Math.min(periodEndMs, endMs) - END_MARGIN_MS;
      return { event: 'schedule', ...(await controller.runScheduled(untilMs, endMs)) };
    }
  }
}
