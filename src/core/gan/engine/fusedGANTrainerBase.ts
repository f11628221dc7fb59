import type * as tf from '@tensorflow/tfjs-core'
import type { KernelBuild } from '../../kernels/wasmKernels'
import { captureNets, restoreNets, type FusedDenseNet } from '../../engine/fusedDenseNet'
import type { FusedStateful, FusedTrainerState } from '../../engine/fusedState'
import type { InformationReading } from './discriminatorOutput'

/** What one fused GAN step reports (the discriminator's figures are from its last update). */
export interface FusedGANStep {
  readonly generatorLoss: number
  readonly discriminatorLoss: number
  readonly realScore: number
  readonly fakeScore: number
  /** InfoGAN: L_I on the generator's batch (before the weight). */
  readonly informationLoss?: number
  /** InfoGAN: share of the categorical codes Q recovers on the generator's batch (NaN without any). */
  readonly codeAccuracy?: number
}

/** The generator update's loss, and for an InfoGAN L_I on its batch. */
export interface GeneratorLoss {
  readonly loss: number
  readonly information: InformationReading | undefined
}

/** The learning settings a fused GAN step needs. */
export interface FusedGANSettings {
  readonly generatorLearningRate: number
  readonly discriminatorLearningRate: number
  readonly beta1: number
  /** Label of real samples (`1 − labelSmoothing`). */
  readonly realLabel: number
}

/** A discriminator update's loss and its mean probabilities on the real and the generated batch. */
export interface JudgedBatch {
  readonly loss: number
  readonly realScore: number
  readonly fakeScore: number
}

/**
 * What the dense and the convolutional fused GAN trainers share: the step's order (discriminator
 * updates, then a generator update, then the weights written back), the optimiser-settings key whose
 * change restarts both networks' moments as in TF.js, and the Adam state kept in snapshots. Each
 * trainer supplies its networks' passes.
 */
export abstract class FusedGANTrainerBase implements FusedStateful {
  protected abstract readonly generator: FusedDenseNet
  protected abstract readonly discriminator: FusedDenseNet
  /** The optimiser settings of the last step: a change restarts both networks' moments, as in TF.js. */
  private settingsKey = ''

  /** Which kernel build runs the steps. */
  get build(): KernelBuild {
    return this.generator.build
  }

  /** The largest batch this trainer holds buffers for. */
  get maxBatch(): number {
    return this.generator.maxBatch
  }

  /** Forgets both networks' Adam moments (after a divergence). */
  resetOptimizer(): void {
    this.generator.resetOptimizer()
    this.discriminator.resetOptimizer()
  }

  /** Both networks' Adam state (generator, then discriminator) and the settings key, for snapshots. */
  captureState(): FusedTrainerState {
    return captureNets(this.settingsKey, [this.generator, this.discriminator])
  }

  /** Puts back a state {@link FusedGANTrainerBase.captureState} gave for a trainer of these networks. */
  restoreState(state: FusedTrainerState): void {
    restoreNets(state, [this.generator, this.discriminator])
    this.settingsKey = state.settings
  }

  /**
   * One training step on `rows` of `data`: a discriminator update per noise batch but the last, then a
   * generator update with the last; both networks' weights are written to their TF.js variables.
   * `loaded` runs once the batch and weights are read in, `written` after the weights are written.
   */
  protected runStep(
    generatorVariables: readonly tf.Variable[],
    discriminatorVariables: readonly tf.Variable[],
    data: Float32Array,
    rows: Uint32Array,
    noise: readonly Float32Array[],
    settings: FusedGANSettings,
    hooks: { readonly loaded?: () => void; readonly written?: () => void } = {},
  ): FusedGANStep {
    const { generator, discriminator } = this
    const key = `${settings.generatorLearningRate}:${settings.discriminatorLearningRate}:${settings.beta1}`
    if (key !== this.settingsKey) this.resetOptimizer()
    this.settingsKey = key
    const batch = this.load(generatorVariables, discriminatorVariables, data, rows)
    hooks.loaded?.()
    let judged: JudgedBatch = { loss: NaN, realScore: NaN, fakeScore: NaN }
    for (const z of noise.slice(0, -1)) {
      judged = this.discriminatorGradients(z, batch, settings.realLabel)
      discriminator.applyAdam(settings.discriminatorLearningRate, settings.beta1)
    }
    const generated = this.generatorGradients(noise[noise.length - 1] as Float32Array, batch)
    generator.applyAdam(settings.generatorLearningRate, settings.beta1)
    generator.writeWeights(generatorVariables)
    discriminator.writeWeights(discriminatorVariables)
    hooks.written?.()
    const information = generated.information
    return {
      generatorLoss: generated.loss,
      discriminatorLoss: judged.loss,
      realScore: judged.realScore,
      fakeScore: judged.fakeScore,
      ...(information && {
        informationLoss: information.loss,
        codeAccuracy: information.accuracy,
      }),
    }
  }

  /**
   * Gradients of both passes, the discriminator's loss and the generator's (with an InfoGAN's L_I),
   * without updating any weight (a convolutional generator's running statistics are folded in, as
   * by a step), for checks.
   */
  gradients(
    generatorVariables: readonly tf.Variable[],
    discriminatorVariables: readonly tf.Variable[],
    data: Float32Array,
    rows: Uint32Array,
    discriminatorNoise: Float32Array,
    generatorNoise: Float32Array,
    realLabel: number,
  ): {
    discriminator: Float32Array[]
    generator: Float32Array[]
    discriminatorLoss: number
    generatorLoss: number
    information: InformationReading | undefined
  } {
    const batch = this.load(generatorVariables, discriminatorVariables, data, rows)
    const judged = this.discriminatorGradients(discriminatorNoise, batch, realLabel)
    const discriminator = this.discriminator.gradients()
    const { loss: generatorLoss, information } = this.generatorGradients(generatorNoise, batch)
    return {
      discriminator,
      generator: this.generator.gradients(),
      discriminatorLoss: judged.loss,
      generatorLoss,
      information,
    }
  }

  /** Reads in both networks' weights (where changed) and the real batch; returns its size. */
  protected abstract load(
    generatorVariables: readonly tf.Variable[],
    discriminatorVariables: readonly tf.Variable[],
    data: Float32Array,
    rows: Uint32Array,
  ): number

  /** The discriminator's loss on the real batch and on G(z), and its gradients (summed over both). */
  protected abstract discriminatorGradients(
    z: Float32Array,
    batch: number,
    realLabel: number,
  ): JudgedBatch

  /**
   * −log D(G(z)) (plus an InfoGAN's λ·L_I) and the generator's gradients (through the discriminator,
   * whose own are discarded).
   */
  protected abstract generatorGradients(z: Float32Array, batch: number): GeneratorLoss
}
