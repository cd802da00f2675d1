// ESLint for the TypeScript sources (npm run lint). Formatting is Prettier's job, so no stylistic rules here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['out/', 'dist/', '.cache/', '.tools/', 'node_modules/', 'test/fixtures/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Type-aware rules that catch real bugs: a promise nobody awaits loses its rejection (an unhandled rejection
      // ends the language server), and a promise where a boolean or a void callback is expected is always truthy or
      // never awaited.
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe() and it() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Tests read YAML through regular expressions, where the spaces of indentation mean what they say.
      'no-regex-spaces': 'off',
      // A `let` that a closure reads before its one later assignment cannot be a `const`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // engine/core/yaml-nodes.ts says why.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/engine/core/yaml-nodes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'yaml',
              importNames: ['isAlias', 'isCollection', 'isDocument', 'isMap', 'isNode', 'isPair', 'isScalar', 'isSeq'],
              message: 'Import the node tests from engine/core/yaml-nodes: a getter runs on every call of these.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Stand-in extensions and servers that VS Code loads as CommonJS.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
