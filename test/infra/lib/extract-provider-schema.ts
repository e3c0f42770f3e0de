// Derives the compact provider schema (provider-schema.ts) from an unpacked @cdktf/provider-aws:
//   npx tsx test/infra/lib/extract-provider-schema.ts <package-dir> <out.json>
// Each generated lib/<name>/ (index.js and, for big resources, index-structs/*.js) holds one
// class with `X.tfResourceType = "aws_..."` and synthesizeHclAttributes(), and for every nested
// block a function `<struct>ToHclTerraform(struct)`; both list each argument as
// `name: { value: <converter>(...), isBlock: <bool>, type: ... }`.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ProviderSchema, SchemaArg, SchemaBlock } from './provider-schema.js';

interface RawArg {
  readonly block: boolean;
  /** The struct converter named in `value:`, for blocks and nested attribute objects. */
  readonly struct: string | undefined;
}

const ENTRY = /^ {8,}([a-z0-9_]+): \{\n\s+value: ([^\n]*),\n\s+isBlock: (true|false),/gm;
const STRUCT_FN = /^function (\w+)ToHclTerraform\(struct\) \{$/gm;
const CLASS_ATTRS = /^ {4}synthesizeHclAttributes\(\) \{$/m;
const RESOURCE_TYPE = /^\w+\.tfResourceType = "([a-z0-9_]+)";$/m;
// A converter of the package's own (cdktf.stringToHclTerraform etc. are the runtime's).
const CONVERTER = /(?<![.\w])([a-z]\w*)ToHclTerraform\b/;

function entriesOf(text: string): Map<string, RawArg> {
  const args = new Map<string, RawArg>();
  for (const m of text.matchAll(ENTRY)) {
    const [, name = '', value = '', block] = m;
    args.set(name, { block: block === 'true', struct: CONVERTER.exec(value)?.[1] });
  }
  return args;
}

/** Splits a generated file into its struct functions' bodies and the class's attribute list. */
function scan(
  text: string,
  structs: Map<string, Map<string, RawArg>>,
): Map<string, RawArg> | undefined {
  const starts = [...text.matchAll(STRUCT_FN)].map((m) => ({ name: m[1] ?? '', at: m.index }));
  starts.forEach(({ name, at }, i) => {
    // A function ends where the next top-level declaration starts.
    const rest = text.slice(at + 1);
    const end = rest.search(/^(function|class) /m);
    const body = end < 0 ? rest : rest.slice(0, end);
    if (i >= 0) structs.set(name, entriesOf(body));
  });
  const classAt = CLASS_ATTRS.exec(text);
  if (classAt === null) return undefined;
  const body = text.slice(classAt.index);
  return entriesOf(body.slice(0, body.search(/^ {4}\}$/m)));
}

function resolve(
  args: Map<string, RawArg>,
  structs: Map<string, Map<string, RawArg>>,
  depth = 0,
): SchemaBlock {
  if (depth > 32) throw new Error('nested blocks deeper than 32: a cycle in the generated code?');
  const out: Record<string, SchemaArg> = {};
  for (const [name, arg] of [...args].sort(([a], [b]) => a.localeCompare(b))) {
    const nested = arg.struct === undefined ? undefined : structs.get(arg.struct);
    if (arg.struct !== undefined && nested === undefined) {
      throw new Error(`${name}: converter ${arg.struct}ToHclTerraform not found`);
    }
    out[name] = {
      block: arg.block,
      ...(nested === undefined ? {} : { nested: resolve(nested, structs, depth + 1) }),
    };
  }
  return { args: out };
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

export function extractSchema(packageDir: string): ProviderSchema {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    cdktf?: { provider?: { name?: string; version?: string } };
  };
  const provider = manifest.cdktf?.provider;
  if (provider?.name === undefined || provider.version === undefined) {
    throw new Error(`${packageDir}/package.json names no cdktf.provider: not a prebuilt provider`);
  }
  const lib = join(packageDir, 'lib');
  const resources: Record<string, SchemaBlock> = {};
  const dataSources: Record<string, SchemaBlock> = {};
  for (const dir of readdirSync(lib).sort()) {
    if (!statSync(join(lib, dir)).isDirectory() || dir === 'provider') continue;
    const structs = new Map<string, Map<string, RawArg>>();
    let top: Map<string, RawArg> | undefined;
    let type: string | undefined;
    for (const file of jsFiles(join(lib, dir))) {
      const text = readFileSync(file, 'utf8');
      top = scan(text, structs) ?? top;
      type = RESOURCE_TYPE.exec(text)?.[1] ?? type;
    }
    if (type === undefined || top === undefined) {
      throw new Error(
        `${dir}: no tfResourceType or synthesizeHclAttributes(): the generated layout changed`,
      );
    }
    (dir.startsWith('data-') ? dataSources : resources)[type] = resolve(top, structs);
  }
  if (resources.aws_instance?.args.metadata_options?.nested === undefined) {
    throw new Error('aws_instance.metadata_options not found: the extraction is broken');
  }
  return {
    provider: {
      source: provider.name.replace(/^registry\.terraform\.io\//, ''),
      version: provider.version,
    },
    generatedFrom: { package: manifest.name, version: manifest.version },
    resources,
    dataSources,
  };
}

if (process.argv[1]?.endsWith('extract-provider-schema.ts') === true) {
  const [packageDir, out] = process.argv.slice(2);
  if (packageDir === undefined || out === undefined) {
    process.stderr.write('usage: extract-provider-schema.ts <unpacked-package-dir> <out.json>\n');
    process.exit(2);
  }
  const schema = extractSchema(packageDir);
  writeFileSync(out, `${JSON.stringify(schema)}\n`);
  process.stdout.write(
    `${out}: ${schema.provider.source} ${schema.provider.version}: ` +
      `${Object.keys(schema.resources).length} resources, ${Object.keys(schema.dataSources).length} data sources\n`,
  );
}
