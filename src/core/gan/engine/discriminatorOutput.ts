import type { KernelMemory } from '../../kernels/wasmKernels'
import { infoCodeSize, type ResolvedInfoGANOptions } from '../infoCodes'

/** InfoGAN's mutual-information term on a batch of Q's outputs (unweighted, batch mean). */
export interface InformationReading {
  /** L_I, batch mean (nats). */
  readonly loss: number
  /** Share of categorical codes whose most probable value is the drawn one; NaN without any. */
  readonly accuracy: number
}

/** The generated rows of a judged batch, with the noise that made them (its codes lead each row). */
export interface GeneratedRows {
  /** The noise of the generated rows, `rows × noiseDim`. */
  readonly z: Float32Array
  /** Index of the first generated row in the judged batch (the real ones come first). */
  readonly from: number
}

/**
 * The discriminator's last layer in the fused GAN trainers: the logit, and for an InfoGAN the Q head's
 * columns beside it (as {@link GANNetwork} lays them out). Turns the layer's output into the BCE loss
 * and the gradient at the layer's output: the logit's `(sigmoid(l) − label)·scale` in column 0 and,
 * for generated rows, λ·∂L_I/∂q over their count in the Q columns (zero for real rows), the same
 * gradient as infoTerm.ts's `informationTerm` and `weightedInformationGradient` on TF.js operations.
 * Without codes the output is the logit column itself and the kernels' `bernoulliLoss` writes the
 * gradient straight where the backward pass reads it.
 */
export class DiscriminatorOutput {
  /** Columns of the discriminator's last layer: 1, plus the codes' values for an InfoGAN. */
  readonly units: number
  /** The logits' gradient, one per row (column 0 of {@link DiscriminatorOutput.gradient}). */
  readonly gradLogits: number
  /** The gradient at the last layer's output, `rows × units`: what its backward pass starts from. */
  readonly gradient: number
  private readonly logits: number
  private readonly codeSize: number

  /**
   * @param maxRows the most rows one judged batch holds
   */
  constructor(
    private readonly memory: KernelMemory,
    private readonly info: ResolvedInfoGANOptions | undefined,
    private readonly noiseDim: number,
    maxRows: number,
  ) {
    this.codeSize = info ? infoCodeSize(info) : 0
    this.units = 1 + this.codeSize
    this.gradLogits = memory.alloc(maxRows)
    this.gradient = info ? memory.alloc(maxRows * this.units) : this.gradLogits
    this.logits = info ? memory.alloc(maxRows) : 0
  }

  /**
   * The summed BCE of the logits in `output` (`rows × units`) against `labels` (`rows` floats), and
   * the gradient at the output into {@link DiscriminatorOutput.gradient} (the logits' part times
   * `scale`). For an InfoGAN, `generated` names the rows whose codes Q must recover; returns L_I on
   * them too (`undefined` for a plain GAN or without generated rows).
   */
  judge(
    output: number,
    labels: number,
    rows: number,
    scale: number,
    generated?: GeneratedRows,
  ): { loss: number; information: InformationReading | undefined } {
    const { memory, info } = this
    const k = memory.modelKernels
    if (!info) {
      return {
        loss: k.bernoulliLoss(output, labels, this.gradLogits, rows, scale),
        information: undefined,
      }
    }
    const units = this.units
    const out = memory.view(output, rows * units)
    const logits = memory.view(this.logits, rows)
    for (let r = 0; r < rows; r++) logits[r] = out[r * units] as number
    const loss = k.bernoulliLoss(this.logits, labels, this.gradLogits, rows, scale)
    const gradLogits = memory.view(this.gradLogits, rows)
    const gradient = memory.view(this.gradient, rows * units).fill(0)
    for (let r = 0; r < rows; r++) gradient[r * units] = gradLogits[r] as number
    const information = generated
      ? this.informationGradient(info, out, gradient, rows, generated)
      : undefined
    return { loss, information }
  }

  /** Writes λ·∂L_I/∂q of the generated rows into their Q columns; returns L_I and the accuracy. */
  private informationGradient(
    info: ResolvedInfoGANOptions,
    out: Float32Array,
    gradient: Float32Array,
    rows: number,
    { z, from }: GeneratedRows,
  ): InformationReading {
    const { units, noiseDim } = this
    const count = rows - from
    const categoricalWeight = info.weight / count
    const continuousWeight = (info.continuousWeight ?? info.weight) / count
    let loss = 0
    let hits = 0
    for (let r = 0; r < count; r++) {
      const q = (r + from) * units + 1
      let at = 0
      for (const values of info.categorical) {
        let chosen = 0
        let drawn = 0
        for (let v = 1; v < values; v++) {
          if ((out[q + at + v] as number) > (out[q + at + chosen] as number)) chosen = v
          if ((z[r * noiseDim + at + v] as number) > (z[r * noiseDim + at + drawn] as number)) {
            drawn = v
          }
        }
        const top = out[q + at + chosen] as number
        let sum = 0
        for (let v = 0; v < values; v++) sum += Math.exp((out[q + at + v] as number) - top)
        // −log softmax at the drawn value; the gradient is softmax − one-hot.
        loss += top + Math.log(sum) - (out[q + at + drawn] as number)
        for (let v = 0; v < values; v++) {
          const p = Math.exp((out[q + at + v] as number) - top) / sum
          const target = z[r * noiseDim + at + v] as number
          gradient[q + at + v] = (p - target) * categoricalWeight
        }
        if (chosen === drawn) hits++
        at += values
      }
      for (let c = 0; c < info.continuous; c++) {
        const error = (out[q + at + c] as number) - (z[r * noiseDim + at + c] as number)
        loss += 0.5 * error * error
        gradient[q + at + c] = error * continuousWeight
      }
    }
    const categorical = info.categorical.length
    return {
      loss: loss / count,
      accuracy: categorical > 0 ? hits / (count * categorical) : NaN,
    }
  }
}
