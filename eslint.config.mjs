// Lint rules for every TypeScript file, with type information (typescript-eslint's type-checked set).
// Formatting is Prettier's (npm run check:format); this file is about correctness and the layout's direction.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders and what they must not import: the product never imports tools or tests; tools never import tests. */
const layers = [
  { files: ['server/**/*.ts'], forbidden: ['**/tools/**', '**/harness/**', '**/tests/**'], why: 'the product' },
  {
    files: ['server/shared/**/*.ts'],
    forbidden: ['**/src/**', '**/browser/**'],
    why: 'code shared by Node and browsers',
  },
  { files: ['harness/**/*.ts'], forbidden: ['**/tools/**', '**/tests/**'], why: 'the helpers tests and tools share' },
  { files: ['tools/**/*.ts'], forbidden: ['**/tests/**'], why: 'a tool (shared helpers live in harness/)' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'server/dist/', 'server/web/js/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Node code and browser code are checked against their own tsconfig (lib DOM only for the browser).
        project: ['./tsconfig.json', './server/tsconfig.web.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'all' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: 'error',
      // Prettier wraps code; this catches the comments and lines it cannot wrap.
      'max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true },
      ],
    },
  },
  ...layers.map(({ files, forbidden, why }) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: forbidden, message: `Not from ${why}: see docs/architecture.md.` }] },
      ],
    },
  })),
  {
    // Config files outside both tsconfigs: plain JavaScript rules only.
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
