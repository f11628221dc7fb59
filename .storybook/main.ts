import type { StorybookConfig } from '@storybook/react-vite'
import { PREBUNDLED_DEPS } from '../scripts/optimizeDeps.mjs'

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
        include: PREBUNDLED_DEPS,
      },
    })
  },
}

export default config
