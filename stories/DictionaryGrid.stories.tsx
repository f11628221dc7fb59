import type { Meta, StoryObj } from '@storybook/react-vite'
import { interpolateBrBG, interpolatePuOr, interpolateRdBu } from 'd3-scale-chromatic'
import { useMemo, useState } from 'react'
import {
  DictionaryGrid,
  type DictionarySource,
  type SelectedAtom,
} from '../src/components/DictionaryGrid'

interface GridArgs {
  sort: 'none' | 'usage'
  columns: number
  scale: number
  gap: number
  colors: 'RdBu' | 'PuOr' | 'BrBG'
  legend: boolean
  selectable: boolean
}

const SCALES = { RdBu: interpolateRdBu, PuOr: interpolatePuOr, BrBG: interpolateBrBG }

/** The 64 atoms of the 8×8 2-D DCT (JPEG's basis), with a made-up usage that favours low frequencies. */
function dctDictionary(): DictionarySource {
  const n = 8
  const data = new Float32Array(64 * 64)
  const usage = new Float32Array(64)
  for (let u = 0; u < n; u++) {
    for (let v = 0; v < n; v++) {
      const atom = u * n + v
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
          data[atom * 64 + y * n + x] =
            Math.cos(((2 * y + 1) * u * Math.PI) / 16) * Math.cos(((2 * x + 1) * v * Math.PI) / 16)
        }
      }
      usage[atom] = 1 / (1 + u + v)
    }
  }
  return { atoms: { data, shape: [64, 8, 8, 1] }, usage }
}

function Grid(args: GridArgs) {
  const dictionary = useMemo(() => dctDictionary(), [])
  const [selected, setSelected] = useState<SelectedAtom | undefined>(undefined)
  return (
    <div>
      <DictionaryGrid
        dictionary={dictionary}
        sort={args.sort}
        columns={args.columns}
        scale={args.scale}
        gap={args.gap}
        colorScale={SCALES[args.colors]}
        legend={args.legend}
        {...(args.selectable ? { onSelect: setSelected } : {})}
      />
      <p style={{ fontSize: 12 }}>
        {selected
          ? `Selected atom ${selected.index + 1} (usage ${selected.usage?.toFixed(3)})`
          : args.selectable
            ? 'Click an atom, or focus the grid and use the arrow keys and Enter.'
            : ''}
      </p>
    </div>
  )
}

const meta: Meta<GridArgs> = {
  title: 'Components/DictionaryGrid',
  component: Grid,
  parameters: {
    docs: {
      description: {
        component:
          'Atoms of a dictionary as tiles on a diverging colour scale (d3-scale-chromatic), each centred on zero and scaled to its own largest magnitude. Shown here with the fixed 8×8 DCT basis; with `useSparseCoding` pass `dictionary={sc.dictionary}`.',
      },
    },
  },
  argTypes: {
    sort: { control: 'inline-radio', options: ['none', 'usage'] },
    columns: { control: { type: 'range', min: 1, max: 32, step: 1 } },
    scale: { control: { type: 'range', min: 1, max: 12, step: 1 } },
    gap: { control: { type: 'range', min: 0, max: 8, step: 1 } },
    colors: { control: 'inline-radio', options: ['RdBu', 'PuOr', 'BrBG'] },
    legend: { control: 'boolean' },
    selectable: { control: 'boolean' },
  },
  args: {
    sort: 'none',
    columns: 8,
    scale: 6,
    gap: 2,
    colors: 'RdBu',
    legend: true,
    selectable: true,
  },
}

export default meta

/** The DCT basis in its own order: frequency grows to the right and down. */
export const DCTBasis: StoryObj<GridArgs> = {}

/** Sorted by usage: the most used atoms first. */
export const SortedByUsage: StoryObj<GridArgs> = { args: { sort: 'usage' } }
