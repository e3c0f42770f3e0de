// unicast.probe and unicast.probeInterval: the split-brain diagnosis' probe of each peer
// (issue 14, Build 4). Absent, the defaults apply at run time (ICMP, the advert interval).
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/agent/config/load-config.js';
import { expectOneIssue, oneInstance } from './helpers.js';

const unicast = (probe: string): string =>
  oneInstance(`mode: unicast\nunicast: { peers: [10.99.0.2]${probe} }`);

describe('unicast.probe', () => {
  it('is absent unless set, and reads icmp, off and { tcp: PORT }', () => {
    const probeOf = (text: string) => parseConfigText(text, 'f.yaml').instances[0]?.unicast;
    expect(probeOf(unicast(''))).toEqual({ peers: ['10.99.0.2'], acceptUnknownPeers: false });
    expect(probeOf(unicast(', probe: icmp'))?.probe).toEqual({ kind: 'icmp' });
    expect(probeOf(unicast(', probe: off'))?.probe).toEqual({ kind: 'off' });
    expect(probeOf(unicast(', probe: { tcp: 22 }, probeInterval: 250ms'))).toMatchObject({
      probe: { kind: 'tcp', port: 22 },
      probeIntervalMs: 250,
    });
  });

  it('refuses anything else, at its position', () => {
    expectOneIssue(
      unicast(', probe: @@ping'),
      'instances[0].unicast.probe',
      /expected icmp, ec2, off, or a mapping \{ tcp: PORT \}/,
    );
    expectOneIssue(
      unicast(', probe: { tcp: @@70000 }'),
      'instances[0].unicast.probe.tcp',
      /expected an integer from 1 to 65535/,
    );
    expectOneIssue(
      unicast(', probeInterval: @@5ms'),
      'instances[0].unicast.probeInterval',
      /from 10ms to 1m/,
    );
  });
});
