import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

// Layering from DESIGN.md, kept by paths, not by lists: TF.js lives only in `engine/` folders of
// src/core (and in workers/). Everything else in src/core is TF-free, may not load an engine module,
// and is what the main thread may import. Type-only imports cross freely (they vanish at build time).
const NO_TFJS = {
  group: ['@tensorflow/*'],
  message: 'TF.js loads only in src/core/**/engine/ (and the worker).',
}
const NO_ENGINE = {
  group: ['**/engine/*', '**/engine'],
  allowTypeImports: true,
  message: 'Engine modules load TF.js; outside an engine folder import their types only.',
}
const NO_WORKERS = {
  group: ['**/workers/*'],
  message: 'The worker is reached through the TF-free protocol (src/protocol.ts), never imported.',
}
const NO_DATA = {
  group: ['**/data/*', '**/data'],
  message: 'The engine takes data as arguments; shipped data sets live above it (src/data).',
}
const NO_REACT = {
  group: ['react', 'react-dom', 'react/*', '**/react/*', '**/components/*'],
  message: 'The client and the worker know nothing of React.',
}
const NO_UI = {
  group: [
    'react',
    'react-dom',
    'react/*',
    'comlink',
    '**/client/*',
    '**/react/*',
    '**/components/*',
  ],
  message: 'The engine, the data and the protocol are framework-free.',
}

export default tseslint.config(
  {
    ignores: [
      'dist',
      'storybook-static',
      'node_modules',
      'bench/report.*',
      'src/data/digitsData.ts',
      'assembly',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**'],
    // latentkit/core's entry re-exports the engine on purpose.
    ignores: ['src/core/**/engine/**', 'src/core/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [NO_TFJS, NO_ENGINE, NO_WORKERS, NO_UI, NO_DATA] },
      ],
    },
  },
  {
    files: ['src/core/**/engine/**', 'src/core/index.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_WORKERS, NO_UI, NO_DATA] }] },
  },
  {
    files: ['src/data/**', 'src/protocol.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [NO_TFJS, NO_ENGINE, NO_WORKERS, NO_UI] }],
    },
  },
  {
    files: ['src/client/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [NO_TFJS, NO_ENGINE, NO_WORKERS, NO_REACT] }],
    },
  },
  {
    files: ['src/react/**', 'src/index.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_TFJS, NO_ENGINE, NO_WORKERS] }] },
  },
  {
    files: ['workers/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_REACT] }] },
  },
  {
    files: ['src/components/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_TFJS,
            NO_ENGINE,
            NO_WORKERS,
            {
              group: ['**/client/*', '**/react/*', 'comlink'],
              allowTypeImports: true,
              message: 'Components are pure: React and small helpers only (types from elsewhere).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
)
