// A JSON description of an emulated VPC, for `main.ts --state FILE.json` and the demo.
// Instances and routes refer to each other by private IP, so the file needs no ids.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Ec2State } from './state.js';
import { EmulatorSetupError } from './state.js';

const tags = z.record(z.string(), z.string()).optional();

const routeSchema = z.strictObject({
  destinationCidrBlock: z.string(),
  gatewayId: z.string().optional(),
  /** Target: the ENI that holds this private IP. */
  privateIp: z.string().optional(),
});

export const seedSchema = z.strictObject({
  vpcs: z
    .array(
      z.strictObject({
        cidr: z.string(),
        tags,
        subnets: z
          .array(
            z.strictObject({
              cidr: z.string(),
              availabilityZone: z.string().optional(),
              tags,
              instances: z
                .array(
                  z.strictObject({
                    privateIp: z.string(),
                    secondaryIps: z.array(z.string()).optional(),
                    mac: z.string().optional(),
                    tags,
                  }),
                )
                .default([]),
            }),
          )
          .default([]),
        routeTables: z
          .array(
            z.strictObject({
              main: z.boolean().optional(),
              routes: z.array(routeSchema).default([]),
              tags,
            }),
          )
          .default([]),
      }),
    )
    .default([]),
  elasticIps: z
    .array(
      z.strictObject({
        publicIp: z.string().optional(),
        /** Associate with the ENI holding this private IP. */
        associateWith: z.string().optional(),
        tags,
      }),
    )
    .default([]),
});

export type SeedState = z.infer<typeof seedSchema>;

function eniHolding(state: Ec2State, privateIp: string): string {
  const eni = state.eniOf(privateIp);
  if (!eni) throw new EmulatorSetupError(`no instance holds ${privateIp}`);
  return eni;
}

/** Builds the seed into `state` (instances first, so routes and EIPs can refer to them). */
export function applySeed(state: Ec2State, seed: SeedState): void {
  const vpcIds = seed.vpcs.map((vpc) => {
    const vpcId = state.addVpc(vpc.cidr);
    if (vpc.tags) state.addTags(vpcId, vpc.tags);
    for (const subnet of vpc.subnets) {
      const subnetId = state.addSubnet(vpcId, subnet.cidr, subnet.availabilityZone);
      if (subnet.tags) state.addTags(subnetId, subnet.tags);
      for (const instance of subnet.instances) state.addInstance({ subnetId, ...instance });
    }
    return vpcId;
  });
  seed.vpcs.forEach((vpc, i) => {
    for (const table of vpc.routeTables) {
      const routes = table.routes.map((route) => ({
        destinationCidrBlock: route.destinationCidrBlock,
        ...(route.gatewayId ? { gatewayId: route.gatewayId } : {}),
        ...(route.privateIp ? { networkInterfaceId: eniHolding(state, route.privateIp) } : {}),
      }));
      const routeTableId = state.addRouteTable(vpcIds[i] ?? '', routes, {
        main: table.main ?? false,
      });
      if (table.tags) state.addTags(routeTableId, table.tags);
    }
  });
  for (const eip of seed.elasticIps) {
    const allocationId = state.addElasticIp(eip.publicIp, eip.tags);
    if (eip.associateWith) {
      state.associateElasticIp(
        allocationId,
        eniHolding(state, eip.associateWith),
        eip.associateWith,
      );
    }
  }
}

export async function loadSeedFile(path: string): Promise<SeedState> {
  const text = await readFile(path, 'utf8');
  const parsed = seedSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EmulatorSetupError(
      `${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid state file'}`,
    );
  }
  return parsed.data;
}
