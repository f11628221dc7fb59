import * as tf from '@tensorflow/tfjs-core'
import type { KernelMemory } from '../kernels/wasmKernels'

/**
 * TF.js variables mirrored in kernel memory, one buffer each (a fused trainer's state that is not
 * trained by Adam, such as batch normalisation's running statistics): read in when some other code
 * assigned them, written back after each step, like {@link FusedDenseNet}'s weights.
 */
export class KernelVariables {
  /** Byte offsets of the buffers, in the order of the sizes given. */
  readonly offsets: readonly number[]
  /** The variables' data ids after our last write: a different id means someone else assigned. */
  private readonly written: (object | undefined)[]

  constructor(
    private readonly memory: KernelMemory,
    private readonly sizes: readonly number[],
  ) {
    this.offsets = sizes.map((size) => memory.alloc(size))
    this.written = sizes.map(() => undefined)
  }

  /** Copies in every variable (one per buffer, of its size) some other code assigned since our write. */
  read(variables: readonly tf.Variable[]): void {
    variables.forEach((variable, i) => {
      if (this.written[i] === variable.dataId) return
      this.memory
        .view(this.offsets[i] as number, this.sizes[i] as number)
        .set(variable.dataSync() as Float32Array)
    })
  }

  /** Assigns the buffers to the variables. */
  write(variables: readonly tf.Variable[]): void {
    variables.forEach((variable, i) => {
      const value = tf.tensor(
        this.memory.view(this.offsets[i] as number, this.sizes[i] as number),
        variable.shape,
      )
      variable.assign(value)
      value.dispose()
      this.written[i] = variable.dataId
    })
  }
}
