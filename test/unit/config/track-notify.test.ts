// Issue-5 keys: trackers, track entries, notify hooks, sync groups, the notify FIFO and the
// status endpoint; cross references are checked and reported at their key.
import { describe, expect, it } from 'vitest';

import { parseConfigText } from '../../../src/agent/config/load-config.js';
import { expectOneIssue, oneInstance } from './helpers.js';

const TRACKERS = [
  'trackers:',
  '  - { name: chk, type: script, script: /usr/local/bin/check, args: [-q], interval: 2s, weight: -20, fall: 2 }',
  '  - { name: web, type: http, url: "http://127.0.0.1/health", interval: 1s, timeout: 300ms }',
  '  - { name: db, type: tcp, host: 127.0.0.1, port: 5432 }',
  '  - { name: w, type: file, path: /run/w }',
  '  - { name: p, type: process, process: nginx }',
].join('\n');

describe('trackers and track entries', () => {
  it('normalises every tracker kind with keepalived-like defaults', () => {
    const config = parseConfigText(
      `${TRACKERS}\n${oneInstance('track:\n  - { tracker: chk, weight: -30 }\n  - { interface: eth1 }')}`,
      'f.yaml',
    );
    expect(config.trackers).toEqual([
      {
        name: 'chk',
        type: 'script',
        script: '/usr/local/bin/check',
        args: ['-q'],
        intervalMs: 2000,
        timeoutMs: 2000,
        weight: -20,
        rise: 1,
        fall: 2,
      },
      {
        name: 'web',
        type: 'http',
        url: 'http://127.0.0.1/health',
        expectStatus: 200,
        tlsVerify: true,
        intervalMs: 1000,
        timeoutMs: 300,
        weight: 0,
        rise: 1,
        fall: 1,
      },
      expect.objectContaining({ name: 'db', type: 'tcp', port: 5432, intervalMs: 1000 }),
      {
        name: 'w',
        type: 'file',
        path: '/run/w',
        weight: 1,
        intervalMs: 1000,
        timeoutMs: 1000,
        rise: 1,
        fall: 1,
      },
      expect.objectContaining({ name: 'p', type: 'process', process: 'nginx', minProcesses: 1 }),
    ]);
    expect(config.instances[0]?.track).toEqual([
      { tracker: 'chk', weight: -30 },
      { interface: 'eth1', weight: 0 },
    ]);
  });

  it('rejects a track entry naming no tracker', () => {
    expectOneIssue(
      `${TRACKERS}\n${oneInstance('track:\n  - { tracker: @@nope }')}`,
      'instances[0].track[0].tracker',
      /no tracker named "nope" \(trackers: chk, web, db, w, p\)/,
    );
  });

  it('rejects a relative script path', () => {
    expectOneIssue(
      `trackers:\n  - { name: c, type: script, script: @@check.sh }\n${oneInstance()}`,
      'trackers[0].script',
      /expected an absolute path/,
    );
  });
});

describe('notify, sync groups, FIFO, status', () => {
  it('reads notify hooks with a timeout, sync groups, the FIFO and the status listener', () => {
    const config = parseConfigText(
      [
        'notifyFifo: /run/floatd.fifo',
        'status: { listen: "127.0.0.1:9700" }',
        'syncGroups:',
        '  - { name: G1, instances: [web], notify: { any: /etc/floatd/group.sh } }',
        oneInstance(
          'notify: { master: "/etc/floatd/m.sh arg", any: /etc/floatd/n.sh, timeout: 5s }',
        ),
      ].join('\n'),
      'f.yaml',
    );
    expect(config.instances[0]?.notify).toEqual({
      master: '/etc/floatd/m.sh arg',
      any: '/etc/floatd/n.sh',
      timeoutMs: 5000,
    });
    expect(config.syncGroups).toEqual([
      { name: 'G1', instances: ['web'], notify: { any: '/etc/floatd/group.sh', timeoutMs: 30000 } },
    ]);
    expect(config.notifyFifo).toBe('/run/floatd.fifo');
    expect(config.status).toEqual({ listen: '127.0.0.1:9700' });
    expect(parseConfigText(`status: false\n${oneInstance()}`, 'f.yaml').status).toBe(false);
  });

  it('rejects a sync group naming an unknown instance', () => {
    expectOneIssue(
      `syncGroups:\n  - { name: G1, instances: [@@db] }\n${oneInstance()}`,
      'syncGroups[0].instances[0]',
      /no instance named "db"/,
    );
  });

  it('rejects an instance in two sync groups', () => {
    expectOneIssue(
      `syncGroups:\n  - { name: G1, instances: [web] }\n  - { name: G2, instances: [@@web] }\n${oneInstance()}`,
      'syncGroups[1].instances[0]',
      /instance "web" is already in sync group "G1"/,
    );
  });
});
