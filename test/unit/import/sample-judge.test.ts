import { describe, expect, it } from 'vitest';

import type { Diagnostic } from '../../../src/agent/import/import-keepalived.js';
import { isPendingSchema, judge } from './sample-judge.js';

const VALID = 'instances:\n  - { name: a, vrid: 1, interface: eth0, vips: [10.0.0.1/24] }\n';
const diagnostic = (path: string): Diagnostic => ({
  file: 'k',
  line: 1,
  keyword: 'x',
  message: 'm',
  severity: 'unsupported',
  path,
});

describe('judge (the samples test)', () => {
  it('tells valid, explained and unexplained apart', () => {
    expect(judge(VALID, []).outcome).toBe('valid');
    const bad = VALID.replace('vrid: 1', 'vrid: 300');
    expect(judge(bad, []).outcome).toBe('UNEXPLAINED');
    expect(judge(bad, [diagnostic('instances[0].vrid')]).outcome).toBe('explained');
    expect(judge(bad, [diagnostic('instances[0]')]).outcome).toBe('explained');
    expect(judge(bad, [diagnostic('instances[0].vr')]).outcome).toBe('UNEXPLAINED');
    expect(judge(bad, [{ ...diagnostic('instances[0].vrid'), severity: 'info' }]).outcome).toBe(
      'UNEXPLAINED',
    );
  });

  it('counts only an unknown issue-5 key as pending schema', () => {
    const issue = (path: string, message: string) => ({
      file: 'f',
      line: 1,
      column: 1,
      path,
      message,
    });
    expect(isPendingSchema(issue('trackers', "unknown key 'trackers'"))).toBe(true);
    expect(isPendingSchema(issue('instances[0].notify', "unknown key 'notify'"))).toBe(true);
    expect(isPendingSchema(issue('instances[0].bogus', "unknown key 'bogus'"))).toBe(false);
    expect(isPendingSchema(issue('instances[0].track', 'expected a list'))).toBe(false);
  });
});
