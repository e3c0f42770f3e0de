// Each single-value rule: a failing input gives exactly one issue, at the marked line and
// column, with the key path and what was expected.
import { describe, it } from 'vitest';

import { expectOneIssue, oneInstance } from './helpers.js';

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly path: string;
  readonly message: RegExp;
}

const P = 'instances[0]';

const cases: Case[] = [
  {
    name: 'priority above 255',
    yaml: oneInstance('priority: @@300'),
    path: `${P}.priority`,
    message: /^expected an integer from 1 to 255, got 300$/,
  },
  {
    name: 'priority 0',
    yaml: oneInstance('priority: @@0'),
    path: `${P}.priority`,
    message: /^expected an integer from 1 to 255, got 0$/,
  },
  {
    name: 'priority not an integer',
    yaml: oneInstance('priority: @@1.5'),
    path: `${P}.priority`,
    message: /got 1\.5$/,
  },
  {
    name: 'priority quoted',
    yaml: oneInstance('priority: @@"150"'),
    path: `${P}.priority`,
    message: /^expected an integer from 1 to 255, got "150"$/,
  },
  {
    name: 'priority empty',
    yaml: oneInstance('@@priority:'),
    path: `${P}.priority`,
    message: /got an empty value$/,
  },
  {
    name: 'vrid 256',
    yaml: oneInstance().replace('vrid: 51', 'vrid: @@256'),
    path: `${P}.vrid`,
    message: /^expected an integer from 1 to 255, got 256$/,
  },
  {
    name: 'vrid missing (reported at the instance)',
    yaml: oneInstance().replace('    vrid: 51\n', '').replace('- name', '- @@name'),
    path: `${P}.vrid`,
    message: /^required: expected an integer from 1 to 255$/,
  },
  {
    name: 'name with a space',
    yaml: oneInstance().replace('name: web', 'name: @@a b'),
    path: `${P}.name`,
    message: /^expected 1 to 64 characters from A-Z a-z 0-9 _ \. -, got "a b"$/,
  },
  {
    name: 'name of 65 characters',
    yaml: oneInstance().replace('name: web', `name: @@${'n'.repeat(65)}`),
    path: `${P}.name`,
    message: /^expected 1 to 64 characters/,
  },
  {
    name: 'interface with a slash',
    yaml: oneInstance().replace('interface: eth0', 'interface: @@eth0/1'),
    path: `${P}.interface`,
    message: /^expected an interface name of 1 to 15 characters/,
  },
  {
    name: 'interface of 16 characters (IFNAMSIZ)',
    yaml: oneInstance().replace('interface: eth0', `interface: @@${'e'.repeat(16)}`),
    path: `${P}.interface`,
    message: /^expected an interface name of 1 to 15 characters/,
  },
  {
    name: 'version 4',
    yaml: oneInstance('version: @@4'),
    path: `${P}.version`,
    message: /^expected 2 or 3, got 4$/,
  },
  {
    name: 'preempt "yes" (a string in YAML 1.2)',
    yaml: oneInstance('preempt: @@yes'),
    path: `${P}.preempt`,
    message: /^expected true or false, got "yes"$/,
  },
  {
    name: 'preemptDelay above 1000s (keepalived)',
    yaml: oneInstance('preemptDelay: @@1001s'),
    path: `${P}.preemptDelay`,
    message: /^expected a duration from 0ms to 1000s, got "1001s"$/,
  },
  {
    name: 'advertInterval without a unit',
    yaml: oneInstance('advertInterval: @@5'),
    path: `${P}.advertInterval`,
    message: /^expected a duration with a unit.*got 5 \(a number without a unit\)$/,
  },
  {
    name: 'advertInterval in hours',
    yaml: oneInstance('advertInterval: @@1h'),
    path: `${P}.advertInterval`,
    message: /^unsupported unit "h" in "1h": use ms, s or m$/,
  },
  {
    name: 'advertInterval negative',
    yaml: oneInstance('advertInterval: @@-1s'),
    path: `${P}.advertInterval`,
    message: /^a duration cannot be negative/,
  },
  {
    name: 'mode broadcast',
    yaml: oneInstance('mode: @@broadcast'),
    path: `${P}.mode`,
    message: /^expected one of multicast, unicast, auto, got "broadcast"$/,
  },
  {
    name: 'vips empty',
    yaml: oneInstance('', '@@[]'),
    path: `${P}.vips`,
    message: /^expected at least one VIP$/,
  },
  {
    name: 'vips not a list',
    yaml: oneInstance('', '@@10.99.0.100/24'),
    path: `${P}.vips`,
    message: /^expected a list of VIPs/,
  },
  {
    name: 'vip not an address',
    yaml: oneInstance('', '[10.99.0.100/24, @@10.99.0.300/24]'),
    path: `${P}.vips[1]`,
    message: /^invalid address "10\.99\.0\.300": not a dotted-quad IPv4 address$/,
  },
  {
    name: 'vip prefix 33',
    yaml: oneInstance('', '[@@10.99.0.100/33]'),
    path: `${P}.vips[0]`,
    message: /^prefix length in "10\.99\.0\.100\/33" must be an integer from 1 to 32$/,
  },
  {
    name: 'vip multicast',
    yaml: oneInstance('', '[@@224.0.0.5/32]'),
    path: `${P}.vips[0]`,
    message: /^224\.0\.0\.5 is not a host address \(multicast\)$/,
  },
  {
    name: 'vip of the wrong type',
    yaml: oneInstance('', '[@@5]'),
    path: `${P}.vips[0]`,
    message: /^expected an address like "10\.0\.0\.1\/24" or a mapping/,
  },
  {
    name: 'vip mapping without an address',
    yaml: oneInstance('', '[@@{ device: eth1 }]'),
    path: `${P}.vips[0].address`,
    message: /^required: expected an address/,
  },
  {
    name: 'vip label over 15 characters',
    yaml: oneInstance('', '[{ address: 10.99.0.100/24, label: @@"eth0:abcdefghijk" }]'),
    path: `${P}.vips[0].label`,
    message: /^expected a label of at most 15 characters/,
  },
  {
    name: 'vip device invalid',
    yaml: oneInstance('', '[{ address: 10.99.0.100/24, device: @@"a:b" }]'),
    path: `${P}.vips[0].device`,
    message: /^expected an interface name/,
  },
  {
    name: 'unicast peer not an address',
    yaml: oneInstance('unicast: { peers: [@@10.99.0] }'),
    path: `${P}.unicast.peers[0]`,
    message: /^invalid address "10\.99\.0"/,
  },
  {
    name: 'unicast not a mapping',
    yaml: oneInstance('unicast: @@[10.99.0.2]'),
    path: `${P}.unicast`,
    message:
      /^expected a mapping \{ source, peers, acceptUnknownPeers, probe, probeInterval \}, got a list$/,
  },
  {
    name: 'auto.multicastSilence below 100ms',
    yaml: oneInstance('auto: { multicastSilence: @@50ms }'),
    path: `${P}.auto.multicastSilence`,
    message: /^expected a duration from 100ms to 60m, got "50ms"$/,
  },
  {
    name: 'authentication type ah',
    yaml: oneInstance('version: 2\nauthentication: { type: @@ah, password: x }'),
    path: `${P}.authentication.type`,
    message: /^expected "pass" \(AH is not supported\), got "ah"$/,
  },
  {
    name: 'password of 9 bytes (keepalived truncates)',
    yaml: oneInstance('version: 2\nauthentication: { type: pass, password: @@"123456789" }'),
    path: `${P}.authentication.password`,
    message: /^expected at most 8 bytes, got 9: .*keepalived silently truncates/,
  },
  {
    name: 'password of 9 bytes in UTF-8 (5 characters)',
    yaml: oneInstance('version: 2\nauthentication: { type: pass, password: @@"ééééé" }'),
    path: `${P}.authentication.password`,
    message: /^expected at most 8 bytes, got 10/,
  },
  {
    name: 'password empty',
    yaml: oneInstance('version: 2\nauthentication: { type: pass, password: @@"" }'),
    path: `${P}.authentication.password`,
    message: /^expected 1 to 8 bytes, got none$/,
  },
  {
    name: 'password a number (not echoed)',
    yaml: oneInstance('version: 2\nauthentication: { type: pass, password: @@12345 }'),
    path: `${P}.authentication.password`,
    message: /^expected a string \(quote it\)$/,
  },
  {
    name: 'garp.masterRepeat 0',
    yaml: oneInstance('garp:\n  masterRepeat: @@0'),
    path: `${P}.garp.masterRepeat`,
    message: /^expected an integer from 1 to 255, got 0$/,
  },
  {
    name: 'garp.interval above 10s',
    yaml: oneInstance('garp:\n  interval: @@11s'),
    path: `${P}.garp.interval`,
    message: /^expected a duration from 0ms to 10s, got "11s"$/,
  },
  {
    name: 'checkAddressList a number',
    yaml: oneInstance('checkAddressList: @@1'),
    path: `${P}.checkAddressList`,
    message: /^expected true or false, got 1$/,
  },
  {
    name: 'log.level unknown',
    yaml: `log:\n  level: @@verbose\n${oneInstance()}`,
    path: 'log.level',
    message: /^expected one of trace, debug, info, warn, error, got "verbose"$/,
  },
  {
    name: 'log.format unknown',
    yaml: `log: { format: @@text }\n${oneInstance()}`,
    path: 'log.format',
    message: /^expected json or pretty, got "text"$/,
  },
  {
    name: 'instances empty',
    yaml: 'instances: @@[]\n',
    path: 'instances',
    message: /^expected 1 to 255 instances, got 0$/,
  },
  {
    name: 'instances missing (reported at the document)',
    yaml: '@@log: { level: info }\n',
    path: 'instances',
    message: /^required: expected a list of instances$/,
  },
  {
    name: 'an instance that is not a mapping',
    yaml: 'instances:\n  - @@web\n',
    path: 'instances[0]',
    message: /^expected a mapping with name, vrid, interface and vips, got "web"$/,
  },
];

describe('single-value rules', () => {
  it.each(cases)('$name', ({ yaml, path, message }) => {
    expectOneIssue(yaml, path, message);
  });
});
