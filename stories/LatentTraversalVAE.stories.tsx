import type { Meta, StoryObj } from '@storybook/react-vite'
import { useMemo } from 'react'
import { LatentTraversal } from '../src/components/LatentTraversal'
import { useLatentTraversal } from '../src/components/useLatentTraversal'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { useVAE } from '../src/react/useVAE'

interface VAEArgs {
  dims: number
  steps: number
  range: number
  scale: number
  seed: number
}

/** The VAE story's digits preset (latent 8): each latent dimension swept with the others at a seeded draw. */
function VAETraversal(args: VAEArgs) {
  const vae = useVAE({ preset: 'digits', data: 'digits', epochs: 40, learningRate: 0.002 })
  const dims = useMemo(() => Array.from({ length: args.dims }, (_, d) => d), [args.dims])
  const traversal = useLatentTraversal(vae, {
    kind: 'latent',
    dims,
    steps: args.steps,
    range: [-args.range, args.range],
    seed: args.seed,
  })
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <TrainingStatus model={vae} unit="images" data-testid="model-status" />
      <LatentTraversal
        rows={traversal.rows}
        problem={traversal.problem}
        scale={args.scale}
        label="VAE latent traversal"
      />
    </div>
  )
}

const meta: Meta<VAEArgs> = {
  title: 'Components/LatentTraversal (VAE)',
  component: VAETraversal,
  argTypes: {
    dims: { control: { type: 'range', min: 1, max: 8, step: 1 } },
    steps: { control: { type: 'range', min: 3, max: 12, step: 1 } },
    range: { control: { type: 'range', min: 0.5, max: 4, step: 0.5 } },
    scale: { control: { type: 'range', min: 1, max: 8, step: 1 } },
    seed: { control: 'number' },
  },
  args: { dims: 8, steps: 9, range: 2, scale: 5, seed: 1 },
}

export default meta

/** The VAE digits preset's eight latent dimensions, each swept over ±2 with the rest fixed. */
export const DigitsPreset: StoryObj<VAEArgs> = { name: 'VAE latents (digits preset)' }
