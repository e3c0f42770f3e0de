import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAddressesCommand, DescribeRouteTablesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import {
  EmulatorSetupError,
  applySeed,
  createEc2Emulator,
  loadSeedFile,
} from '../../../lab/ec2-emulator/index.js';
import { clientFor } from './fixture.js';

const examplePath = 'lab/ec2-emulator/example-state.json';
const tsx = 'node_modules/.bin/tsx';
const main = 'lab/ec2-emulator/main.ts';

describe('seed file', () => {
  it('builds the example VPC: instances, routes to ENIs, an associated EIP', async () => {
    const emulator = await createEc2Emulator();
    try {
      applySeed(emulator.state, await loadSeedFile(examplePath));
      const state = emulator.state;
      const eniA = state.eniOf('10.0.1.10');
      expect(eniA).toMatch(/^eni-/);
      expect(state.eniOf('10.0.1.100')).toBe(eniA);
      const client = clientFor(emulator.endpoint);
      const tables = await client.send(new DescribeRouteTablesCommand({}));
      const table = tables.RouteTables?.[0];
      expect(table?.Associations?.[0]?.Main).toBe(true);
      expect(table?.Routes?.find((r) => r.DestinationCidrBlock === '10.100.0.1/32')).toMatchObject({
        NetworkInterfaceId: eniA,
      });
      const addresses = await client.send(new DescribeAddressesCommand({}));
      expect(addresses.Addresses?.[0]).toMatchObject({
        PublicIp: '203.0.113.10',
        PrivateIpAddress: '10.0.1.100',
        NetworkInterfaceId: eniA,
      });
      client.destroy();
    } finally {
      await emulator.close();
    }
  });

  it('reports a bad file with the path and key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ec2-emulator-'));
    try {
      const path = join(dir, 'bad.json');
      await writeFile(path, JSON.stringify({ vpcs: [{ cidr: 10 }] }));
      const error = await loadSeedFile(path).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EmulatorSetupError);
      expect((error as Error).message).toContain('vpcs.0.cidr');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('main.ts', () => {
  it('prints usage for --help', async () => {
    const child = spawn(tsx, [main, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).toContain('--state FILE.json');
  });

  it('serves the seeded state on the printed endpoint until SIGTERM', async () => {
    const child = spawn(tsx, [main, '--port', '0', '--state', examplePath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const match = /^endpoint (http:\/\/\S+)$/m.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.on('close', () => reject(new Error(`exited early: ${out}`)));
      });
      const client = clientFor(endpoint);
      const addresses = await client.send(new DescribeAddressesCommand({}));
      expect(addresses.Addresses?.map((a) => a.PublicIp)).toEqual(['203.0.113.10']);
      client.destroy();
    } finally {
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.kill('SIGTERM');
      expect(await closed).toBe(0);
    }
  });
});
