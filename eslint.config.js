// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The VRRP core is sans-I/O (ARCHITECTURE.md): no clock, no randomness, no sockets,
// no processes, no timers. These rules enforce it; test/unit/core-purity.test.ts
// checks the same thing independently of the linter.
const coreBannedImports = [
  {
    group: [
      'node:*',
      'fs',
      'net',
      'dgram',
      'child_process',
      'os',
      'http',
      'https',
      'timers',
      'dns',
    ],
    message: 'The VRRP core is pure: no node: I/O modules (ARCHITECTURE.md).',
  },
  { group: ['raw-socket', 'undici', '@aws-sdk/*', 'pino'], message: 'Adapters only.' },
  {
    group: ['**/io/**', '**/net/**', '**/track/**', '**/notify/**', '**/status/**', '**/cloud/**'],
    message: 'The core imports nothing from adapters.',
  },
];

// The cloud reconciler machine (src/cloud/reconcile) is built the same way: inputs with nowMs in,
// commands out; the runner (src/cloud/reconciler.ts) and the provider do the I/O.
const reconcilerBannedImports = [
  ...coreBannedImports.slice(0, 2),
  {
    group: ['**/aws/**', '**/emulator/**', '**/agent/**', '../reconciler.js', '../timing.js'],
    message: 'The reconciler machine imports nothing that does I/O.',
  },
];

const pureGlobals = [
  { name: 'Date', message: 'The core takes nowMs as input.' },
  { name: 'setTimeout', message: 'The core exposes nextDeadlineMs(); the driver owns timers.' },
  { name: 'setInterval', message: 'The core exposes nextDeadlineMs(); the driver owns timers.' },
  { name: 'setImmediate', message: 'The core is synchronous.' },
  { name: 'queueMicrotask', message: 'The core is synchronous.' },
  { name: 'process', message: 'The core has no process state.' },
  { name: 'performance', message: 'The core takes nowMs as input.' },
  { name: 'require', message: 'ESM only.' },
];

const pureProperties = [
  { object: 'Math', property: 'random', message: 'The core has no randomness of its own.' },
  { object: 'Date', property: 'now', message: 'The core takes nowMs as input.' },
];

// Boundaries (issue 12): the product never reaches the test scaffolding; the cloud side stands
// on its own (the Lambda controller uses it without the agent); adapters are driven by the
// daemon, never the reverse.
const noScaffolding = {
  group: ['**/lab/**', '**/lab'],
  message: 'src/ never imports lab/ (the namespace lab, the demo, the EC2 emulator).',
};
const noAgent = {
  group: ['**/agent/**'],
  message: 'src/cloud never imports src/agent: it runs without the agent (the controller).',
};
const noDaemon = {
  group: ['**/daemon/**'],
  message: 'Adapters never import the daemon; the daemon drives them.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        Buffer: 'readonly',
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noScaffolding] }],
      // One injected clock (src/agent/clock.ts: nowMs monotonic, epochMs wall-clock; the cloud's
      // src/cloud/timing.ts): nothing else reads the time.
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the injected clock (epochMs, nowMs).' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'new Date() reads the clock: use new Date(clock.epochMs()).',
        },
      ],
    },
  },
  {
    // The probes serve the agent's trackers and the controller's health checks alike.
    files: ['src/cloud/**/*.ts', 'src/probe/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noScaffolding, noAgent] }] },
  },
  {
    files: [
      'src/agent/io/**/*.ts',
      'src/agent/net/**/*.ts',
      'src/agent/track/**/*.ts',
      'src/agent/notify/**/*.ts',
      'src/agent/status/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [noScaffolding, noDaemon] }] },
  },
  {
    files: ['src/agent/vrrp/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...coreBannedImports, noScaffolding] }],
      'no-restricted-globals': ['error', ...pureGlobals],
      'no-restricted-properties': ['error', ...pureProperties],
    },
  },
  {
    files: ['src/cloud/reconcile/**/*.ts', 'src/cloud/controller/logic/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...reconcilerBannedImports, noScaffolding, noAgent] },
      ],
      'no-restricted-globals': ['error', ...pureGlobals],
      'no-restricted-properties': ['error', ...pureProperties],
    },
  },
);
