/**
 * The default convolutional autoencoder's, GAN's or InfoGAN's fused training step (28×28 sprites,
 * batch 64) on a given kernel memory, one step per call: what bench/convAutoencoderProfile.ts takes
 * apart and bench/convStepAB.ts compares.
 */
import { createRandom } from '../src/core/random'
import { drawGANLatents, type InfoGANOptions } from '../src/core/gan/infoCodes'
import { GANNetwork } from '../src/core/gan/engine/ganNetwork'
import {
  resolveGANModelOptions,
  resolveGANTrainOptions,
  type ResolvedGANModelOptions,
} from '../src/core/gan/ganOptions'
import { FusedConvGANTrainer } from '../src/core/gan/engine/fusedConvGANTrainer'
import type { KernelMemory } from '../src/core/kernels/wasmKernels'
import { convAutoencoderStepFixture } from './convAutoencoderStepFixture'
import { CONV_STEP_BATCH, CONV_STEP_SIDE } from './convStepSprites'

/**
 * Which default model: the conv autoencoder, the conv GAN (D step then G step), or the conv GAN with
 * {@link CONV_INFOGAN_CODES} (the disentanglement part's InfoGAN).
 */
export type ConvModel = 'ae' | 'gan' | 'infogan'

/** The InfoGAN's codes: a four-way code (the sprites' kinds) and four continuous ones, λ 1. */
export const CONV_INFOGAN_CODES: InfoGANOptions = { categorical: [4], continuous: 4 }

/** The default conv GAN's resolved options on the grey images, with the InfoGAN's codes for `infogan`. */
export function convGANOptions(model: 'gan' | 'infogan'): ResolvedGANModelOptions {
  return resolveGANModelOptions(
    { architecture: 'conv', ...(model === 'infogan' ? { info: CONV_INFOGAN_CODES } : {}) },
    CONV_STEP_SIDE * CONV_STEP_SIDE,
    true,
  )
}

/** One fused step of `model` and what to dispose. */
export interface ConvModelStep {
  /** Step `s` on the `s`-th batch of the data (wrapping around). */
  readonly step: (s: number) => void
  /** Disposes the TF.js network the trainer syncs its weights into. */
  readonly dispose: () => void
}

/** The default `model` (`architecture: 'conv'`, default train options) on `memory` over `data`. */
export function convModelStep(
  model: ConvModel,
  memory: KernelMemory,
  data: Float32Array,
): ConvModelStep {
  if (model === 'ae') return convAutoencoderStepFixture(memory, data)
  const side = CONV_STEP_SIDE
  const batch = CONV_STEP_BATCH
  const options = convGANOptions(model)
  const { info, noiseDim } = options
  const train = resolveGANTrainOptions({}, 'conv')
  const network = new GANNetwork([side, side, 1], options)
  const trainer = new FusedConvGANTrainer(memory, [side, side, 1], options, batch)
  const [gv, dv, statistics] = [
    network.generatorVariables(),
    network.discriminatorVariables(),
    network.statistics(),
  ]
  const noise = createRandom(3)
  const rows = data.length / (side * side)
  return {
    step: (s) => {
      const start = (s * batch) % Math.max(1, rows - batch)
      const indices = Uint32Array.from({ length: batch }, (_, i) => start + i)
      const z = [0, 1].map(() => drawGANLatents(info, noiseDim, batch, noise))
      void trainer.step(gv, dv, data, indices, z, { ...train, realLabel: 1 }, statistics)
    },
    dispose: () => network.dispose(),
  }
}
