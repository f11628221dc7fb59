import type { StorybookConfig } from '@storybook/react-vite'

const config: StorybookConfig = {
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true },
  async viteFinal(config) {
    const { mergeConfig } = await import('vite')
    return mergeConfig(config, {
      worker: { format: 'es' },
      optimizeDeps: {
        include: [
          '@tensorflow/tfjs-core',
          '@tensorflow/tfjs-core/dist/register_all_gradients',
          '@tensorflow/tfjs-backend-cpu',
          '@tensorflow/tfjs-backend-wasm',
          '@tensorflow/tfjs-backend-webgl',
          '@tensorflow/tfjs-backend-webgpu',
          'comlink',
        ],
      },
    })
  },
}

export default config
