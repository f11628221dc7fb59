import type { Meta, StoryObj } from '@storybook/react-vite'
import { interpolateBrBG, interpolatePuOr, interpolateRdBu } from 'd3-scale-chromatic'
import { useMemo, useState } from 'react'
import { FilterGrid, type FilterSource, type SelectedFilter } from '../src/components/FilterGrid'
import { useSparseCoding } from '../src/react/useSparseCoding'
import { TrainingStatus } from '../src/components/TrainingStatus'

interface GridArgs {
  sort: 'none' | 'weight'
  columns: number
  scale: number
  gap: number
  colors: 'RdBu' | 'PuOr' | 'BrBG'
  legend: boolean
}

const SCALES = { RdBu: interpolateRdBu, PuOr: interpolatePuOr, BrBG: interpolateBrBG }

/**
 * A bank of 12 × 12 Gabor filters (8 orientations × 4 wavelengths), the receptive fields V1 and
 * first layers learn; the weight is made up (longer wavelengths weigh more).
 */
function gaborBank(): FilterSource {
  const side = 12
  const orientations = 8
  const wavelengths = [3, 4.5, 6.5, 9]
  const count = orientations * wavelengths.length
  const data = new Float32Array(count * side * side)
  const weights = new Float32Array(count)
  wavelengths.forEach((lambda, w) => {
    for (let o = 0; o < orientations; o++) {
      const filter = w * orientations + o
      const theta = (o * Math.PI) / orientations
      const sigma = 0.45 * lambda
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const dx = x - (side - 1) / 2
          const dy = y - (side - 1) / 2
          const along = dx * Math.cos(theta) + dy * Math.sin(theta)
          const across = -dx * Math.sin(theta) + dy * Math.cos(theta)
          const envelope = Math.exp(-(along * along + across * across) / (2 * sigma * sigma))
          data[filter * side * side + y * side + x] =
            envelope * Math.cos((2 * Math.PI * along) / lambda)
        }
      }
      weights[filter] = lambda / 9 - o * 0.001
    }
  })
  return { images: { data, shape: [count, side, side, 1] }, weights }
}

function Selection({ selected }: { selected: SelectedFilter | undefined }) {
  return (
    <p style={{ fontSize: 12 }}>
      {selected
        ? `Selected filter ${selected.index + 1} (weight ${selected.weight?.toFixed(3)})`
        : 'Click a filter, or focus the grid and use the arrow keys and Enter.'}
    </p>
  )
}

function Bank(args: GridArgs) {
  const filters = useMemo(() => gaborBank(), [])
  const [selected, setSelected] = useState<SelectedFilter | undefined>(undefined)
  return (
    <div>
      <FilterGrid
        filters={filters}
        sort={args.sort}
        columns={args.columns}
        scale={args.scale}
        gap={args.gap}
        colorScale={SCALES[args.colors]}
        legend={args.legend}
        weightName="weight"
        onSelect={setSelected}
      />
      <Selection selected={selected} />
    </div>
  )
}

function Learned(args: GridArgs) {
  const sc = useSparseCoding({
    preset: 'digits',
    data: 'digits',
    atoms: 64,
    patchSize: 8,
    autoTrain: true,
  })
  const [selected, setSelected] = useState<SelectedFilter | undefined>(undefined)
  const filters = useMemo(
    () =>
      sc.dictionary ? { images: sc.dictionary.atoms, weights: sc.dictionary.usage } : undefined,
    [sc.dictionary],
  )
  return (
    <div>
      <TrainingStatus model={sc} />
      <FilterGrid
        filters={filters}
        sort={args.sort}
        columns={args.columns}
        scale={args.scale}
        gap={args.gap}
        colorScale={SCALES[args.colors]}
        legend={args.legend}
        noun="atom"
        weightName="usage"
        formatWeight={(usage) => `${(100 * usage).toFixed(1)} %`}
        onSelect={setSelected}
      />
      <Selection selected={selected} />
    </div>
  )
}

const meta: Meta<GridArgs> = {
  title: 'Components/FilterGrid',
  component: Bank,
  parameters: {
    docs: {
      description: {
        component:
          'Signed images — receptive fields, PCA components, atoms, any layer’s weights — as tiles on a diverging colour scale (d3-scale-chromatic), each centred on zero and scaled to its own largest magnitude, optionally sorted by a weight per filter.',
      },
    },
  },
  argTypes: {
    sort: { control: 'inline-radio', options: ['none', 'weight'] },
    columns: { control: { type: 'range', min: 1, max: 32, step: 1 } },
    scale: { control: { type: 'range', min: 1, max: 12, step: 1 } },
    gap: { control: { type: 'range', min: 0, max: 8, step: 1 } },
    colors: { control: 'inline-radio', options: ['RdBu', 'PuOr', 'BrBG'] },
    legend: { control: 'boolean' },
  },
  args: { sort: 'none', columns: 8, scale: 5, gap: 2, colors: 'RdBu', legend: true },
}

export default meta

/** A Gabor bank: orientation across, wavelength down. */
export const GaborBank: StoryObj<GridArgs> = {}

/** Sorted by weight: the longest wavelengths first. */
export const SortedByWeight: StoryObj<GridArgs> = { args: { sort: 'weight' } }

/** The atoms of the shipped digits dictionary, from the worker, most used first. */
export const LearnedInTheWorker: StoryObj<GridArgs> = {
  render: (args) => <Learned {...args} />,
  args: { sort: 'weight' },
}
