/**
 * The learned state of a sparse coding model: atoms (in the space codes are computed in, after
 * normalisation and optional whitening), the running statistics of online learning, atom usage, and
 * the device tensors FISTA needs, rebuilt when the atoms change.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ImageShape } from '../../dataset'
import { largestEigenvalue, type CodeStatistics } from '../dictionaryMath'
import type { LassoDictionary } from './fista'
import type { HostWeight } from '../../engine/modelSnapshot'
import { InvalidInputError } from '../../errors'
import { checkArraySizes, type TrainingStatePart } from '../../engine/trainingState'
import type { ResolvedSparseCodingOptions } from '../sparseOptions'
import { copyWhitening, emptyWhitening, whiteningArrays, type Whitening } from '../whitening'

interface WhiteningTensors {
  readonly mean: tf.Tensor1D
  readonly whiten: tf.Tensor2D
  readonly dewhiten: tf.Tensor2D
}

/**
 * A dictionary of `options.atoms` atoms for images of `imageShape`, its arrays allocated here (atoms
 * and whitening zero until set: from data by the model's first fit, or from a snapshot).
 */
export class SparseDictionary {
  /** Values per patch. */
  readonly size: number
  /** Shape of one patch. */
  readonly patchShape: ImageShape
  /** Atoms as rows (`atoms × size`), unit norm, in coding space. Changed in place by learning. */
  readonly atoms: Float32Array
  /** The whitening patches go through before coding (`options.whiten`), set in place. */
  readonly whitening: Whitening | undefined
  /** Running Σ a aᵀ and Σ a xᵀ of online learning. */
  readonly statistics: CodeStatistics
  /** Running fraction of patches whose code uses each atom. */
  readonly usage: Float64Array
  private readonly eigenStart: Float64Array
  private lipschitzBound: number | undefined
  private lassoTensors: LassoDictionary | undefined
  private whiteningTensors: WhiteningTensors | undefined

  constructor(
    readonly options: ResolvedSparseCodingOptions,
    readonly imageShape: ImageShape,
    /** Smallest standard deviation a patch is divided by under `'contrast'`. */
    readonly contrastFloor: number,
    /** Peak-to-peak range of the training data (the "peak" of PSNR). */
    readonly dataRange: number,
  ) {
    const channels = imageShape[2]
    this.patchShape = [options.patchSize, options.patchSize, channels]
    const size = options.patchSize * options.patchSize * channels
    this.size = size
    const k = options.atoms
    this.atoms = new Float32Array(k * size)
    this.whitening = options.whiten ? emptyWhitening(size) : undefined
    this.statistics = {
      codeGram: new Float64Array(k * k),
      codeData: new Float64Array(k * size),
    }
    this.usage = new Float64Array(k)
    this.eigenStart = new Float64Array(size).map((_, i) => 1 + ((i * 7919) % 13) / 13)
  }

  /**
   * What a snapshot saves: the atoms, then the state of learning and coding (usage, running
   * statistics, whitening). The float64 statistics come back rounded to float32.
   */
  weights(): HostWeight[] {
    const k = this.options.atoms
    const m = this.size
    return [
      { values: this.atoms, shape: [k, m] },
      { values: this.usage, shape: [k] },
      { values: this.statistics.codeGram, shape: [k, k] },
      { values: this.statistics.codeData, shape: [k, m] },
      ...whiteningArrays(this.whitening),
    ]
  }

  /**
   * The state of online learning at full precision, as a part of the model's training state: the
   * float64 usage, running statistics and the power iteration's warm start (the weights keep them
   * rounded to float32, which would change the next steps in their last bits).
   */
  trainingPart(): TrainingStatePart {
    const arrays = (): Float64Array[] => [
      this.usage,
      this.statistics.codeGram,
      this.statistics.codeData,
      this.eigenStart,
    ]
    return {
      name: 'dictionaryLearning',
      capture: () => ({
        state: null,
        arrays: arrays().map((values) => ({ values, shape: [values.length] })),
      }),
      prepare: (state, saved, field) => {
        if (state !== null) {
          throw new InvalidInputError(
            `snapshot ${field} must be null; got ${JSON.stringify(state)}`,
            {
              field,
            },
          )
        }
        const targets = arrays()
        checkArraySizes(
          saved,
          targets.map((target) => target.length),
          field,
          true,
        )
        return () => targets.forEach((target, i) => target.set(saved[i]?.values ?? []))
      },
    }
  }

  /** Sets the whitening (fitted on the data by the first fit). */
  setWhitening(fitted: Whitening): void {
    copyWhitening(this.whitening as Whitening, fitted)
  }

  /**
   * An upper bound of the largest eigenvalue of the atoms' Gram matrix (FISTA's step size), computed
   * once per change of the atoms by power iteration warm-started from the previous estimate.
   */
  lipschitz(): number {
    this.lipschitzBound ??= largestEigenvalue(
      this.atoms,
      this.options.atoms,
      this.size,
      this.eigenStart,
    )
    return this.lipschitzBound
  }

  /**
   * Sets the bound a snapshot kept for the current atoms: recomputing it from a cold start could
   * differ in the last bits, and so would the codes.
   */
  restoreLipschitz(value: number): void {
    this.atomsChanged()
    this.lipschitzBound = value
  }

  /**
   * Device tensors of the current atoms (built on first use after a change, and kept even when that
   * use is inside a `tf.tidy`).
   */
  lasso(): LassoDictionary {
    if (this.lassoTensors === undefined) {
      const k = this.options.atoms
      const atoms = tf.keep(tf.tensor2d(this.atoms, [k, this.size]))
      const gram: tf.Tensor2D = tf.keep(tf.tidy(() => tf.matMul(atoms, atoms, false, true)))
      const built = { atoms, gram, lipschitz: this.lipschitz() }
      this.lassoTensors = built
      return built
    }
    return this.lassoTensors
  }

  /** Call after changing {@link SparseDictionary.atoms}. */
  atomsChanged(): void {
    this.lassoTensors?.atoms.dispose()
    this.lassoTensors?.gram.dispose()
    this.lassoTensors = undefined
    this.lipschitzBound = undefined
  }

  private whiteningOnDevice(): WhiteningTensors | undefined {
    const w = this.whitening
    if (w && !this.whiteningTensors) {
      // Kept even when first asked for inside a `tf.tidy` (a memory measurement).
      this.whiteningTensors = {
        mean: tf.keep(tf.tensor1d(w.mean)),
        whiten: tf.keep(tf.tensor2d(w.whiten, [w.size, w.size])),
        dewhiten: tf.keep(tf.tensor2d(w.dewhiten, [w.size, w.size])),
      }
    }
    return this.whiteningTensors
  }

  /** Normalised patches (rows) into coding space, on the device. */
  toCodingSpace(rows: Float32Array): tf.Tensor2D {
    const w = this.whiteningOnDevice()
    return tf.tidy(() => {
      const x = tf.tensor2d(rows, [rows.length / this.size, this.size])
      return w ? tf.matMul(tf.sub(x, w.mean) as tf.Tensor2D, w.whiten) : x
    })
  }

  /** Coding-space rows back to normalised patches (`withMean: false` for differences). */
  fromCodingSpace(rows: tf.Tensor2D, withMean = true): tf.Tensor2D {
    const w = this.whiteningOnDevice()
    return tf.tidy((): tf.Tensor2D => {
      if (!w) return tf.clone(rows)
      const back: tf.Tensor2D = tf.matMul(rows, w.dewhiten)
      return withMean ? (tf.add(back, w.mean) as tf.Tensor2D) : back
    })
  }

  /** Atoms as the patch differences they add, for display (whitening undone). */
  displayAtoms(): Float32Array {
    const w = this.whitening
    if (!w) return Float32Array.from(this.atoms)
    const k = this.options.atoms
    const out = new Float32Array(k * this.size)
    for (let j = 0; j < k; j++) {
      for (let c = 0; c < this.size; c++) {
        let sum = 0
        for (let i = 0; i < this.size; i++) {
          sum +=
            (this.atoms[j * this.size + i] as number) * (w.dewhiten[i * this.size + c] as number)
        }
        out[j * this.size + c] = sum
      }
    }
    return out
  }

  dispose(): void {
    this.atomsChanged()
    this.whiteningTensors?.mean.dispose()
    this.whiteningTensors?.whiten.dispose()
    this.whiteningTensors?.dewhiten.dispose()
    this.whiteningTensors = undefined
  }
}
