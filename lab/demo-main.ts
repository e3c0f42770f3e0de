// `npm run demo`: the live failover demo (lab/demo.ts) from a checkout. It is test scaffolding
// (namespaces, an EC2 emulator), so the release's floatd does not carry it.
import { FloatdError } from '../src/agent/errors.js';
import { describeMissingProgram } from '../src/agent/process/missing-program.js';
import { runDemo } from './demo.js';

const io = {
  stdout: (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  stderr: (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

runDemo(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // What the host lacks is one line saying how to get it, floatd's own errors their message;
    // only the unexpected gets a stack trace.
    const missing = describeMissingProgram(error);
    const text =
      missing ??
      (error instanceof FloatdError
        ? `${error.message} (${error.code})`
        : `fatal: ${(error as Error).stack ?? String(error)}`);
    process.stderr.write(`demo: ${text}\n`);
    process.exitCode = 1;
  },
);
