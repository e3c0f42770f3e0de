// Issue 12: ESLint holds the boundaries of the code (eslint.config.js). Each rule is shown to
// fail a deliberately bad import, linted as if it were a file in the folder the rule guards,
// and to pass a good one there.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: repoRoot });

async function importErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = x;\n`, {
    filePath: join(repoRoot, file),
  });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe.each([
  [
    'src/ never imports the scaffolding (lab/)',
    'src/agent/cli/bad-import.ts',
    "import { x } from '../../../lab/agents.js';",
    "import { x } from '../exit-codes.js';",
    /src\/ never imports lab\//,
  ],
  [
    'src/cloud never imports src/agent',
    'src/cloud/aws/bad-import.ts',
    "import { x } from '../../agent/errors.js';",
    "import { x } from '../errors.js';",
    /src\/cloud never imports src\/agent/,
  ],
  [
    'the emulator is scaffolding for src/cloud too',
    'src/cloud/bad-import.ts',
    "import { x } from '../../lab/ec2-emulator/index.js';",
    "import { x } from './target.js';",
    /src\/ never imports lab\//,
  ],
  [
    'adapters never import the daemon',
    'src/agent/net/bad-import.ts',
    "import { x } from '../daemon/agent.js';",
    "import { x } from '../clock.js';",
    /Adapters never import the daemon/,
  ],
  [
    'the reconciler machine does no I/O',
    'src/cloud/reconcile/bad-import.ts',
    "import { x } from '../aws/aws-provider.js';",
    "import { x } from './fencing.js';",
    /imports nothing that does I\/O/,
  ],
  [
    'the VRRP core does no I/O',
    'src/agent/vrrp/bad-import.ts',
    "import { x } from 'node:fs';",
    "import { x } from './intervals.js';",
    /The VRRP core is pure/,
  ],
] as const)('%s', (_rule, file, bad, good, message) => {
  it('fails a bad import', async () => {
    const errors = await importErrors(file, bad);
    expect(
      errors.some((e) => message.test(e)),
      errors.join('\n'),
    ).toBe(true);
  });

  it('passes a good one', async () => {
    expect(await importErrors(file, good)).toEqual([]);
  });
});
