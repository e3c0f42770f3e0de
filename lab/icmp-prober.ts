// A client of every VIP, run inside the client host (the demo's, the many-VIP bench's): ICMP echo
// to each VIP every PROBE_MS (staggered), through the host's own stack (its neighbour cache
// decides which router gets the packet, as for any client), on a raw socket of its own: no
// `ping` needed on the machine. It prints, in wall-clock ms:
//   ready
//   up <answering> <total> <atMs>        every 200 ms: VIPs that answered within 3 probes
//   gap <index> <lastReplyMs> <replyMs>  a VIP answered again after at least one probe without
//   done <sent> <replies>                on SIGTERM, then exits
// Usage (as root): node [--import tsx] icmp-prober.(ts|js) PROBE_MS VIP...
import { openRawSocket } from '../src/agent/io/raw-socket.js';

const ICMP_PROTOCOL = 1;
const ECHO_REQUEST = 8;
const ECHO_REPLY = 0;
const STATUS_EVERY_MS = 200;

const [probeArg, ...vips] = process.argv.slice(2);
const probeMs = Number(probeArg);
if (!Number.isFinite(probeMs) || probeMs <= 0 || vips.length === 0) {
  process.stderr.write('usage: icmp-prober.ts PROBE_MS VIP...\n');
  process.exit(2);
}

const wallMs = (): number => performance.timeOrigin + performance.now();
const index = new Map(vips.map((v, i) => [v, i]));
const lastReplyMs: (number | undefined)[] = vips.map(() => undefined);
const identifier = process.pid & 0xffff;
let sequence = 0;
let sent = 0;
let replies = 0;

function checksum(buf: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < buf.length; i += 2) sum += buf.readUInt16BE(i);
  if (buf.length % 2 === 1) sum += (buf[buf.length - 1] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function echo(vipIndex: number): Buffer {
  const buf = Buffer.alloc(16);
  buf.writeUInt8(ECHO_REQUEST, 0);
  buf.writeUInt16BE(identifier, 4);
  sequence = (sequence + 1) & 0xffff;
  buf.writeUInt16BE(sequence, 6);
  buf.writeUInt32BE(vipIndex, 8);
  buf.writeUInt16BE(checksum(buf), 2);
  return buf;
}

const socket = openRawSocket('ipv4', ICMP_PROTOCOL, 65_536);
socket.on('error', (error) => process.stderr.write(`icmp socket: ${error.message}\n`));
socket.on('message', (packet, source) => {
  const ihl = ((packet[0] ?? 0) & 0x0f) * 4;
  if (packet.length < ihl + 8 || packet[ihl] !== ECHO_REPLY) return;
  if (packet.readUInt16BE(ihl + 4) !== identifier) return;
  const i = index.get(source);
  if (i === undefined) return;
  replies++;
  const now = wallMs();
  const last = lastReplyMs[i];
  if (last !== undefined && now - last >= 1.5 * probeMs) {
    process.stdout.write(`gap ${i} ${last.toFixed(3)} ${now.toFixed(3)}\n`);
  }
  lastReplyMs[i] = now;
});

// One VIP per slot, spread over the probe interval.
let next = 0;
const slotMs = probeMs / vips.length;
const startMs = performance.now();
function probe(): void {
  const due = Math.floor((performance.now() - startMs) / slotMs);
  for (; next <= due; next++) {
    const i = next % vips.length;
    socket.send(echo(i), 0, 16, vips[i] as string, () => undefined);
    sent++;
  }
  setTimeout(probe, Math.max(1, slotMs));
}
probe();

setInterval(() => {
  const now = wallMs();
  const answering = lastReplyMs.filter((t) => t !== undefined && now - t < 3 * probeMs).length;
  process.stdout.write(`up ${answering} ${vips.length} ${now.toFixed(3)}\n`);
}, STATUS_EVERY_MS);
process.once('SIGTERM', () => {
  process.stdout.write(`done ${sent} ${replies}\n`, () => process.exit(0));
});
process.stdout.write('ready\n');
