// The EventBridge events that start the controller, as AWS documents them: the scheduled rule's
// "Scheduled Event" (source aws.events) and EC2's "EC2 Instance State-change Notification"
// (source aws.ec2, detail { instance-id, state }). Pure: anything else is refused with a reason,
// never thrown at the Lambda runtime, which would retry it.
import { z } from 'zod';

/** The states in which a host can hold nothing any more: it fails over at once. */
const DOWN_STATES = new Set(['stopping', 'stopped', 'shutting-down', 'terminated']);
const STATES = ['pending', 'running', ...DOWN_STATES] as const;

export type ControllerEvent =
  | { readonly kind: 'schedule'; readonly atMs: number }
  | {
      readonly kind: 'instance-state';
      readonly instanceId: string;
      readonly state: string;
      /** stopping, stopped, shutting-down or terminated. */
      readonly down: boolean;
      readonly atMs: number;
    }
  | { readonly kind: 'unknown'; readonly why: string };

const envelope = z.object({
  'detail-type': z.string(),
  source: z.string(),
  time: z.iso.datetime({ offset: true }),
  detail: z.unknown(),
});

const stateDetail = z.object({
  'instance-id': z.string().regex(/^i-[0-9a-f]{8,17}$/),
  state: z.enum(STATES),
});

export function parseEvent(event: unknown): ControllerEvent {
  const parsed = envelope.safeParse(event);
  if (!parsed.success) {
    return { kind: 'unknown', why: `not an EventBridge event: ${z.prettifyError(parsed.error)}` };
  }
  const { source, time, detail } = parsed.data;
  const type = parsed.data['detail-type'];
  const atMs = Date.parse(time);
  if (source === 'aws.events' && type === 'Scheduled Event') return { kind: 'schedule', atMs };
  if (source === 'aws.ec2' && type === 'EC2 Instance State-change Notification') {
    const d = stateDetail.safeParse(detail);
    if (!d.success) {
      return { kind: 'unknown', why: `bad state-change detail: ${z.prettifyError(d.error)}` };
    }
    return {
      kind: 'instance-state',
      instanceId: d.data['instance-id'],
      state: d.data.state,
      down: DOWN_STATES.has(d.data.state),
      atMs,
    };
  }
  return { kind: 'unknown', why: `not handled: ${source} "${type}"` };
}
