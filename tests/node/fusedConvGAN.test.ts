import * as tf from '@tensorflow/tfjs-core'
// TF.js's automatic differentiation is the reference the fused kernels' gradients are checked against.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test } from 'vitest'
import { GAN } from '../../src/core/gan/engine/gan'
import { GANNetwork } from '../../src/core/gan/engine/ganNetwork'
import { FusedConvGANTrainer } from '../../src/core/gan/engine/fusedConvGANTrainer'
import { resolveGANModelOptions, type GANModelOptions } from '../../src/core/gan/ganOptions'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { applyGradientList } from '../../src/core/engine/trainingLoop'
import { gatherRows, type ImageShape } from '../../src/core/dataset'
import { createRandom, type Random } from '../../src/core/random'
import { drawGANLatents, type InfoCodeRow, type InfoGANOptions } from '../../src/core/gan/infoCodes'
import { generateSprites } from '../../src/data/sprites'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'
import { expectFusedInfoGANFit } from './infoGANFitPaths'

// The reference runs on TF.js's CPU backend (WASM has no Conv2DBackpropFilter for automatic
// differentiation); the fused trainer runs in its own WebAssembly memory either way.
beforeAll(() => switchBackend('cpu'))

const BATCH = 6
const NOISE = 5
/** Sides multiples of 4, not square. */
const SHAPE: ImageShape = [12, 8, 1]
const size = SHAPE[0] * SHAPE[1] * SHAPE[2]
const sprites = generateSprites({ count: 16, size: 12, seed: 3 }).images.data

/** 16 sprites cropped to 12×8. */
const data = new Float32Array(16 * size)
for (let b = 0; b < 16; b++)
  for (let y = 0; y < 12; y++)
    for (let x = 0; x < 8; x++) data[b * size + y * 8 + x] = sprites[b * 144 + y * 12 + x + 2] ?? 0
const ROWS = Uint32Array.from([1, 4, 7, 9, 12, 15])

async function setup(build: 'simd' | 'relaxed-simd', options: GANModelOptions) {
  const compiled = await compileKernelBuild(build)
  if (!compiled) throw new Error(`no ${build} build here`)
  const resolved = resolveGANModelOptions(
    { architecture: 'conv', filters: 3, noiseDim: NOISE, seed: 5, ...options },
    size,
    true,
  )
  const network = new GANNetwork(SHAPE, resolved)
  const fused = new FusedConvGANTrainer(new KernelMemory(compiled), SHAPE, resolved, BATCH)
  return { network, fused }
}

const flat = (arrays: readonly ArrayLike<number>[]) =>
  Float32Array.from(arrays.flatMap((a) => Array.from(a)))

function realRows(): Float32Array {
  const x = new Float32Array(BATCH * size)
  gatherRows(x, data, ROWS, size)
  return x
}

/** Each variable on its own, so a small layer's gradient cannot hide behind a large one's. */
function expectGradients(ours: Float32Array[], reference: tf.Tensor[]): void {
  expect(ours.length).toBe(reference.length)
  expect(relativeGap(flat(ours), flat(reference.map((g) => g.dataSync())))).toBeLessThan(1e-4)
  const overall = Math.max(...reference.map((g) => Math.max(...Array.from(g.dataSync(), Math.abs))))
  ours.forEach((g, i) => {
    const r = (reference[i] as tf.Tensor).dataSync()
    const own = Math.max(...Array.from(r, Math.abs))
    // The bias of the convolution before a batch normalisation has a zero gradient (the
    // normalisation subtracts it): rounding noise on both sides, measured against the whole.
    const scale = Math.max(own, 1e-2 * overall)
    const worst = Math.max(...Array.from(g, (v, j) => Math.abs(v - (r[j] as number))))
    expect(worst / scale).toBeLessThan(1e-4)
  })
}

describe.each(['simd', 'relaxed-simd'] as const)('fused conv GAN step (%s build)', (build) => {
  test.each([
    ['sigmoid output, label smoothing 0.1', {}, 0.9],
    ['tanh output', { output: 'tanh' }, 1],
    ['linear output, 2 filters (odd channel tails)', { output: 'linear', filters: 2 }, 1],
  ] as [string, GANModelOptions, number][])(
    'losses and gradients equal TF.js automatic differentiation (%s)',
    async (_, options, realLabel) => {
      const { network, fused } = await setup(build, options)
      const random = createRandom(9)
      const zD = random.normals(BATCH * NOISE)
      const zG = random.normals(BATCH * NOISE)
      const ours = fused.gradients(
        network.generatorVariables(),
        network.discriminatorVariables(),
        data,
        ROWS,
        zD,
        zG,
        realLabel,
      )
      const reference = tf.tidy(() => {
        const x = tf.tensor2d(realRows(), [BATCH, size])
        const generated = (z: Float32Array) =>
          // Training mode (batch statistics), written with TF.js operations only.
          network.generate(tf.tensor2d(z, [BATCH, NOISE]), true)
        const d = tf.variableGrads(() => {
          const real = network.discriminate(x)
          const fake = network.discriminate(generated(zD))
          const realLoss = tf.mean(tf.sub(tf.softplus(real), tf.mul(real, realLabel)))
          return tf.add(realLoss, tf.mean(tf.softplus(fake))) as tf.Scalar
        }, network.discriminatorVariables())
        const g = tf.variableGrads(
          () => tf.mean(tf.softplus(tf.neg(network.discriminate(generated(zG))))) as tf.Scalar,
          network.generatorVariables(),
        )
        return {
          dLoss: d.value,
          gLoss: g.value,
          dGrads: network.discriminatorVariables().map((v) => d.grads[v.name] as tf.Tensor),
          gGrads: network.generatorVariables().map((v) => g.grads[v.name] as tf.Tensor),
        }
      })
      const dLoss = reference.dLoss.dataSync()[0] as number
      const gLoss = reference.gLoss.dataSync()[0] as number
      expect(Math.abs(ours.discriminatorLoss - dLoss) / dLoss).toBeLessThan(1e-5)
      expect(Math.abs(ours.generatorLoss - gLoss) / gLoss).toBeLessThan(1e-5)
      expectGradients(ours.discriminator, reference.dGrads)
      expectGradients(ours.generator, reference.gGrads)
      tf.dispose([reference.dLoss, reference.gLoss, ...reference.dGrads, ...reference.gGrads])
      network.dispose()
    },
  )

  test.each([
    ['a three-way and a continuous code, one λ', { categorical: [3], continuous: 1 }],
    [
      'two categorical codes, λ 0.7, λ_cont 0.1',
      { categorical: [2, 2], continuous: 0, weight: 0.7, continuousWeight: 0.1 },
    ],
    ['continuous codes only, λ_cont 0.1', { continuous: 3, continuousWeight: 0.1 }],
  ] as [string, InfoGANOptions][])(
    "an InfoGAN's losses, L_I, code accuracy and gradients (Q head included) equal the TF.js passes (%s)",
    async (_, info) => {
      const { network, fused } = await setup(build, { info })
      const random = createRandom(9)
      const zD = noiseBatch(network, random)
      const zG = noiseBatch(network, random)
      const ours = fused.gradients(
        network.generatorVariables(),
        network.discriminatorVariables(),
        data,
        ROWS,
        zD,
        zG,
        0.9,
      )
      const reference = tf.tidy(() => {
        const d = network.discriminatorPass(
          tf.tensor2d(realRows(), [BATCH, size]),
          tf.tensor2d(zD, [BATCH, NOISE]),
          0.9,
        )
        const g = network.generatorPass(tf.tensor2d(zG, [BATCH, NOISE]), false)
        return {
          scalars: tf.stack([d.loss, g.loss, g.informationLoss!, g.codeAccuracy ?? tf.scalar(-1)]),
          dGrads: d.gradients,
          gGrads: g.gradients,
        }
      })
      const [dLoss, gLoss, informationLoss, accuracy] = Array.from(reference.scalars.dataSync())
      expect(
        relativeGap([ours.discriminatorLoss, ours.generatorLoss], [dLoss!, gLoss!]),
      ).toBeLessThan(1e-5)
      expect(ours.information).toBeDefined()
      expect(Math.abs(ours.information!.loss - informationLoss!) / informationLoss!).toBeLessThan(
        1e-5,
      )
      if (accuracy === -1) expect(ours.information!.accuracy).toBeNaN()
      else expect(Math.fround(ours.information!.accuracy)).toBe(accuracy)
      // The Q columns of the last layer have gradients of their own: a missing head fails here.
      expect(network.discriminatorVariables().at(-2)!.shape[1]).toBe(1 + infoSize(info))
      expectGradients(ours.discriminator, reference.dGrads)
      expectGradients(ours.generator, reference.gGrads)
      tf.dispose([reference.scalars, ...reference.dGrads, ...reference.gGrads])
      network.dispose()
    },
  )

  test.each([
    ['a GAN', undefined],
    ['an InfoGAN', { categorical: [2], continuous: 2, continuousWeight: 0.5 }],
  ] as [string, InfoGANOptions | undefined][])(
    'three steps (2 discriminator updates each) of %s move weights and running statistics as the TF.js passes and tf.train.adam do',
    async (_, info) => {
      const a = await setup(build, { info })
      const b = await setup(build, { info })
      const settings = {
        generatorLearningRate: 0.002,
        discriminatorLearningRate: 0.001,
        beta1: 0.5,
        realLabel: 0.9,
      }
      const gAdam = tf.train.adam(settings.generatorLearningRate, settings.beta1)
      const dAdam = tf.train.adam(settings.discriminatorLearningRate, settings.beta1)
      const random = createRandom(11)
      const scores: number[][] = []
      for (let step = 0; step < 3; step++) {
        const noise = [0, 1, 2].map(() => noiseBatch(a.network, random))
        const point = a.fused.step(
          a.network.generatorVariables(),
          a.network.discriminatorVariables(),
          data,
          ROWS,
          noise,
          settings,
          a.network.statistics(),
        )
        const expected = tf.tidy(() => {
          const x = tf.tensor2d(realRows(), [BATCH, size])
          let last: ReturnType<GANNetwork['discriminatorPass']> | undefined
          for (const z of noise.slice(0, 2)) {
            last = b.network.discriminatorPass(
              x,
              tf.tensor2d(z, [BATCH, NOISE]),
              settings.realLabel,
            )
            applyGradientList(dAdam, b.network.discriminatorVariables(), last.gradients)
          }
          const g = b.network.generatorPass(tf.tensor2d(noise[2] as Float32Array, [BATCH, NOISE]))
          applyGradientList(gAdam, b.network.generatorVariables(), g.gradients)
          const { loss, realScore, fakeScore } = last as NonNullable<typeof last>
          const information = info ? [g.informationLoss!, g.codeAccuracy!] : []
          return tf.stack([g.loss, loss, realScore, fakeScore, ...information]).dataSync()
        })
        scores.push([
          point.generatorLoss,
          point.discriminatorLoss,
          point.realScore,
          point.fakeScore,
          ...(info ? [point.informationLoss!, point.codeAccuracy!] : []),
        ])
        expect(relativeGap(scores[step] as number[], Array.from(expected))).toBeLessThan(1e-4)
      }
      const values = (variables: tf.Variable[]) =>
        Float32Array.from(variables.flatMap((v) => Array.from(v.dataSync())))
      const initial = await setup(build, { info })
      expect(
        relativeGap(values(a.network.weights()), values(initial.network.weights())),
      ).toBeGreaterThan(1e-2)
      // The first transposed convolution's bias (generator variable 5) has a zero gradient (the batch
      // normalisation after it subtracts it), so Adam moves it by rounding noise, differently on each
      // side, and the running mean after it with it; it changes no output. Every other weight and
      // statistic agrees.
      const noise = new Set(['dcgG1/bias', 'dcgGn1/mean'])
      const checked = (network: GANNetwork) =>
        network.weights().filter((v) => !noise.has(v.name.replace(/_[a-z]*\d+$/, '')))
      expect(checked(a.network).length).toBe(a.network.weights().length - 2)
      expect(relativeGap(values(checked(a.network)), values(checked(b.network)))).toBeLessThan(1e-4)
      // Running statistics alone (sampling reads them).
      const statistics = (network: GANNetwork) => checked(network).slice(-3)
      expect(
        relativeGap(values(statistics(a.network)), values(statistics(b.network))),
      ).toBeLessThan(1e-5)
      // The noise-driven bias stays tiny on both sides.
      const bias = (network: GANNetwork) => network.generatorVariables()[5]!.dataSync()
      for (const network of [a.network, b.network])
        expect(Math.max(...Array.from(bias(network), Math.abs))).toBeLessThan(1e-3)
      gAdam.dispose()
      dAdam.dispose()
      for (const run of [a, b, initial]) run.network.dispose()
    },
  )
})

/** A batch of noise for `network`: with an InfoGAN's codes drawn from their priors in front. */
function noiseBatch(network: GANNetwork, random: Random): Float32Array {
  return drawGANLatents(network.options.info, NOISE, BATCH, random)
}

function infoSize(info: InfoGANOptions): number {
  return (info.categorical ?? []).reduce((sum, n) => sum + n, 0) + (info.continuous ?? 0)
}

test('GAN.fit (conv) on WASM: fused and TF.js steps train the same model, samples agree, tensors back to baseline', async () => {
  await switchBackend('wasm')
  try {
    const images = generateSprites({ count: 128, size: 12, seed: 1 }).images
    const baseline = tf.memory().numTensors
    const runs: { kernels: string[]; loss: number; sample: number[]; diversity: number[] }[] = []
    for (const fusedKernels of [true, false]) {
      const gan = new GAN({ architecture: 'conv', filters: 4, noiseDim: 8, seed: 2 })
      const kernels: string[] = []
      const diversity: number[] = []
      const result = await gan.fit(
        images,
        { epochs: 7, batchSize: 32, fusedKernels, discriminatorSteps: 2, labelSmoothing: 0.1 },
        {
          onUpdate: (u) => {
            kernels.push(u.progress.kernels)
            for (const point of u.history)
              if (point.diversity !== undefined) diversity.push(point.diversity)
          },
        },
      )
      const sample = await gan.sample(4, { seed: 1 })
      runs.push({
        kernels,
        loss: result.last?.generatorLoss ?? NaN,
        sample: Array.from(sample.data),
        diversity,
      })
      gan.dispose()
    }
    const [fused, plain] = runs as [(typeof runs)[0], (typeof runs)[0]]
    expect(fused.kernels.at(-1)).toMatch(/^wasm-/)
    expect(plain.kernels.at(-1)).toBe('tfjs')
    expect(Math.abs(fused.loss - plain.loss)).toBeLessThan(1e-3 * Math.abs(plain.loss))
    // Sampling uses the running statistics the fused steps kept.
    expect(relativeGap(fused.sample, plain.sample)).toBeLessThan(1e-3)
    // 28 steps: the diversity probe runs at step 25 on both paths.
    expect(fused.diversity.length).toBe(1)
    expect(relativeGap(fused.diversity, plain.diversity)).toBeLessThan(1e-3)
    expect(tf.memory().numTensors).toBe(baseline)
  } finally {
    await switchBackend('cpu')
  }
})

test.each([
  [
    'a three-way and a continuous code',
    { categorical: [3], continuous: 1, continuousWeight: 0.5 },
    { categorical: [1], continuous: [0.5] },
  ],
  ['continuous codes only (no accuracy to report)', { continuous: 2 }, { continuous: [0.5, -1] }],
] as [string, InfoGANOptions, InfoCodeRow][])(
  'GAN.fit (conv InfoGAN, %s) on WASM: the fused steps train the model the TF.js steps do, L_I and code accuracy included',
  async (_, info, row) => {
    await switchBackend('wasm')
    try {
      const images = generateSprites({ count: 64, size: 8, seed: 1 }).images
      await expectFusedInfoGANFit(
        { architecture: 'conv', filters: 2, noiseDim: 6, seed: 2, info },
        images,
        { epochs: 3, batchSize: 16 },
        row,
      )
    } finally {
      await switchBackend('cpu')
    }
  },
)
