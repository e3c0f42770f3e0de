// Properties: decode(encode(x)) == x for valid adverts, and decoding is total (never
// throws, always ok or a known RejectReason) on random and mutated buffers.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';

import {
  decodeIpv4Packet,
  decodeIpv6Payload,
  decodeVrrpMessage,
  encodeIpv4Packet,
  encodeVrrpMessage,
  internetChecksum,
  isRejectReason,
} from '../../../src/agent/vrrp/codec/index.js';
import type {
  DecodeResult,
  IpFamily,
  VrrpAdvert,
  VrrpAdvertV2,
  VrrpAdvertV3,
} from '../../../src/agent/vrrp/codec/index.js';

// Canonical text straight from ipaddr.js, so generation does not lean on the codec.
const ipv4 = fc
  .uint8Array({ minLength: 4, maxLength: 4 })
  .map((b) => ipaddr.fromByteArray(Array.from(b)).toString());
const ipv6 = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => (ipaddr.fromByteArray(Array.from(b)) as ipaddr.IPv6).toRFC5952String());
const ipOf = (family: IpFamily): fc.Arbitrary<string> => (family === 'ipv4' ? ipv4 : ipv6);
const addressesOf = (family: IpFamily): fc.Arbitrary<string[]> =>
  fc.array(ipOf(family), { minLength: 1, maxLength: 20 });

const v2Advert: fc.Arbitrary<VrrpAdvertV2> = fc.record({
  version: fc.constant(2 as const),
  family: fc.constant('ipv4' as const),
  vrid: fc.integer({ min: 1, max: 255 }),
  priority: fc.integer({ min: 0, max: 255 }),
  advertIntervalSec: fc.integer({ min: 1, max: 255 }),
  authType: fc.constantFrom(0 as const, 1 as const),
  authData: fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.from(b)),
  addresses: addressesOf('ipv4'),
});

const v3Advert = (family: IpFamily): fc.Arbitrary<VrrpAdvertV3> =>
  fc.record({
    version: fc.constant(3 as const),
    family: fc.constant(family),
    vrid: fc.integer({ min: 1, max: 255 }),
    priority: fc.integer({ min: 0, max: 255 }),
    maxAdvertIntervalCs: fc.integer({ min: 1, max: 4095 }),
    addresses: addressesOf(family),
  });

/** An advert with endpoints of its family. */
const sent = (advert: fc.Arbitrary<VrrpAdvert>, family: IpFamily) =>
  fc.record({ advert, src: ipOf(family), dst: ipOf(family) });

const ipv4Sent = fc.oneof(sent(v2Advert, 'ipv4'), sent(v3Advert('ipv4'), 'ipv4'));
const ipv6Sent = sent(v3Advert('ipv6'), 'ipv6');
const ipv4Options = fc.record({
  id: fc.integer({ min: 0, max: 0xffff }),
  tos: fc.integer({ min: 0, max: 0xff }),
  dontFragment: fc.boolean(),
});

describe('decode(encode(x)) == x', () => {
  it('through the VRRP message, IPv4 and IPv6', () => {
    fc.assert(
      fc.property(fc.oneof(ipv4Sent, ipv6Sent), ({ advert, src, dst }) => {
        const msg = encodeVrrpMessage(advert, { src, dst });
        const got = decodeVrrpMessage(msg, { family: advert.family, src, dst });
        expect(got).toEqual({ ok: true, value: { advert, checksum: msg.readUInt16BE(6) } });
      }),
      { numRuns: 1000 },
    );
  });

  it('through a whole IPv4 packet', () => {
    fc.assert(
      fc.property(ipv4Sent, ipv4Options, ({ advert, src, dst }, opts) => {
        const got = decodeIpv4Packet(encodeIpv4Packet(advert, { src, dst }, opts));
        expect(got.ok && got.value).toEqual({
          advert,
          src,
          dst,
          ttl: 255,
          checksum: expect.any(Number) as number,
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('through an IPv6 payload', () => {
    fc.assert(
      fc.property(ipv6Sent, ({ advert, src, dst }) => {
        const msg = encodeVrrpMessage(advert, { src, dst });
        const got = decodeIpv6Payload(msg, { src, dst, hopLimit: 255 });
        expect(got).toEqual({
          ok: true,
          value: { advert, src, dst, ttl: 255, checksum: msg.readUInt16BE(6) },
        });
      }),
      { numRuns: 500 },
    );
  });
});

// Totality. Plain checks rather than expect() in the hot loop: 100,000 runs in all.
function checkKnown(result: DecodeResult<unknown>): void {
  if (result.ok) return;
  if (!isRejectReason(result.reason) || typeof result.detail !== 'string') {
    throw new Error(`unknown rejection ${JSON.stringify(result)}`);
  }
}

const ipv4Ctx = { family: 'ipv4' as const, src: '10.99.0.1', dst: '224.0.0.18' };
const ipv6Ctx = { family: 'ipv6' as const, src: 'fe80::1', dst: 'ff02::12' };

function decodeEveryWay(buf: Buffer, hopLimit: number, asIpv6: boolean): void {
  checkKnown(decodeIpv4Packet(buf));
  checkKnown(decodeVrrpMessage(buf, asIpv6 ? ipv6Ctx : ipv4Ctx));
  checkKnown(decodeIpv6Payload(buf, { src: ipv6Ctx.src, dst: ipv6Ctx.dst, hopLimit }));
}

/** Recompute the IPv4 header and VRRP checksums so mutations reach the later checks. */
function fixChecksums(packet: Buffer): void {
  if (packet.length < 20 || packet.readUInt8(0) >> 4 !== 4) return;
  const headerLength = (packet.readUInt8(0) & 0x0f) * 4;
  if (headerLength < 20 || packet.length < headerLength) return;
  packet.writeUInt16BE(0, 10);
  packet.writeUInt16BE(internetChecksum(packet.subarray(0, headerLength)), 10);
  const msg = packet.subarray(headerLength);
  if (msg.length < 8) return;
  msg.writeUInt16BE(0, 6);
  const pseudo = Buffer.alloc(12);
  packet.copy(pseudo, 0, 12, 20);
  pseudo.writeUInt8(112, 9);
  pseudo.writeUInt16BE(msg.length, 10);
  const v3 = msg.readUInt8(0) >> 4 === 3;
  msg.writeUInt16BE(v3 ? internetChecksum(pseudo, msg) : internetChecksum(msg), 6);
}

type Mutation =
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'extend'; bytes: Uint8Array };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({
    kind: fc.constant('extend' as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }),
  }),
);

function mutate(original: Buffer, mutations: readonly Mutation[]): Buffer {
  let buf = Buffer.from(original);
  for (const m of mutations) {
    if (m.kind === 'flip' && buf.length > 0) {
      const at = m.at % buf.length;
      buf.writeUInt8(buf.readUInt8(at) ^ m.xor, at);
    } else if (m.kind === 'truncate') {
      buf = buf.subarray(0, m.keep % (buf.length + 1));
    } else if (m.kind === 'extend') {
      buf = Buffer.concat([buf, m.bytes]);
    }
  }
  return buf;
}

// Valid packets to mutate, built once (fixed seed): encoding per run would dominate the time.
const POOL_SIZE = 300;
const ipv4Pool = fc
  .sample(fc.tuple(ipv4Sent, ipv4Options), { numRuns: POOL_SIZE, seed: 5798 })
  .map(([{ advert, src, dst }, opts]) => encodeIpv4Packet(advert, { src, dst }, opts));
const ipv6Pool = fc
  .sample(ipv6Sent, { numRuns: POOL_SIZE, seed: 3768 })
  .map(({ advert, src, dst }) => ({ msg: encodeVrrpMessage(advert, { src, dst }), src, dst }));
const poolIndex = fc.nat({ max: POOL_SIZE - 1 });
const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

describe('decoding is total: never throws, always ok or a known RejectReason', () => {
  it('on random bytes (30,000)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 120 }),
        fc.oneof(fc.constant(255), fc.integer({ min: 0, max: 255 })),
        fc.boolean(),
        (bytes, hopLimit, asIpv6) => decodeEveryWay(Buffer.from(bytes), hopLimit, asIpv6),
      ),
      { numRuns: 30_000 },
    );
  });

  it('on mutated valid IPv4 packets (40,000, half with checksums fixed up)', () => {
    const reasons = new Set<string>();
    fc.assert(
      fc.property(poolIndex, mutations, fc.boolean(), (i, muts, fix) => {
        const packet = mutate(ipv4Pool[i] ?? Buffer.alloc(0), muts);
        if (fix) fixChecksums(packet);
        const got = decodeIpv4Packet(packet);
        checkKnown(got);
        reasons.add(got.ok ? 'ok' : got.reason);
        const payload = packet.subarray(Math.min(20, packet.length));
        checkKnown(decodeVrrpMessage(payload, ipv4Ctx));
        checkKnown(decodeIpv6Payload(payload, { ...ipv6Ctx, hopLimit: 255 }));
      }),
      { numRuns: 40_000 },
    );
    // The fixed-up half gets past both checksums to the later checks (bad-ttl needs the IP
    // header checksum fixed, bad-auth-type the VRRP one).
    expect([...reasons]).toEqual(
      expect.arrayContaining(['ok', 'bad-checksum', 'not-vrrp', 'bad-ttl', 'bad-auth-type']),
    );
  });

  it('on mutated valid IPv6 payloads (30,000)', () => {
    fc.assert(
      fc.property(poolIndex, mutations, fc.boolean(), (i, muts, asIpv4) => {
        const { msg, src, dst } = ipv6Pool[i] ?? { msg: Buffer.alloc(0), src: '', dst: '' };
        const mutated = mutate(msg, muts);
        checkKnown(decodeIpv6Payload(mutated, { src, dst, hopLimit: 255 }));
        checkKnown(decodeVrrpMessage(mutated, asIpv4 ? ipv4Ctx : { family: 'ipv6', src, dst }));
      }),
      { numRuns: 30_000 },
    );
  });

  it('on unusable endpoints and hop limits', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 60 }),
        fc.string(),
        fc.string(),
        fc.double(),
        (bytes, src, dst, hopLimit) => {
          const buf = Buffer.from(bytes);
          checkKnown(decodeIpv6Payload(buf, { src, dst, hopLimit }));
          checkKnown(decodeVrrpMessage(buf, { family: 'ipv4', src, dst }));
          checkKnown(decodeVrrpMessage(buf, { family: 'ipv6', src, dst }));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
