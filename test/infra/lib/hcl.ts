// The module's .tf files parsed by @cdktf/hcl2json (HCL to the JSON terraform's own JSON syntax
// uses: blocks become arrays of objects, expressions stay as "${...}" strings).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse } from '@cdktf/hcl2json';

export const TERRAFORM_DIR = fileURLToPath(new URL('../../../infra/terraform/', import.meta.url));

/** Block bodies as hcl2json gives them: argument name -> value, nested blocks as arrays. */
export type Body = Record<string, unknown>;

export interface TfFile {
  /** Relative to infra/terraform/. */
  readonly path: string;
  readonly text: string;
  readonly json: Body;
}

export function tfPaths(dir = TERRAFORM_DIR): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return tfPaths(path);
      return name.endsWith('.tf') ? [path] : [];
    });
}

export async function parseTf(path: string, text: string): Promise<Body> {
  return (await parse(path, text)) as Body;
}

let cache: Promise<TfFile[]> | undefined;

/** Every .tf file under infra/terraform/, parsed once per test file. */
export function loadTfFiles(): Promise<TfFile[]> {
  cache ??= Promise.all(
    tfPaths().map(async (abs) => {
      const text = readFileSync(abs, 'utf8');
      return { path: relative(TERRAFORM_DIR, abs), text, json: await parseTf(abs, text) };
    }),
  );
  return cache;
}

export interface Block {
  /** "resource" or "data". */
  readonly kind: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  readonly body: Body;
}

/** Every resource and data block of a parsed file. */
export function blocksOf(json: Body): Block[] {
  const blocks: Block[] = [];
  for (const kind of ['resource', 'data'] as const) {
    const byType = (json[kind] ?? {}) as Record<string, Record<string, Body[]>>;
    for (const [type, byName] of Object.entries(byType)) {
      for (const [name, bodies] of Object.entries(byName)) {
        for (const body of bodies) blocks.push({ kind, type, name, body });
      }
    }
  }
  return blocks;
}

/** The bodies of a nested block (`metadata_options { ... }` parses as an array of bodies). */
export function nested(body: Body, name: string): Body[] {
  const value = body[name];
  return Array.isArray(value) ? (value as Body[]) : [];
}
