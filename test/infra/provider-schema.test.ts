// Every resource type, data source type, argument and nested block the module uses exists in the
// AWS provider's schema (hashicorp/aws 6.25.0, from @cdktf/provider-aws: provider-schema.ts).
// No terraform CLI can run here, so this stands in for `terraform validate`'s schema half.
import { describe, expect, it } from 'vitest';

import { schemaProblems } from './lib/checks.js';
import { loadTfFiles, parseTf } from './lib/hcl.js';
import { loadSchema, readPin } from './lib/provider-schema.js';

const loaded = loadSchema();
const missing = 'missing' in loaded ? loaded.missing : undefined;
if (missing !== undefined && process.env.CI !== 'true') {
  // Outside CI a missing schema skips these tests, saying why; in CI they fail (below).
  console.warn(`test/infra/provider-schema.test.ts skipped: ${missing}`);
}
const run = missing === undefined || process.env.CI === 'true' ? describe : describe.skip;

run('infra/terraform against the AWS provider schema', () => {
  const schema = () => {
    if ('missing' in loaded) throw new Error(loaded.missing);
    return loaded.schema;
  };

  it('the schema is the pinned provider version, which versions.tf allows (~> 6.25)', () => {
    const pin = readPin();
    expect(schema().provider).toEqual(pin.provider);
    expect(schema().generatedFrom).toEqual({ package: pin.package, version: pin.version });
    const [major, minor] = pin.provider.version.split('.').map(Number);
    expect(major).toBe(6);
    expect(minor).toBeGreaterThanOrEqual(25);
  });

  it('every resource, data source, argument and block used exists', async () => {
    const files = await loadTfFiles();
    expect(schemaProblems(files, schema())).toEqual([]);
  });

  it('catches an unknown argument, a misspelt nested argument and an unknown resource type', async () => {
    const broken = await parseTf(
      'broken.tf',
      `resource "aws_instance" "a" {
  ami           = "ami-1"
  instance_typ  = "t3.small"
  metadata_options {
    http_token = "required"
  }
}
resource "aws_elastic_ip" "b" {}
data "aws_regionn" "c" {}
`,
    );
    expect(schemaProblems([{ path: 'broken.tf', json: broken }], schema())).toEqual([
      'broken.tf: aws_elastic_ip.b: no resource type aws_elastic_ip in hashicorp/aws 6.25.0',
      'broken.tf: aws_instance.a.metadata_options: no argument or block "http_token"',
      'broken.tf: aws_instance.a: no argument or block "instance_typ"',
      'broken.tf: data.aws_regionn.c: no data source type aws_regionn in hashicorp/aws 6.25.0',
    ]);
  });
});
