// Runs the EC2 emulator by hand: `tsx lab/ec2-emulator/main.ts --state vpc.json`.

import { parseArgs } from 'node:util';
import { applySeed, loadSeedFile } from './seed-file.js';
import { createEc2Emulator } from './server.js';
import { stateSummary } from './state-summary.js';

const usage = `Usage: tsx lab/ec2-emulator/main.ts [options]

Serves an emulated EC2 Query API (the calls floatd makes) on HTTP.

Options:
  --host HOST          listen address (default 127.0.0.1)
  --port PORT          listen port (default 0: a free port)
  --region REGION      region reported (default us-east-1)
  --state FILE.json    seed VPCs, subnets, instances, EIPs and route tables
  --credential ID:KEY  accept only this access key id and secret (repeatable);
                       without it any key is accepted
  --seed N             PRNG seed for ids and faults (default 1)
  --describe-lag-ms N  Describe* read the state as it was N ms ago
  -h, --help           show this help

Prints the endpoint and the seeded resources as JSON, then serves until SIGINT/SIGTERM.
Use it with: new EC2Client({ endpoint, region, credentials }).`;

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      region: { type: 'string' },
      state: { type: 'string' },
      credential: { type: 'string', multiple: true },
      seed: { type: 'string' },
      'describe-lag-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const credentials = values.credential?.length
    ? Object.fromEntries(
        values.credential.map((pair) => {
          const colon = pair.indexOf(':');
          if (colon <= 0) throw new Error(`--credential wants ID:SECRET, got ${pair}`);
          return [pair.slice(0, colon), pair.slice(colon + 1)];
        }),
      )
    : undefined;
  const emulator = await createEc2Emulator({
    ...(values.host ? { host: values.host } : {}),
    ...(values.port ? { port: Number(values.port) } : {}),
    ...(values.region ? { region: values.region } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    ...(credentials ? { credentials } : {}),
  });
  if (values['describe-lag-ms']) emulator.faults.describeLagMs = Number(values['describe-lag-ms']);
  if (values.state) applySeed(emulator.state, await loadSeedFile(values.state));
  process.stdout.write(`endpoint ${emulator.endpoint}\n`);
  process.stdout.write(`${JSON.stringify(stateSummary(emulator.state), null, 2)}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
