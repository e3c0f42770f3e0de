// A client of every VIP, run inside the client host (the demo's, the many-VIP bench's): ICMP echo
// to each VIP every PROBE_MS (staggered), through the host's own stack (its neighbour cache
// decides which router gets the packet, as for any client), on a raw socket of its own: no
// `ping` needed on the machine. It prints, in wall-clock ms:
//   ready
//   up <answering> <total> <atMs>        every 200 ms: VIPs that answered within 3 probes
//   gap <index> <lastReplyMs> <replyMs>  a VIP answered again after at least one probe without
//   done <sent> <replies>                on SIGTERM, then exits
// Usage (as root): node [--import tsx] icmp-prober.(ts|js) PROBE_MS VIP...
import { decodeEcho, encodeEchoRequest, ICMP_PROTOCOL } from '../src/agent/io/icmp-echo.js';
import { openRawSocket } from '../src/agent/io/raw-socket.js';

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

function echo(vipIndex: number): Buffer {
  const data = Buffer.alloc(8);
  data.writeUInt32BE(vipIndex, 0);
  sequence = (sequence + 1) & 0xffff;
  return encodeEchoRequest('ipv4', identifier, sequence, data);
}

const socket = openRawSocket('ipv4', ICMP_PROTOCOL, 65_536);
socket.on('error', (error) => process.stderr.write(`icmp socket: ${error.message}\n`));
socket.on('message', (packet, source) => {
  const reply = decodeEcho('ipv4', packet);
  if (reply?.kind !== 'reply' || reply.identifier !== identifier) return;
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
