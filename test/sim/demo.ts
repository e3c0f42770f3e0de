// `npm run demo` until the live network-namespace demo exists (issue 3): two agents on a
// simulated segment, the real core and codec, a scripted failover timeline.
import { masterDownIntervalMs, skewTimeMs } from '../../src/agent/vrrp/intervals.js';
import type { VirtualRouterConfig } from '../../src/agent/vrrp/types.js';
import { Prng } from './prng.js';
import { SimClock } from './sim-clock.js';
import type { TransitionRecord } from './sim-host.js';
import { SimHost } from './sim-host.js';
import { SimNetwork } from './sim-network.js';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`Usage: npm run demo

Prints a failover timeline: two floatd agents (priorities 150 and 100, VRRP v3, 1 s adverts)
on a simulated segment, running the real VRRP core and packet codec. The MASTER is killed,
comes back and preempts, then is stopped gracefully (priority-0 advert).`);
  process.exit(0);
}

const clock = new SimClock();
const network = new SimNetwork(clock, new Prng(1));
const seconds = (ms: number): string => `${(ms / 1000).toFixed(3).padStart(8)} s`;
const say = (text: string): void => console.log(`${seconds(clock.nowMs())}  ${text}`);

const base = {
  vrid: 51,
  version: 3,
  family: 'ipv4',
  advertIntervalCs: 100,
  preempt: true,
  preemptDelayMs: 0,
  acceptMode: false,
  vips: ['10.99.0.100'],
} as const;
const config = (primaryAddress: string, priority: number): VirtualRouterConfig[] => [
  { ...base, primaryAddress, priority },
];

let lastEventMs = 0;
const observer = {
  transition(r: TransitionRecord): void {
    const since =
      r.to === 'master' ? ` (${(r.atMs - lastEventMs).toFixed(1)} ms after the last event)` : '';
    say(`${r.host}: ${r.from.toUpperCase()} -> ${r.to.toUpperCase()}  [${r.reason}]${since}`);
  },
  drop(): void {},
};
const h1 = new SimHost(
  'h1',
  '10.99.0.1',
  'fe80::1',
  config('10.99.0.1', 150),
  clock,
  network,
  observer,
);
const h2 = new SimHost(
  'h2',
  '10.99.0.2',
  'fe80::2',
  config('10.99.0.2', 100),
  clock,
  network,
  observer,
);

const at = (ms: number, what: string, act: () => void): void => {
  clock.setTimer(ms, () => {
    lastEventMs = clock.nowMs();
    console.log('');
    say(`== ${what}`);
    act();
  });
};

console.log(
  'floatd demo (simulated segment; the live demo in network namespaces comes with issue #3)',
);
console.log(
  'VRID 51, VIP 10.99.0.100, VRRP v3, advert interval 1 s; h1 priority 150, h2 priority 100',
);
console.log(
  `theory: Master_Down_Interval for h2 = ${masterDownIntervalMs(3, 100, 100).toFixed(1)} ms, ` +
    `Skew_Time for h2 = ${skewTimeMs(3, 100, 100).toFixed(1)} ms`,
);
at(0, 'h1 and h2 start', () => {
  h1.start();
  h2.start();
});
at(10_000, 'SIGKILL h1 (the MASTER): h2 waits Master_Down_Interval', () => h1.crash());
at(20_000, 'h1 restarts: it outranks h2 and preempts after its Skew_Time', () => h1.start());
at(30_000, 'SIGTERM h1: a priority-0 advert, h2 takes over after its Skew_Time', () => h1.stop());
clock.runUntil(35_000, () => {});
console.log('');
say(
  `end: h1 ${h1.stateOf(51) ?? 'stopped'}, h2 ${h2.stateOf(51)}; ${network.counters.delivered} adverts delivered`,
);
