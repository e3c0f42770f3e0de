// The split-brain diagnosis' probes (issue 14, Build 4) against a fake ICMP socket and clock:
// echoes every interval with the instance's state in them, replies matched by identifier,
// sequence and source, a lost one reported after its interval, beacons only from peers.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PeerProbes, probeIntervalMs } from '../../../src/agent/daemon/peer-probes.js';
import type { ProbedInstance } from '../../../src/agent/daemon/peer-probes.js';
import type { EchoListener, EchoSocket } from '../../../src/agent/io/icmp-socket.js';
import { decodeBeacon, encodeBeacon } from '../../../src/agent/io/peer-beacon.js';
import type { VrrpState } from '../../../src/agent/vrrp/types.js';
import { FakeClock, settle } from '../track/fake-clock.js';

const PEER = '10.99.0.2';

interface Sent {
  readonly address: string;
  readonly identifier: number;
  readonly sequence: number;
  readonly data: Uint8Array;
}

function setup(probe: ProbedInstance['probe'] = { kind: 'icmp' }, tcpOk = true) {
  const clock = new FakeClock();
  const sent: Sent[] = [];
  let listener: EchoListener | undefined;
  const socket: EchoSocket = {
    send: (address, identifier, sequence, data) =>
      sent.push({ address, identifier, sequence, data }),
    close: () => undefined,
  };
  const probes = new PeerProbes({
    clock,
    logger: pino({ level: 'silent' }),
    openEchoSocket: (_family, onEcho) => {
      listener = onEcho;
      return socket;
    },
    tcpCheck: async () => ({ ok: tcpOk }),
  });
  const results: [string, boolean][] = [];
  const said: [string, VrrpState][] = [];
  const instance: ProbedInstance = {
    name: 'web',
    family: 'ipv4',
    vrid: 51,
    peers: [PEER],
    probe,
    intervalMs: 100,
    state: () => 'master',
    probed: (peer, ok) => results.push([peer, ok]),
    peerSaid: (peer, state) => said.push([peer, state]),
  };
  const remove = probes.add(instance);
  const reply = (s: Sent, source = PEER): void =>
    listener?.(
      { kind: 'reply', identifier: s.identifier, sequence: s.sequence, data: Buffer.from(s.data) },
      source,
    );
  const request = (data: Buffer, source = PEER): void =>
    listener?.({ kind: 'request', identifier: 1, sequence: 1, data }, source);
  return { clock, sent, results, said, reply, request, remove, probes };
}

describe('PeerProbes', () => {
  it('sends an echo per peer every interval, saying our VRID and state', () => {
    const { clock, sent } = setup();
    clock.advance(100);
    clock.advance(100);
    expect(sent.map((s) => s.address)).toEqual([PEER, PEER, PEER]);
    expect(decodeBeacon(sent[0]?.data ?? new Uint8Array())).toEqual({ vrid: 51, state: 'master' });
    expect(new Set(sent.map((s) => s.sequence)).size).toBe(3);
  });

  it('reports a matching reply as up, a missing one as down after its interval', () => {
    const { clock, sent, results, reply } = setup();
    const [first] = sent;
    if (first === undefined) throw new Error('no echo sent');
    reply(first, '10.99.0.3'); // not from the peer probed
    reply({ ...first, identifier: first.identifier ^ 1 }); // another program's ping
    reply(first);
    reply(first); // a duplicate counts once
    expect(results).toEqual([[PEER, true]]);
    clock.advance(100); // the second echo goes out
    clock.advance(100); // ... and is declared lost at the third round
    expect(results).toEqual([
      [PEER, true],
      [PEER, false],
    ]);
  });

  it('hands over beacons from configured peers only', () => {
    const { said, request } = setup();
    request(encodeBeacon({ vrid: 51, state: 'master' }));
    request(encodeBeacon({ vrid: 52, state: 'master' })); // another VRID
    request(encodeBeacon({ vrid: 51, state: 'master' }), '10.99.0.66'); // not a peer
    request(Buffer.alloc(56)); // a plain ping
    expect(said).toEqual([[PEER, 'master']]);
  });

  it('probes a TCP port instead when configured, one connect at a time per peer', async () => {
    const { clock, sent, results } = setup({ kind: 'tcp', port: 22 }, true);
    await settle();
    clock.advance(100);
    await settle();
    expect(sent).toEqual([]);
    expect(results).toEqual([
      [PEER, true],
      [PEER, true],
    ]);
  });

  it('stops with the instance and says nothing afterwards', () => {
    const { clock, sent, results, reply, remove } = setup();
    remove();
    clock.advance(1_000);
    expect(sent).toHaveLength(1);
    if (sent[0] !== undefined) reply(sent[0]);
    expect(results).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('defaults its interval to the advert interval, from 100 ms to 1 s', () => {
    expect(probeIntervalMs(undefined, 20)).toBe(100);
    expect(probeIntervalMs(undefined, 300)).toBe(300);
    expect(probeIntervalMs(undefined, 3000)).toBe(1000);
    expect(probeIntervalMs(50, 3000)).toBe(50);
  });
});
