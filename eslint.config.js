import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

// Engine modules that import TF.js: the main thread may import their types only.
const ENGINE_MODULES = [
  '**/core/backend',
  '**/core/dense',
  '**/core/trainingLoop',
  '**/core/index',
  '**/core/vae/vae',
  '**/core/vae/vaeNetwork',
  '**/core/gan/gan',
  '**/core/gan/ganNetwork',
  '**/core/generativeModel',
  '**/core/sparse/fista',
  '**/core/sparse/sparseCoding',
  '**/core/sparse/sparseDictionary',
  '**/core/autoencoder/autoencoder',
  '**/core/autoencoder/autoencoderNetwork',
  '**/core/kernels/fusedDenseNet',
]
const NO_TFJS = { group: ['@tensorflow/*'], message: 'TF.js loads only inside the worker.' }
const ENGINE_TYPES_ONLY = {
  group: ENGINE_MODULES,
  allowTypeImports: true,
  message: 'This engine module imports TF.js; import its types only.',
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
    // Layering from DESIGN.md: the main-thread layers never import TF.js at run time.
    files: ['src/client/**', 'src/react/**', 'src/data/**', 'src/index.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_TFJS, ENGINE_TYPES_ONLY] }] },
  },
  {
    files: ['src/components/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_TFJS,
            {
              group: [...ENGINE_MODULES, '**/client/*', '**/workers/*', 'comlink'],
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
