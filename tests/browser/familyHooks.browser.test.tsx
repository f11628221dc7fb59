/**
 * The shared hook suite: every family's hook — the built-in ones and the test-only mean-image
 * family registered in its own worker — trains from a button, draws its own loss chart, runs its
 * actions, and no action of any of them, called from an `onClick` and failing, leaves an unhandled
 * rejection.
 */
import { useEffect, type MouseEventHandler } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { userEvent } from 'vitest/browser'
import type { AnyFamilySpec } from '../../src/core/family/familySpec'
import type { ImageBatch } from '../../src/core/dataset'
import { autoencoderSpec } from '../../src/core/autoencoder/autoencoderSpec'
import { autoregressiveSpec } from '../../src/core/autoregressive/autoregressiveSpec'
import { ganSpec } from '../../src/core/gan/ganSpec'
import { kMeansSpec } from '../../src/core/kmeans/kmeansSpec'
import { decSpec } from '../../src/core/dec/decSpec'
import { pcaSpec } from '../../src/core/pca/pcaSpec'
import { rbmSpec } from '../../src/core/rbm/rbmSpec'
import { contrastiveSpec } from '../../src/core/contrastive/contrastiveSpec'
import { pretextSpec } from '../../src/core/pretext/pretextSpec'
import { helmholtzSpec } from '../../src/core/helmholtz/helmholtzSpec'
import { sparseCodingSpec } from '../../src/core/sparse/sparseSpec'
import { vaeSpec } from '../../src/core/vae/vaeSpec'
import { LossChart } from '../../src/components/LossChart'
import { TrainingStatus } from '../../src/components/TrainingStatus'
import { useAutoencoder } from '../../src/react/useAutoencoder'
import { useAutoregressive } from '../../src/react/useAutoregressive'
import { useGAN } from '../../src/react/useGAN'
import { useKMeans } from '../../src/react/useKMeans'
import { useDEC } from '../../src/react/useDEC'
import { useSemanticHashing } from '../../src/react/useSemanticHashing'
import { hashingSpec } from '../../src/core/hashing/hashingSpec'
import { usePCA } from '../../src/react/usePCA'
import { useRBM } from '../../src/react/useRBM'
import { useContrastive } from '../../src/react/useContrastive'
import { usePretext } from '../../src/react/usePretext'
import { useHelmholtz } from '../../src/react/useHelmholtz'
import { useSparseCoding } from '../../src/react/useSparseCoding'
import { useVAE } from '../../src/react/useVAE'
import { meanImageSpec } from '../families/meanImage/meanImageSpec'
import { createMeanImageWorker, useMeanImage } from '../families/meanImage/useMeanImage'
import { waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

/** The members of a hook result this suite reads, whatever the family. */
interface AnyHookResult {
  readonly status: string
  readonly family: string
  readonly history: readonly unknown[]
  readonly error: { readonly code: string } | undefined
  readonly [member: string]: unknown
}

interface HookCase {
  readonly spec: AnyFamilySpec
  readonly useModel: (options: object) => AnyHookResult
  readonly options: object
  /** An action that succeeds after training, and a check of its result. */
  readonly action: {
    readonly name: string
    readonly args: readonly unknown[]
    check(result: unknown): void
  }
}

const digits = { name: 'digits', limit: 128 } as const
const ring = {
  data: Float32Array.from({ length: 256 }, (_, i) => Math.cos(i) * (i % 2 ? 1 : 2)),
  shape: [128, 2],
}
const images = (n: number) => (result: unknown) =>
  expect((result as ImageBatch).shape).toEqual([n, 8, 8, 1])

const cases: HookCase[] = [
  {
    spec: vaeSpec,
    useModel: useVAE as unknown as HookCase['useModel'],
    options: { data: digits, epochs: 1, batchSize: 32, hiddenUnits: [16] },
    action: { name: 'sample', args: [2, { seed: 1 }], check: images(2) },
  },
  {
    spec: ganSpec,
    useModel: useGAN as unknown as HookCase['useModel'],
    options: { data: ring, epochs: 1, batchSize: 32, generatorUnits: [16] },
    action: {
      name: 'view2d',
      args: [{ gridSize: 4 }],
      check: (result) => expect((result as { gridSize: number }).gridSize).toBe(4),
    },
  },
  {
    spec: sparseCodingSpec,
    useModel: useSparseCoding as unknown as HookCase['useModel'],
    options: { data: digits, epochs: 1, batchSize: 64, patchesPerEpoch: 128, atoms: 16 },
    action: {
      name: 'denoise',
      args: [{ data: new Float32Array(64).fill(0.5), shape: [1, 8, 8, 1] }],
      check: images(1),
    },
  },
  {
    spec: autoencoderSpec,
    useModel: useAutoencoder as unknown as HookCase['useModel'],
    options: { data: digits, epochs: 1, batchSize: 32, hiddenUnits: [16], codeSize: 3 },
    action: {
      name: 'reconstruct',
      args: [{ data: new Float32Array(64).fill(0.5), shape: [1, 8, 8, 1] }],
      check: images(1),
    },
  },
  {
    spec: kMeansSpec,
    useModel: useKMeans as unknown as HookCase['useModel'],
    options: { data: digits, epochs: 2, batchSize: 32, k: 4, algorithm: 'minibatch' },
    action: {
      name: 'assign',
      args: [{ data: new Float32Array(64).fill(0.5), shape: [1, 8, 8, 1] }],
      check: (result) => expect((result as { labels: Int32Array }).labels.length).toBe(1),
    },
  },
  {
    spec: decSpec,
    useModel: useDEC as unknown as HookCase['useModel'],
    options: {
      data: digits,
      epochs: 1,
      batchSize: 32,
      refineSteps: 4,
      kmeansRuns: 1,
      clusters: 4,
      hiddenUnits: [16],
      codeSize: 3,
    },
    action: {
      name: 'assign',
      args: [{ data: new Float32Array(64).fill(0.5), shape: [1, 8, 8, 1] }],
      check: (result) => expect((result as { labels: Int32Array }).labels.length).toBe(1),
    },
  },
  {
    spec: hashingSpec,
    useModel: useSemanticHashing as unknown as HookCase['useModel'],
    options: { data: digits, epochs: 1, batchSize: 32, bits: 12, hiddenUnits: [16] },
    action: {
      name: 'hash',
      args: [{ data: new Float32Array(64).fill(0.5), shape: [1, 8, 8, 1] }],
      check: (result) => expect((result as { codes: Uint32Array }).codes.length).toBe(1),
    },
  },
  {
    spec: pcaSpec,
    useModel: usePCA as unknown as HookCase['useModel'],
    options: { data: digits, epochs: 1, batchSize: 32, nComponents: 4 },
    action: {
      name: 'reconstruct',
      args: [{ data: new Float32Array(64).fill(0.5), shape: [1, 8, 8, 1] }, { components: 2 }],
      check: images(1),
    },
  },
  {
    spec: rbmSpec,
    useModel: useRBM as unknown as HookCase['useModel'],
    options: { data: digits, epochs: 1, batchSize: 32, layers: [16] },
    action: {
      name: 'gibbsChain',
      args: [2, { steps: 4, frames: 3, seed: 1 }],
      check: (result) => {
        const chain = result as { chains: number; frames: number; images: ImageBatch }
        expect([chain.chains, chain.frames]).toEqual([2, 3])
        expect(chain.images.shape).toEqual([6, 8, 8, 1])
      },
    },
  },
  {
    spec: autoregressiveSpec,
    useModel: useAutoregressive as unknown as HookCase['useModel'],
    options: { data: digits, epochs: 1, batchSize: 32, hiddenUnits: [16] },
    action: {
      name: 'sampleSteps',
      args: [2, { frames: 3, seed: 1 }],
      check: (result) => {
        const steps = result as { samples: number; frames: number; images: ImageBatch }
        expect([steps.samples, steps.frames]).toEqual([2, 3])
        expect(steps.images.shape).toEqual([6, 8, 8, 1])
      },
    },
  },
  {
    spec: contrastiveSpec,
    useModel: useContrastive as unknown as HookCase['useModel'],
    options: { data: digits, epochs: 1, batchSize: 32, hiddenUnits: [16], featureSize: 8 },
    action: {
      name: 'augmentPairs',
      args: [3, { seed: 1 }],
      check: (result) => {
        const pairs = result as { first: ImageBatch; second: ImageBatch }
        expect(pairs.first.shape).toEqual([3, 8, 8, 1])
        expect(pairs.second.shape).toEqual([3, 8, 8, 1])
      },
    },
  },
  {
    spec: pretextSpec,
    useModel: usePretext as unknown as HookCase['useModel'],
    options: {
      data: digits,
      task: 'jigsaw',
      epochs: 1,
      batchSize: 32,
      hiddenUnits: [16],
      featureSize: 8,
    },
    action: {
      name: 'makeTask',
      args: [3, { seed: 1 }],
      check: (result) => {
        const examples = result as { inputs: ImageBatch; targets: Int32Array }
        expect(examples.inputs.shape).toEqual([3, 8, 8, 1])
        expect(examples.targets.every((t) => t >= 0 && t < 24)).toBe(true)
      },
    },
  },
  {
    spec: helmholtzSpec,
    useModel: useHelmholtz as unknown as HookCase['useModel'],
    options: { data: digits, epochs: 1, batchSize: 32, layers: [16, 4] },
    action: { name: 'sample', args: [2, { seed: 1 }], check: images(2) },
  },
  {
    spec: meanImageSpec,
    useModel: useMeanImage as unknown as HookCase['useModel'],
    options: { data: digits, epochs: 1, createWorker: createMeanImageWorker },
    action: { name: 'mean', args: [], check: images(1) },
  },
]

const TRAINING_ACTIONS = ['train', 'pause', 'resume', 'stop', 'reset'] as const

function Harness(props: {
  readonly family: HookCase
  readonly onResult: (model: AnyHookResult, broken: AnyHookResult) => void
}) {
  const { family, onResult } = props
  const model = family.useModel({ backend: 'wasm', ...family.options })
  // The same family with an invalid training option: its train() fails from a click.
  const broken = family.useModel({ backend: 'wasm', ...family.options, batchSize: 0 })
  useEffect(() => onResult(model, broken), [model, broken, onResult])
  const button = (name: string, target: AnyHookResult, id = name) => (
    <button key={id} data-testid={id} onClick={target[name] as MouseEventHandler}>
      {id}
    </button>
  )
  return (
    <div>
      <TrainingStatus model={model as never} />
      <LossChart history={model.history as never} />
      {Object.keys(family.spec.actions).map((name) => button(name, model))}
      {TRAINING_ACTIONS.map((name) => button(name, model))}
      {button('train', broken, 'broken-train')}
    </div>
  )
}

describe('every family hook, in real Chromium', () => {
  for (const family of cases) {
    test(`${family.spec.kind}: trains from a click, draws its own chart, runs its actions; failing clicks reject nothing`, async () => {
      const unhandled: unknown[] = []
      const record = (event: PromiseRejectionEvent): void => {
        unhandled.push(event.reason)
        event.preventDefault()
      }
      window.addEventListener('unhandledrejection', record)
      try {
        let model: AnyHookResult | undefined
        let broken: AnyHookResult | undefined
        const screen = await render(
          <Harness
            family={family}
            onResult={(m, b) => {
              model = m
              broken = b
            }}
          />,
        )
        await waitFor(() => model !== undefined)
        expect(model!.family).toBe(family.spec.kind)
        const actions = Object.keys(family.spec.actions)

        // Every family action before training: NOT_TRAINED in `error`, nothing rejected.
        for (const name of actions) {
          await userEvent.click(screen.getByTestId(name))
          await waitFor(() => model!.error?.code === 'NOT_TRAINED')
        }

        // A bad option from a click: INVALID_OPTION in `error`, nothing rejected.
        await userEvent.click(screen.getByTestId('broken-train'))
        await waitFor(() => broken!.error?.code === 'INVALID_OPTION')

        await userEvent.click(screen.getByTestId('train'))
        await waitFor(() => model!.status === 'ready', 60_000)
        expect(model!.history.length).toBeGreaterThan(0)
        // The chart draws this family's lines without being told which.
        expect(screen.container.querySelectorAll('polyline').length).toBe(
          family.spec.chart.series.length,
        )
        for (const series of family.spec.chart.series) {
          expect(
            screen.container.querySelector(`.lk-loss-chart__line--${series.key}`),
          ).not.toBeNull()
        }

        // The action works through its rejecting twin, and its plain form resolves with the result.
        const run = model![`${family.action.name}Async`] as (
          ...args: readonly unknown[]
        ) => Promise<unknown>
        family.action.check(await run(...family.action.args))
        const plain = model![family.action.name] as (
          ...args: readonly unknown[]
        ) => Promise<unknown>
        family.action.check(await plain(...family.action.args))

        // Every action from a click after training (it gets the click event as its argument).
        for (const name of [...actions, 'pause', 'resume', 'stop']) {
          await userEvent.click(screen.getByTestId(name))
        }
        await new Promise((resolve) => setTimeout(resolve, 300))
        expect(model!.status).not.toBe('training')
        expect(unhandled).toEqual([])
      } finally {
        window.removeEventListener('unhandledrejection', record)
      }
    })
  }
})
