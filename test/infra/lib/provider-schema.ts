// The AWS provider's configuration schema (resource and data source types, their arguments and
// nested blocks), derived from @cdktf/provider-aws: that package is generated from the provider's
// own schema (`terraform providers schema -json`), and each generated class lists every argument
// in synthesizeHclAttributes() with whether it is a block. The whole package is 392 MB unpacked,
// so test/infra/fetch-provider-schema.sh fetches it once (pinned, checked against its integrity)
// and keeps only this compact schema in ~/.cache/floatd/.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** An argument: a plain attribute, or a block (or nested attribute object) with its own schema. */
export interface SchemaBlock {
  /** Argument name -> null for a plain attribute, or the nested schema for a block/object. */
  readonly args: Readonly<Record<string, SchemaArg>>;
}

export interface SchemaArg {
  /** true: written as a nested block (`metadata_options { ... }`), false: `name = value`. */
  readonly block: boolean;
  readonly nested?: SchemaBlock;
}

export interface ProviderSchema {
  readonly provider: { readonly source: string; readonly version: string };
  readonly generatedFrom: { readonly package: string; readonly version: string };
  readonly resources: Readonly<Record<string, SchemaBlock>>;
  readonly dataSources: Readonly<Record<string, SchemaBlock>>;
}

export interface ProviderPin {
  /** The npm package whose bindings were generated from the provider. */
  readonly package: string;
  readonly version: string;
  /** npm's dist.integrity for that version. */
  readonly integrity: string;
  /** The provider the bindings were generated from (the package's package.json: cdktf.provider). */
  readonly provider: { readonly source: string; readonly version: string };
}

const PIN_FILE = new URL('../aws-provider.pin.json', import.meta.url);

export function readPin(): ProviderPin {
  return JSON.parse(readFileSync(PIN_FILE, 'utf8')) as ProviderPin;
}

export function schemaPath(pin: ProviderPin = readPin()): string {
  const cache = process.env.FLOATD_CACHE ?? join(homedir(), '.cache', 'floatd');
  return join(cache, `aws-provider-schema-${pin.provider.version}-cdktf-${pin.version}.json`);
}

/** The cached schema, or why there is none (the test fails on it in CI, skips elsewhere). */
export function loadSchema(): { schema: ProviderSchema } | { missing: string } {
  const pin = readPin();
  const path = schemaPath(pin);
  if (!existsSync(path)) {
    return {
      missing:
        `no AWS provider schema at ${path}: run \`bash test/infra/fetch-provider-schema.sh\` ` +
        `(npm test's pretest does): it fetches ${pin.package}@${pin.version} once (37 MB) ` +
        `and keeps the ${pin.provider.source} ${pin.provider.version} schema derived from it`,
    };
  }
  const schema = JSON.parse(readFileSync(path, 'utf8')) as ProviderSchema;
  if (schema.provider.version !== pin.provider.version) {
    return {
      missing: `${path} is for provider ${schema.provider.version}, pinned ${pin.provider.version}`,
    };
  }
  return { schema };
}
