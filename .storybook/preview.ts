import type { Preview } from '@storybook/react-vite'
import './theme.css'

const preview: Preview = {
  parameters: {
    controls: { expanded: true },
    layout: 'padded',
  },
  tags: ['autodocs'],
}

export default preview
