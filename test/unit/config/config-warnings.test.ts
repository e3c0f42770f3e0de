// Warnings for valid but risky configurations: weighted tracking that differs between the
// members of a sync group.
import { describe, expect, it } from 'vitest';
import { configWarnings } from '../../../src/agent/config/config-warnings.js';
import { parseConfigText } from '../../../src/agent/config/load-config.js';

function config(trackA: string, trackB: string): string {
  return [
    'trackers:',
    '  - { name: web, type: tcp, host: 127.0.0.1, port: 80, weight: -50 }',
    '  - { name: db, type: tcp, host: 127.0.0.1, port: 5432, weight: 0 }',
    'syncGroups: [{ name: G1, instances: [a, b] }]',
    'instances:',
    `  - { name: a, vrid: 1, interface: eth0, vips: [10.9.0.1/24]${trackA} }`,
    `  - { name: b, vrid: 2, interface: eth0, vips: [10.9.0.2/24]${trackB} }`,
    '',
  ].join('\n');
}

const warnings = (text: string): string[] => configWarnings(parseConfigText(text, 'f.yaml'));

describe('configWarnings', () => {
  it('warns when one member of a sync group tracks a weight the others do not', () => {
    expect(warnings(config(', track: [{ tracker: web }]', ''))).toEqual([
      expect.stringMatching(/^syncGroups G1: its members track different weighted/),
    ]);
  });

  it('is quiet when every member tracks the same weights, or only weight-0 (FAULT) ones', () => {
    const same = ', track: [{ tracker: web }]';
    expect(warnings(config(same, same))).toEqual([]);
    expect(warnings(config(', track: [{ tracker: db }]', ''))).toEqual([]);
    expect(warnings(config(', track: [{ interface: eth1 }]', ''))).toEqual([]);
  });
});
