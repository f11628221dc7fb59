import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import type { ImageBatch } from '../../src/core/dataset'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { createRandom } from '../../src/core/random'
import { FusedRBMTrainer } from '../../src/core/rbm/engine/fusedRBMTrainer'
import { uniformsInto } from '../../src/core/rbm/engine/rbmDraws'
import { RBM } from '../../src/core/rbm/engine/rbm'
import { RBMLayer } from '../../src/core/rbm/engine/rbmLayer'
import { TrainingControl } from '../../src/core/trainingControl'
import type { RBMTrainOptions } from '../../src/core/rbm/rbmOptions'
import type { RBMHistoryPoint } from '../../src/core/rbm/rbmSpec'
import { loadDigits } from '../../src/data/digits'
import { relativeGap } from './relativeGap'
import { switchBackend } from './setupBackend'

beforeAll(() => switchBackend('wasm'))

const digits = loadDigits().images
const ROWS = 12
const V = 64
const H = 20

/** A layer with weights large enough that its samples are far from fair coins. */
function layerWith(gaussian: boolean, visible = V, hidden = H): RBMLayer {
  const random = createRandom(5)
  const layer = new RBMLayer(visible, hidden, gaussian, random)
  tf.tidy(() => {
    layer.weights.assign(
      tf.tensor2d(
        random.normals(visible * hidden).map((x) => 0.3 * x),
        [visible, hidden],
      ),
    )
    layer.hiddenBias.assign(tf.tensor1d(random.normals(hidden).map((x) => 0.3 * x)))
    layer.visibleBias.assign(tf.tensor1d(random.normals(visible).map((x) => 0.3 * x)))
  })
  return layer
}

/** A batch as the layer sees it: digits in [0, 1], or centred ones for Gaussian units. */
function batchFor(gaussian: boolean, step: number): Float32Array {
  const rows = digits.data.slice(step * ROWS * V, (step + 1) * ROWS * V)
  return gaussian ? rows.map((x) => 2 * x - 1) : rows
}

const flat = (layer: RBMLayer): Float32Array =>
  Float32Array.from(layer.variables().flatMap((v) => Array.from(v.dataSync())))

interface Case {
  readonly gaussian: boolean
  readonly persistent: boolean
  readonly gibbsSteps: number
  readonly momentum: number
  readonly weightDecay: number
}

const CASES: [string, Case][] = [
  [
    'Bernoulli, CD-1',
    { gaussian: false, persistent: false, gibbsSteps: 1, momentum: 0, weightDecay: 0 },
  ],
  [
    'Bernoulli, PCD-2, momentum, weight decay',
    { gaussian: false, persistent: true, gibbsSteps: 2, momentum: 0.5, weightDecay: 0.001 },
  ],
  [
    'Gaussian, CD-3, momentum',
    { gaussian: true, persistent: false, gibbsSteps: 3, momentum: 0.9, weightDecay: 0 },
  ],
  [
    'Gaussian, PCD-1, weight decay',
    { gaussian: true, persistent: true, gibbsSteps: 1, momentum: 0, weightDecay: 0.01 },
  ],
]

describe.each(['simd', 'relaxed-simd'] as const)('fused RBM step (%s build)', (build) => {
  test("the SIMD update gives the scalar update's bits (decay, momentum, odd sizes)", async () => {
    const compiled = await compileKernelBuild(build)
    if (!compiled) throw new Error(`no ${build} build here`)
    for (const [weights, biases, decay, momentum, useVelocity] of [
      [64 * 100, 164, 0, 0, 0],
      [63 * 7, 70, 0.001, 0.5, 1],
      [6, 5, 0.01, 0.9, 0],
    ] as const) {
      const n = weights + biases
      const run = (kernel: 'rbmUpdate' | 'rbmUpdateSimd') => {
        const memory = new KernelMemory(compiled)
        const at = [n, n, weights, biases, n].map((size) => memory.alloc(size))
        const values = createRandom(weights)
        at.forEach((offset, i) =>
          memory
            .view(offset, i === 2 ? weights : i === 3 ? biases : n)
            .set(values.normals(i === 2 ? weights : i === 3 ? biases : n)),
        )
        const [params, pos, products, sums, velocity] = at as [
          number,
          number,
          number,
          number,
          number,
        ]
        memory.kernels[kernel](
          params,
          pos,
          products,
          sums,
          velocity,
          weights,
          n,
          10,
          7,
          0.06,
          momentum,
          decay,
          useVelocity,
          1,
        )
        return [memory.view(params, n).slice(), memory.view(velocity, n).slice()]
      }
      const [scalarParams, scalarVelocity] = run('rbmUpdate')
      const [simdParams, simdVelocity] = run('rbmUpdateSimd')
      expect(Array.from(simdParams as Float32Array)).toEqual(
        Array.from(scalarParams as Float32Array),
      )
      expect(Array.from(simdVelocity as Float32Array)).toEqual(
        Array.from(scalarVelocity as Float32Array),
      )
    }
  })

  test("bernoulliDraw's four-at-a-time draws are uniformsInto's (odd sizes, in place, edge probabilities)", async () => {
    const compiled = await compileKernelBuild(build)
    if (!compiled) throw new Error(`no ${build} build here`)
    const memory = new KernelMemory(compiled)
    const n = 4103
    const p = memory.alloc(n)
    const out = memory.alloc(n)
    const values = createRandom(3)
    for (const [count, seed] of [
      [n, 7],
      [1, 11],
      [6, -5],
      [1000, 2 ** 31 - 1],
    ] as const) {
      const probabilities = Float32Array.from({ length: count }, (_, i) =>
        i % 7 === 0 ? 0 : i % 7 === 1 ? 1 : values.uniform(),
      )
      const uniforms = uniformsInto(new Float32Array(count), seed)
      const expected = Array.from(probabilities, (q, i) => ((uniforms[i] as number) < q ? 1 : 0))
      const state = createRandom(seed).state().position
      memory.view(p, count).set(probabilities)
      memory.kernels.bernoulliDraw(p, out, count, state)
      expect(Array.from(memory.view(out, count))).toEqual(expected)
      // In place, as the step draws the visible units.
      memory.kernels.bernoulliDraw(p, p, count, state)
      expect(Array.from(memory.view(p, count))).toEqual(expected)
    }
  })

  // 61 × 23: sizes off the kernels' multiples of four (transposes, draws and sums take their edges).
  test.each([
    [V, H],
    [61, 23],
  ])(
    'an epoch in one kernel call per step (rbmStep) gives the bits of the kernel-by-kernel step (%i visible, %i hidden)',
    async (visible, hidden) => {
      const compiled = await compileKernelBuild(build)
      if (!compiled) throw new Error(`no ${build} build here`)
      /** Step `step`'s batch, each digit's first `visible` values. */
      const batch = (step: number): Float32Array => {
        const rows = batchFor(false, step)
        return Float32Array.from(
          { length: ROWS * visible },
          (_, i) => rows[Math.floor(i / visible) * V + (i % visible)] as number,
        )
      }
      const run = (oneCall: boolean) => {
        const layer = layerWith(false, visible, hidden)
        const memory = new KernelMemory(compiled)
        // Any gemm other than the kernel's own (as a two-thread product sets) runs kernel by kernel.
        if (!oneCall) memory.gemm = (...args) => memory.kernels.gemm(...args)
        const fused = new FusedRBMTrainer(memory, layer, ROWS)
        fused.setChains(ROWS)
        const seeds = createRandom(9)
        const flipRandom = createRandom(3)
        const measures: number[] = []
        for (let step = 0; step < Math.floor(digits.shape[0] / ROWS); step++) {
          fused.batchView(ROWS).set(batch(step))
          const measured = fused.step(layer.variables(), ROWS, {
            learningRate: 0.1,
            momentum: 0.5,
            weightDecay: 0.001,
            gibbsSteps: 1,
            persistent: true,
            seed: () => seeds.int(2 ** 31),
            flips: Int32Array.from({ length: ROWS }, () => flipRandom.int(visible)),
          })
          measures.push(measured.reconstruction, measured.pseudoLikelihood as number)
        }
        fused.writeWeights(layer.variables())
        const result = { weights: flat(layer), chains: fused.chains().states, measures }
        layer.dispose()
        return result
      }
      const oneCall = run(true)
      const byKernel = run(false)
      expect(Array.from(oneCall.weights)).toEqual(Array.from(byKernel.weights))
      expect(Array.from(oneCall.chains)).toEqual(Array.from(byKernel.chains))
      expect(relativeGap(oneCall.measures, byKernel.measures)).toBeLessThan(1e-12)
    },
  )

  test.each(CASES)(
    'three steps give the TF.js updates, chains and measures from the same draws (%s)',
    async (_, c) => {
      const compiled = await compileKernelBuild(build)
      if (!compiled) throw new Error(`no ${build} build here`)
      const baseline = tf.memory().numTensors
      const reference = layerWith(c.gaussian)
      const ours = layerWith(c.gaussian)
      const fused = new FusedRBMTrainer(new KernelMemory(compiled), ours, ROWS)
      const referenceSeeds = createRandom(9)
      const ourSeeds = createRandom(9)
      const flipRandom = createRandom(3)
      let chains: tf.Tensor2D | undefined = c.persistent ? tf.zeros([ROWS, H]) : undefined
      if (c.persistent) fused.setChains(ROWS)
      for (let step = 0; step < 3; step++) {
        const batch = batchFor(c.gaussian, step)
        const flips = Int32Array.from({ length: ROWS }, () => flipRandom.int(V))
        const expected = tf.tidy(() => {
          const v = tf.tensor2d(batch, [ROWS, V])
          const marks = tf.tensor2d(
            Float32Array.from({ length: ROWS * V }, (_, i) =>
              flips[Math.floor(i / V)] === i % V ? 1 : 0,
            ),
            [ROWS, V],
          )
          const likelihood = tf.mean(reference.pseudoLikelihood(v, marks))
          const result = reference.contrastiveDivergence(v, {
            ...c,
            learningRate: c.gaussian ? 0.01 : 0.1,
            chains,
            seed: () => referenceSeeds.int(2 ** 31),
          })
          return { likelihood, ...result }
        })
        fused.batchView(ROWS).set(batch)
        const measured = fused.step(ours.variables(), ROWS, {
          ...c,
          learningRate: c.gaussian ? 0.01 : 0.1,
          seed: () => ourSeeds.int(2 ** 31),
          flips: c.gaussian ? undefined : flips,
        })
        // A step leaves the weights in kernel memory until they are written.
        expect(fused.hasUnwritten).toBe(true)
        fused.writeWeights(ours.variables())
        expect(fused.hasUnwritten).toBe(false)
        expect(relativeGap(flat(ours), flat(reference))).toBeLessThan(1e-5)
        const ourChains = fused.chains().states
        expect(Array.from(ourChains)).toEqual(Array.from(expected.chains.dataSync()))
        const reconstruction = expected.reconstruction.dataSync()[0] as number
        expect(Math.abs(measured.reconstruction - reconstruction) / reconstruction).toBeLessThan(
          1e-5,
        )
        if (!c.gaussian) {
          const likelihood = expected.likelihood.dataSync()[0] as number
          expect(Math.abs((measured.pseudoLikelihood as number) - likelihood)).toBeLessThan(
            1e-5 * Math.abs(likelihood) + 1e-5,
          )
        } else {
          expect(measured.pseudoLikelihood).toBeUndefined()
        }
        tf.dispose([expected.likelihood, expected.reconstruction])
        chains?.dispose()
        chains = c.persistent ? expected.chains : undefined
        if (!c.persistent) expected.chains.dispose()
        if (c.persistent) fused.markChains(expected.chains)
      }
      chains?.dispose()
      reference.dispose()
      ours.dispose()
      expect(tf.memory().numTensors).toBe(baseline)
    },
  )
})

/** Training history and weights of one model on `data`. */
async function trained(
  data: ImageBatch,
  options: ConstructorParameters<typeof RBM>[0],
  train: RBMTrainOptions,
) {
  const rbm = new RBM(options)
  const history: RBMHistoryPoint[] = []
  let kernels = ''
  await rbm.fit(data, train, {
    onUpdate: (update) => {
      history.push(...update.history)
      kernels = update.progress.kernels
    },
  })
  const weights = (await rbm.snapshot()).weightData
  rbm.dispose()
  return { history, kernels, weights: new Float32Array(weights) }
}

describe('an RBM trained with fusedKernels on and off', () => {
  const data: ImageBatch = { data: digits.data.slice(0, 200 * V), shape: [200, 8, 8, 1] }
  test.each([
    ['one RBM, PCD', { layers: [24], seed: 3 }, { sampler: 'pcd', momentum: 0.5 }],
    [
      "one RBM, PCD, no held-out rows (weights written only at the epochs' ends)",
      { layers: [24], seed: 3 },
      { sampler: 'pcd', validationSplit: 0 },
    ],
    ['a deep belief network, CD-2', { layers: [24, 8], seed: 3 }, { sampler: 'cd', gibbsSteps: 2 }],
    ['Gaussian units, PCD', { layers: [16], visible: 'gaussian', seed: 3 }, { weightDecay: 0.001 }],
  ] as [string, ConstructorParameters<typeof RBM>[0], RBMTrainOptions][])(
    'gives the same history and weights (%s), and leaks no tensor',
    async (_, options, train) => {
      const baseline = tf.memory().numTensors
      const settings = { epochs: 2, batchSize: 10, ...train }
      const fused = await trained(data, options, { ...settings, fusedKernels: true })
      const plain = await trained(data, options, { ...settings, fusedKernels: false })
      expect(fused.kernels.startsWith('wasm-')).toBe(true)
      expect(plain.kernels).toBe('tfjs')
      expect(fused.history.length).toBe(plain.history.length)
      const series = (history: RBMHistoryPoint[]) =>
        history.flatMap((p) => [p.reconstruction, p.pseudoLikelihood ?? 0, p.freeEnergyGap ?? 0])
      expect(relativeGap(series(fused.history), series(plain.history))).toBeLessThan(1e-4)
      expect(relativeGap(fused.weights, plain.weights)).toBeLessThan(1e-4)
      expect(tf.memory().numTensors).toBe(baseline)
    },
  )

  test('a snapshot taken during training holds the last step (weights and chains wait in kernel memory until read)', async () => {
    const baseline = tf.memory().numTensors
    const settings: RBMTrainOptions = { epochs: 1, batchSize: 10, sampler: 'pcd' }
    const STEP = 7
    // During training: a snapshot at step 7 of 18, taken as the worker host takes them.
    const during = new RBM({ layers: [24], seed: 4 })
    const holding = new TrainingControl()
    let taken: Promise<ArrayBuffer> | undefined
    let kernels = ''
    await during.fit(data, settings, {
      control: holding,
      updateIntervalMs: 0,
      onUpdate: (update) => {
        kernels = update.progress.kernels
        if (update.progress.step === STEP) {
          taken = during.snapshot().then((snapshot) => snapshot.weightData)
          holding.hold(taken)
        }
      },
    })
    expect(kernels.startsWith('wasm-')).toBe(true)
    // Stopped after step 7: the weights training leaves.
    const stopped = new RBM({ layers: [24], seed: 4 })
    const stopping = new TrainingControl()
    await stopped.fit(data, settings, {
      control: stopping,
      updateIntervalMs: 0,
      onUpdate: (update) => {
        if (update.progress.step === STEP) stopping.stop()
      },
    })
    expect(stopped.trainedSteps).toBe(STEP)
    const atStep = await stopped.snapshot()
    expect(new Float32Array(await (taken as Promise<ArrayBuffer>))).toEqual(
      new Float32Array(atStep.weightData),
    )
    // And not the weights of the start of training or of its end.
    expect(new Float32Array((await during.snapshot()).weightData)).not.toEqual(
      new Float32Array(atStep.weightData),
    )
    during.dispose()
    stopped.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  })

  test.each([true, false])(
    'pseudoLikelihoodEvery changes what the history shows, never the weights (fusedKernels: %s)',
    async (fusedKernels) => {
      const baseline = tf.memory().numTensors
      // 18 steps an epoch: measured at steps 0, 4, 8, 12 and 16 of each epoch with 4.
      const settings: RBMTrainOptions = { epochs: 2, batchSize: 10, fusedKernels }
      const options = { layers: [24], seed: 5 }
      const every = await trained(data, options, { ...settings, pseudoLikelihoodEvery: 1 })
      const some = await trained(data, options, { ...settings, pseudoLikelihoodEvery: 4 })
      const never = await trained(data, options, { ...settings, pseudoLikelihoodEvery: 0 })
      expect(some.kernels.startsWith('wasm-')).toBe(fusedKernels)
      // The same flips and seeds are drawn at every step: the same updates, bit for bit.
      expect(some.weights).toEqual(every.weights)
      expect(never.weights).toEqual(every.weights)
      expect(some.history.map((p) => p.reconstruction)).toEqual(
        every.history.map((p) => p.reconstruction),
      )
      expect(some.history.length).toBe(36)
      some.history.forEach((point, i) => {
        const measuredAt = i - ((i % 18) % 4)
        expect(point.pseudoLikelihood).toBe(every.history[measuredAt]?.pseudoLikelihood)
      })
      expect(new Set(some.history.map((p) => p.pseudoLikelihood)).size).toBe(10)
      expect(never.history.every((p) => !('pseudoLikelihood' in p))).toBe(true)
      expect(tf.memory().numTensors).toBe(baseline)
    },
  )

  test('pseudoLikelihoodEvery must be 0 or a positive integer (INVALID_OPTION)', async () => {
    const rbm = new RBM({ layers: [8] })
    for (const bad of [-1, 2.5, Number.NaN]) {
      await expect(rbm.fit(data, { pseudoLikelihoodEvery: bad })).rejects.toMatchObject({
        code: 'INVALID_OPTION',
        details: { option: 'pseudoLikelihoodEvery' },
      })
    }
    rbm.dispose()
  })

  test('fusedKernels must be a boolean (INVALID_OPTION)', async () => {
    const rbm = new RBM({ layers: [8] })
    await expect(rbm.fit(data, { fusedKernels: 'yes' as never })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    })
    rbm.dispose()
  })
})
