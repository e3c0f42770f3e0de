// Every .tf file of the module parses as HCL (@cdktf/hcl2json, the HCL parser terraform uses,
// compiled to WebAssembly), and the module has HashiCorp's standard structure.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadTfFiles, parseTf, TERRAFORM_DIR, tfPaths } from './lib/hcl.js';

describe('infra/terraform parses', () => {
  it('every .tf file under infra/terraform/ parses with hcl2json', async () => {
    const files = await loadTfFiles();
    expect(files.length).toBeGreaterThanOrEqual(tfPaths().length);
    for (const file of files) expect(Object.keys(file.json), file.path).not.toHaveLength(0);
  });

  it('a broken file does not parse (the parser is really checking)', async () => {
    await expect(
      parseTf('broken.tf', 'resource "aws_instance" "a" {\n  ami = \n'),
    ).rejects.toThrow();
  });

  it("has HashiCorp's standard module structure and both examples", () => {
    for (const dir of ['', 'modules/controller', 'examples/agent-pair', 'examples/agentless']) {
      for (const file of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf']) {
        expect(existsSync(join(TERRAFORM_DIR, dir, file)), join(dir, file)).toBe(true);
      }
    }
    expect(existsSync(join(TERRAFORM_DIR, 'README.md'))).toBe(true);
  });

  it('versions.tf pins the AWS provider major the schema test checks against', async () => {
    const files = await loadTfFiles();
    const versions = files.filter((f) => f.path.endsWith('versions.tf'));
    expect(versions.length).toBe(4);
    for (const file of versions) {
      const terraform = (file.json.terraform as Record<string, unknown>[])[0] ?? {};
      const providers = (terraform.required_providers as Record<string, unknown>[])[0] ?? {};
      expect(providers.aws, file.path).toEqual({ source: 'hashicorp/aws', version: '~> 6.25' });
    }
  });
});
