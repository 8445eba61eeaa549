// ESLint flat config: `npm run lint` runs it with --max-warnings=0 in CI (.ci/run), before the tests.
const { defineConfig, globalIgnores } = require('eslint/config');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

/** Node's globals for the CommonJS scripts (the TypeScript files get them from @types/node). */
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'Buffer', '__dirname', '__filename', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'URL', 'fetch'].map((name) => [name, 'readonly']),
);

// The rules that forbid any, turned off together where any is accepted (each use below says why).
const anyTolerated = {
  '@typescript-eslint/no-unsafe-assignment': 'off',
  '@typescript-eslint/no-unsafe-member-access': 'off',
  '@typescript-eslint/no-unsafe-call': 'off',
  '@typescript-eslint/no-unsafe-argument': 'off',
  '@typescript-eslint/no-unsafe-return': 'off',
  '@typescript-eslint/no-explicit-any': 'off',
};

module.exports = defineConfig(
  globalIgnores(['dist/', 'coverage/', '.data/', 'node_modules/']),
  {
    // A disable comment that no longer silences anything is an error, so they cannot go stale.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // TypeORM's query<T = any>() infers T from the `as Row[]` around it, so the rule calls every typed raw-SQL result unnecessary and its fix would turn them back into any.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // String(x) of unknown form, query and cell values is the intended coercion; the validators refuse what is not text afterwards.
      '@typescript-eslint/no-base-to-string': 'off',
      // Nest's Reflector and ExecutionContext.getHandler() speak Function: metadata targets are handlers and classes.
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // supertest's response.body, JSON.parse and the rows tests read back are any by design; the assertions check their shape.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'src/**/*.spec.ts'],
    rules: anyTolerated,
  },
  {
    // The benchmark loads the compiled dist/ it measures, at run time.
    files: ['bench/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Read models whose SQL rows are still Record<string, any>, handed to templates: the next step is typing their rows.
    files: [
      'src/evaluation/evaluation.records.ts',
      'src/evaluation/evaluation.queries.ts',
      'src/evaluation/evaluation-dashboard.queries.ts',
      'src/service-evaluation/service-evaluation.queries.ts',
      'src/service-evaluation/indicator-templates.service.ts',
    ],
    rules: anyTolerated,
  },
  {
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: nodeGlobals },
  },
  {
    // Served to browsers as a plain script.
    files: ['public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { document: 'readonly', window: 'readonly' } },
  },
);
