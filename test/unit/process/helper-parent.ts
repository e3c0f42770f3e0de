// A stand-in for floatd in death-signal.test.ts: starts `sleep 60` as a long-lived helper
// (through dieWithAgent unless argv[2] is "plain"), prints its pid, and waits to be killed.
import { spawn } from 'node:child_process';
import { dieWithAgent } from '../../../src/agent/process/death-signal.js';

const plain = process.argv[2] === 'plain';
const { cmd, args } = plain ? { cmd: 'sleep', args: ['60'] } : dieWithAgent('sleep', ['60']);
const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
child.unref();
process.stdout.write(`${child.pid}\n`);
setInterval(() => undefined, 1000);
