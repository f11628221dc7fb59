// Dependencies Vite must pre-bundle up front (Vitest and Storybook alike); otherwise it finds them
// mid-run, re-optimises and reloads the page under a running worker.
export const PREBUNDLED_DEPS = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-backend-webgpu',
  'comlink',
  // CommonJS behind an ESM facade: it must be pre-bundled.
  'ml-matrix',
  // Imported by the components (colour maps, colorScale): found late, either would make Vite reload
  // the page mid-run.
  'd3-scale-chromatic',
  'd3-color',
]
