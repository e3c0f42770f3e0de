// The rules the offline tests hold infra/terraform to, as pure checks over parsed HCL: each returns
// the problems it finds (empty: the rule holds), so a test can also show it failing on a broken copy.
import { blocksOf, nested, type Body, type TfFile } from './hcl.js';
import type { ProviderSchema, SchemaBlock } from './provider-schema.js';

type Parsed = Pick<TfFile, 'path' | 'json'>;

// Terraform's own arguments and blocks in every resource/data block, not the provider's.
const META_ARGUMENTS = new Set([
  'count',
  'for_each',
  'depends_on',
  'provider',
  'lifecycle',
  'provisioner',
  'connection',
]);

/** Every resource and data source type, argument and nested block exists in the provider's schema. */
export function schemaProblems(files: readonly Parsed[], schema: ProviderSchema): string[] {
  const problems: string[] = [];
  for (const file of files) {
    for (const block of blocksOf(file.json)) {
      const where = `${file.path}: ${block.kind === 'data' ? 'data.' : ''}${block.type}.${block.name}`;
      const types = block.kind === 'data' ? schema.dataSources : schema.resources;
      const blockSchema = types[block.type];
      if (blockSchema === undefined) {
        problems.push(
          `${where}: no ${block.kind === 'data' ? 'data source' : 'resource'} type ${block.type} in ${schema.provider.source} ${schema.provider.version}`,
        );
        continue;
      }
      checkBody(block.body, blockSchema, where, problems, true);
    }
  }
  return problems.sort();
}

function checkBody(
  body: Body,
  schema: SchemaBlock,
  where: string,
  problems: string[],
  top: boolean,
): void {
  for (const [name, value] of Object.entries(body)) {
    if (top && META_ARGUMENTS.has(name)) continue;
    if (name === 'dynamic') {
      // dynamic "x" { content { ... } }: the content is a block x.
      for (const [blockName, dynamics] of Object.entries(value as Record<string, Body[]>)) {
        const arg = schema.args[blockName];
        if (arg?.block !== true || arg.nested === undefined) {
          problems.push(`${where}: dynamic "${blockName}": no such block`);
          continue;
        }
        for (const dynamic of dynamics) {
          for (const content of nested(dynamic, 'content')) {
            checkBody(content, arg.nested, `${where}.${blockName}`, problems, false);
          }
        }
      }
      continue;
    }
    const arg = schema.args[name];
    if (arg === undefined) {
      problems.push(`${where}: no argument or block "${name}"`);
      continue;
    }
    if (arg.block && arg.nested !== undefined) {
      if (!Array.isArray(value)) {
        problems.push(`${where}: "${name}" is a block: write ${name} { ... }, not ${name} = ...`);
        continue;
      }
      for (const item of value as Body[])
        checkBody(item, arg.nested, `${where}.${name}`, problems, false);
    }
  }
}

const ANYWHERE = ['0.0.0.0/0', '::/0'];

function mentionsAnywhere(value: unknown): boolean {
  return ANYWHERE.some((cidr) => JSON.stringify(value ?? null).includes(cidr));
}

/** No security group admits anything from 0.0.0.0/0 or ::/0, in any of terraform's three ways. */
export function openIngressProblems(files: readonly Parsed[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    for (const block of blocksOf(file.json)) {
      if (block.kind !== 'resource') continue;
      const where = `${file.path}: ${block.type}.${block.name}`;
      const ingressBodies =
        block.type === 'aws_vpc_security_group_ingress_rule'
          ? [block.body]
          : block.type === 'aws_security_group_rule' && block.body.type !== 'egress'
            ? [block.body]
            : block.type === 'aws_security_group'
              ? nested(block.body, 'ingress')
              : [];
      for (const body of ingressBodies) {
        if (mentionsAnywhere(body))
          problems.push(`${where}: ingress from anywhere (${ANYWHERE.join(' or ')})`);
      }
    }
  }
  return problems.sort();
}

/**
 * VRRP (IP protocol 112) comes in only from the pair's own security group: every ingress rule that
 * admits protocol 112 (or all protocols) references the very group it belongs to, and no range.
 * Also the module must have such a rule (requireOne) or the agents would never hear each other.
 */
export function vrrpIngressProblems(files: readonly Parsed[], requireOne = true): string[] {
  const problems: string[] = [];
  let found = 0;
  for (const file of files) {
    for (const block of blocksOf(file.json)) {
      if (block.kind !== 'resource') continue;
      const where = `${file.path}: ${block.type}.${block.name}`;
      if (block.type === 'aws_security_group') {
        for (const rule of nested(block.body, 'ingress')) {
          if (admitsVrrp(rule.protocol)) {
            problems.push(
              `${where}: inline ingress admits protocol ${String(rule.protocol)}: use an aws_vpc_security_group_ingress_rule from the pair's own group`,
            );
          }
        }
        continue;
      }
      if (
        block.type !== 'aws_vpc_security_group_ingress_rule' &&
        !(block.type === 'aws_security_group_rule' && block.body.type === 'ingress')
      )
        continue;
      const protocol = block.body.ip_protocol ?? block.body.protocol;
      if (!admitsVrrp(protocol)) continue;
      const own = block.body.security_group_id;
      const source = block.body.referenced_security_group_id ?? block.body.source_security_group_id;
      const self = block.body.self === true;
      const ranges = [
        'cidr_ipv4',
        'cidr_ipv6',
        'cidr_blocks',
        'ipv6_cidr_blocks',
        'prefix_list_id',
        'prefix_list_ids',
      ].filter((k) => k in block.body);
      if (ranges.length > 0 || !(self || (typeof own === 'string' && source === own))) {
        problems.push(
          `${where}: admits protocol ${String(protocol)} from ${JSON.stringify(source ?? ranges)}, not only from its own group ${String(own)}`,
        );
        continue;
      }
      if (String(protocol) === '112') found++;
    }
  }
  if (requireOne && found === 0)
    problems.push("no ingress rule admits VRRP (protocol 112) from the pair's own group");
  return problems.sort();
}

/** "-1" (all protocols) admits VRRP too; "112" and "vrrp" are the protocol itself. */
function admitsVrrp(protocol: unknown): boolean {
  return ['112', 'vrrp', '-1', 'all'].includes(String(protocol).toLowerCase());
}

/** IMDSv2 required with hop limit 1 on every instance and launch template. */
export function imdsProblems(files: readonly Parsed[]): string[] {
  const problems: string[] = [];
  let instances = 0;
  for (const file of files) {
    for (const block of blocksOf(file.json)) {
      if (
        block.kind !== 'resource' ||
        !['aws_instance', 'aws_launch_template', 'aws_spot_instance_request'].includes(block.type)
      )
        continue;
      instances++;
      const where = `${file.path}: ${block.type}.${block.name}`;
      const options = nested(block.body, 'metadata_options');
      const [first] = options;
      if (options.length !== 1 || first === undefined) {
        problems.push(`${where}: no metadata_options block (IMDSv1 stays on by default)`);
        continue;
      }
      if (first.http_tokens !== 'required')
        problems.push(
          `${where}: metadata_options.http_tokens is ${JSON.stringify(first.http_tokens)}, not "required"`,
        );
      if (first.http_put_response_hop_limit !== 1)
        problems.push(
          `${where}: metadata_options.http_put_response_hop_limit is ${JSON.stringify(first.http_put_response_hop_limit)}, not 1`,
        );
      if (first.http_endpoint !== undefined && first.http_endpoint !== 'enabled')
        problems.push(
          `${where}: metadata_options.http_endpoint is ${JSON.stringify(first.http_endpoint)}: floatd needs IMDS`,
        );
    }
  }
  if (instances === 0)
    problems.push('no aws_instance or aws_launch_template found: nothing was checked');
  return problems.sort();
}
