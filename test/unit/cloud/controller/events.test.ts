// The events the controller is started by, in the shapes AWS documents (EventBridge's scheduled
// event; EC2's "EC2 Instance State-change Notification", see the EC2 User Guide, "State change
// events for Amazon EC2 instances").
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../../../src/cloud/controller/events.js';

const scheduled = {
  version: '0',
  id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-12-07T04:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/floatd-controller'],
  detail: {},
};

const stateChange = (state: string) => ({
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2026-12-07T04:00:07Z',
  region: 'eu-west-1',
  resources: ['arn:aws:ec2:eu-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state },
});

describe('controller events', () => {
  it('a scheduled event starts a run at its time', () => {
    expect(parseEvent(scheduled)).toEqual({
      kind: 'schedule',
      atMs: Date.parse('2026-12-07T04:00:00Z'),
    });
  });

  it.each([
    ['stopping', true],
    ['stopped', true],
    ['shutting-down', true],
    ['terminated', true],
    ['pending', false],
    ['running', false],
  ])('an instance %s: down %s', (state, down) => {
    expect(parseEvent(stateChange(state))).toEqual({
      kind: 'instance-state',
      instanceId: 'i-1234567890abcdef0',
      state,
      down,
      atMs: Date.parse('2026-12-07T04:00:07Z'),
    });
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['no time', { ...scheduled, time: undefined }],
    ['another source', { ...scheduled, source: 'aws.s3' }],
    ['an unknown state', stateChange('exploded')],
    [
      'a bad instance id',
      { ...stateChange('stopped'), detail: { 'instance-id': 'x', state: 'stopped' } },
    ],
  ])('%s is refused with a reason, not thrown', (_name, event) => {
    const parsed = parseEvent(event);
    expect(parsed.kind).toBe('unknown');
    expect(parsed.kind === 'unknown' && parsed.why.length).toBeGreaterThan(10);
  });
});
