// Rules across keys and across instances: each reported at its own key path and position.
import { describe, expect, it } from 'vitest';

import { parseConfigText } from '../../../src/agent/config/load-config.js';
import { configError, expectOneIssue, marked, oneInstance } from './helpers.js';

const P = 'instances[0]';

describe('one family per instance', () => {
  it('rejects an IPv6 VIP after an IPv4 one (text form: at the entry)', () => {
    expectOneIssue(
      oneInstance('', '[10.99.0.100/24, @@"2001:db8::1/64"]'),
      `${P}.vips[1]`,
      /^2001:db8::1 is IPv6 but the first VIP is IPv4: all VIPs of an instance are in one family$/,
    );
  });

  it('rejects it in mapping form at the address', () => {
    expectOneIssue(
      oneInstance('', '[10.99.0.100/24, { address: @@"2001:db8::1/64" }]'),
      `${P}.vips[1].address`,
      /is IPv6 but the first VIP is IPv4/,
    );
  });

  it('derives the family from the VIPs', () => {
    const config = parseConfigText(oneInstance('', '["2001:db8::100/64"]'), 'f.yaml');
    expect(config.instances[0]?.family).toBe('ipv6');
  });

  it('rejects the same VIP twice', () => {
    expectOneIssue(
      oneInstance('', '[10.99.0.100/24, @@10.99.0.100/32]'),
      `${P}.vips[1]`,
      /^10\.99\.0\.100 is already vips\[0\]$/,
    );
  });
});

describe('version rules', () => {
  it('version 2 is IPv4 only', () => {
    expectOneIssue(
      oneInstance('version: @@2', '["2001:db8::1/64"]'),
      `${P}.version`,
      /^version 2 is IPv4 only \(RFC 3768\) and the VIPs are IPv6: use version 3$/,
    );
  });

  it('authentication only with version 2', () => {
    expectOneIssue(
      oneInstance('authentication: @@{ type: pass, password: secret }'),
      `${P}.authentication`,
      /^authentication is only for version 2/,
    );
  });

  it('accepts authentication with version 2', () => {
    const text = oneInstance('version: 2\nauthentication: { type: pass, password: secret }');
    expect(parseConfigText(text, 'f.yaml').instances[0]?.authPassword).toBe('secret');
  });

  it.each([
    ['1500ms', '1.5s'],
    ['500ms', '500ms'],
    ['256s', '256s'],
    ['0s', '0ms'],
  ])('version 2 needs whole seconds 1..255: %s', (interval, shown) => {
    expectOneIssue(
      oneInstance(`version: 2\nadvertInterval: @@${interval}`),
      `${P}.advertInterval`,
      new RegExp(
        `^expected whole seconds from 1s to 255s for version 2 \\(RFC 3768 §5\\.3\\.7\\), got ${shown}$`,
      ),
    );
  });

  it.each(['5ms', '15ms', '41s', '0s'])(
    'version 3 needs 10ms steps from 10ms to 40.95s: %s',
    (interval) => {
      expectOneIssue(
        oneInstance(`advertInterval: @@${interval}`),
        `${P}.advertInterval`,
        /^expected a multiple of 10ms from 10ms to 40\.95s for version 3 \(RFC 5798 §5\.2\.7\)/,
      );
    },
  );

  it.each([
    [3, '10ms', 1],
    [3, '40.95s', 4095],
    [3, '2.5s', 250],
    [2, '1s', 100],
    [2, '255s', 25500],
    [2, '1m', 6000],
  ])('accepts version %i with %s (%i cs)', (version, interval, cs) => {
    const text = oneInstance(`version: ${version}\nadvertInterval: ${interval}`);
    expect(parseConfigText(text, 'f.yaml').instances[0]?.advertIntervalCs).toBe(cs);
  });
});

describe('unicast rules', () => {
  it('mode unicast needs a unicast mapping (reported at mode)', () => {
    expectOneIssue(
      oneInstance('mode: @@unicast'),
      `${P}.mode`,
      /^mode unicast needs unicast\.peers \(at least one peer\)$/,
    );
  });

  it('mode unicast needs at least one peer', () => {
    expectOneIssue(
      oneInstance('mode: unicast\nunicast:\n  peers: @@[]'),
      `${P}.unicast.peers`,
      /^mode unicast needs at least one peer$/,
    );
  });

  it('mode auto does not need peers', () => {
    const config = parseConfigText(oneInstance('mode: auto'), 'f.yaml');
    expect(config.instances[0]?.unicast).toEqual({ peers: [], acceptUnknownPeers: false });
  });

  it('peers are in the instance family', () => {
    expectOneIssue(
      oneInstance('mode: unicast\nunicast: { peers: [10.99.0.2, @@"2001:db8::2"] }'),
      `${P}.unicast.peers[1]`,
      /^2001:db8::2 is IPv6 but the instance's VIPs are IPv4$/,
    );
  });

  it('the source is in the instance family', () => {
    expectOneIssue(
      oneInstance('mode: unicast\nunicast:\n  source: @@"fe80::1"\n  peers: [10.99.0.2]'),
      `${P}.unicast.source`,
      /^fe80::1 is IPv6 but the instance's VIPs are IPv4$/,
    );
  });

  it('a peer is listed once', () => {
    expectOneIssue(
      oneInstance('mode: unicast\nunicast: { peers: [10.99.0.2, @@10.99.0.2] }'),
      `${P}.unicast.peers[1]`,
      /^10\.99\.0\.2 is already peers\[0\]$/,
    );
  });

  it('canonicalises IPv6 peers', () => {
    const text = oneInstance(
      'mode: unicast\nunicast: { peers: ["2001:DB8:0:0::2"] }',
      '["2001:db8::100/64"]',
    );
    expect(parseConfigText(text, 'f.yaml').instances[0]?.unicast.peers).toEqual(['2001:db8::2']);
  });
});

describe('label rules', () => {
  it('a label starts with the instance interface and a colon when device is not given', () => {
    expectOneIssue(
      oneInstance('', '[{ address: 10.99.0.100/24, label: @@"eth1:vip" }]'),
      `${P}.vips[0].label`,
      /^expected a label starting with "eth0:" .*iproute2.*, got "eth1:vip"$/,
    );
  });

  it('a label starts with the VIP device when given', () => {
    expectOneIssue(
      oneInstance('', '[{ address: 10.99.0.100/24, device: eth1, label: @@"eth0:vip" }]'),
      `${P}.vips[0].label`,
      /^expected a label starting with "eth1:"/,
    );
  });

  it('a bare device name is not enough (the colon is required)', () => {
    expectOneIssue(
      oneInstance('', '[{ address: 10.99.0.100/24, label: @@eth0 }]'),
      `${P}.vips[0].label`,
      /^expected a label starting with "eth0:"/,
    );
  });

  it('accepts a label on another device', () => {
    const text = oneInstance('', '[{ address: 10.99.0.100/24, device: eth1, label: "eth1:web" }]');
    expect(parseConfigText(text, 'f.yaml').instances[0]?.vips).toEqual([
      { address: '10.99.0.100', prefixLength: 24, device: 'eth1', label: 'eth1:web' },
    ]);
  });
});

describe('across instances', () => {
  const two = (second: string): string => `${oneInstance()}  - name: ${second}\n`;

  it('names are unique', () => {
    expectOneIssue(
      two('@@web\n    vrid: 52\n    interface: eth0\n    vips: [10.99.0.101/24]'),
      'instances[1].name',
      /^duplicate instance name "web" \(also instances\[0\]\)$/,
    );
  });

  it('(interface, vrid, family) is unique', () => {
    expectOneIssue(
      two('db\n    vrid: @@51\n    interface: eth0\n    vips: [10.99.0.101/24]'),
      'instances[1].vrid',
      /^vrid 51 on eth0 \(ipv4\) is already instances\[0\] \("web"\)$/,
    );
  });

  it('the same vrid is fine on another interface or in the other family', () => {
    const text =
      two('db\n    vrid: 51\n    interface: eth1\n    vips: [10.99.0.101/24]') +
      '  - name: v6\n    vrid: 51\n    interface: eth0\n    vips: ["2001:db8::1/64"]\n';
    expect(parseConfigText(text, 'f.yaml').instances.map((i) => i.name)).toEqual([
      'web',
      'db',
      'v6',
    ]);
  });

  it('at most 255 instances', () => {
    const lines = ['instances:'];
    for (let i = 0; i < 256; i += 1) {
      lines.push(
        `  - { name: i${i}, vrid: ${(i % 255) + 1}, interface: e${i}, vips: [10.99.0.1/24] }`,
      );
    }
    const { text } = marked(lines.join('\n'));
    const err = configError(text);
    expect(err.issues.map((i) => [i.path, i.line, i.column, i.message])).toEqual([
      ['instances', 2, 3, 'expected 1 to 255 instances, got 256'], // the list's first dash,
    ]);
  });
});
