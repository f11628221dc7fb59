/**
 * DCGAN-style sub-networks (Radford et al., 2016) for images whose sides are multiples of 4:
 * generator `noise → dense → (h/4, w/4, 2f) → BN, ReLU → 4×4 stride-2 transposed conv (f) → BN, ReLU →
 * 4×4 stride-2 transposed conv → image`; discriminator `image → 4×4 stride-2 conv (f), leaky ReLU →
 * 4×4 stride-2 conv (2f), leaky ReLU → dense → logit`. The discriminator has no batch normalisation:
 * real and generated batches pass through it separately, and batch statistics would tell them apart.
 */
import * as tf from '@tensorflow/tfjs-core'
import {
  applyBatchNorm,
  applyBatchNormTraced,
  backpropBatchNorm,
  batchNormStatistics,
  batchNormVariables,
  createBatchNorm,
  disposeBatchNorm,
  type BatchNormLayer,
} from '../../engine/batchNorm'
import {
  applyConv,
  applyConvTraced,
  backpropConv,
  createConv,
  type ConvLayer,
} from '../../engine/conv'
import {
  applyDense,
  applyDenseTraced,
  backpropDense,
  createDense,
  disposeLayers,
  layerVariables,
  type Activation,
} from '../../engine/dense'
import type { ImageShape } from '../../dataset'
import type { Random } from '../../random'
import type { LayerStack } from '../../engine/layerStack'
import { convEncoderStack } from '../../engine/convEncoder'

const KERNEL = 4

/** The DCGAN generator for images of `shape` from `noiseDim` values, `filters` channels at 2×. */
export function convGenerator(
  shape: ImageShape,
  noiseDim: number,
  filters: number,
  output: Activation,
  random: Random,
): LayerStack {
  const [h, w, c] = shape
  const inner = [h / 4, w / 4, 2 * filters] as const
  const project = createDense(noiseDim, inner[0] * inner[1] * inner[2], 'linear', random, 'dcgG0')
  const up: ConvLayer[] = [
    createConv(KERNEL, 2 * filters, filters, 2, true, 'linear', random, 'dcgG1'),
    createConv(KERNEL, filters, c, 2, true, output, random, 'dcgG2'),
  ]
  const norms: BatchNormLayer[] = [
    createBatchNorm(2 * filters, 'dcgGn0'),
    createBatchNorm(filters, 'dcgGn1'),
  ]
  const [norm0, norm1] = norms as [BatchNormLayer, BatchNormLayer]
  const [up0, up1] = up as [ConvLayer, ConvLayer]
  const flat = (images: tf.Tensor4D): tf.Tensor2D =>
    tf.reshape(images, [images.shape[0], h * w * c])
  return {
    variables: () => [
      project.kernel,
      project.bias,
      ...batchNormVariables(norm0),
      ...layerVariables([up0]),
      ...batchNormVariables(norm1),
      ...layerVariables([up1]),
    ],
    statistics: () => norms.flatMap(batchNormStatistics),
    infer: (z) => {
      const projected = tf.reshape(applyDense(project, z), [z.shape[0], ...inner]) as tf.Tensor4D
      const a = applyConv(up0, tf.relu(applyBatchNorm(norm0, projected)))
      return flat(applyConv(up1, tf.relu(applyBatchNorm(norm1, a))))
    },
    forward: (z, updateStatistics) => {
      const projectTrace = applyDenseTraced(project, z)
      const projected = tf.reshape(projectTrace.output, [z.shape[0], ...inner]) as tf.Tensor4D
      const n0 = applyBatchNormTraced(norm0, projected, updateStatistics)
      const r0 = tf.relu(n0.output)
      const c0 = applyConvTraced(up0, r0)
      const n1 = applyBatchNormTraced(norm1, c0.output, updateStatistics)
      const r1 = tf.relu(n1.output)
      const c1 = applyConvTraced(up1, r1)
      return {
        output: flat(c1.output),
        backward: (gradOutput, needInputGradient) => {
          const g1 = backpropConv(up1, c1, tf.reshape(gradOutput, c1.output.shape), true)
          const b1 = backpropBatchNorm(norm1, n1, tf.mul(g1.input as tf.Tensor4D, tf.step(r1)))
          const g0 = backpropConv(up0, c0, b1.input, true)
          const b0 = backpropBatchNorm(norm0, n0, tf.mul(g0.input as tf.Tensor4D, tf.step(r0)))
          const p = backpropDense(
            project,
            projectTrace,
            tf.reshape(b0.input, projectTrace.output.shape),
            needInputGradient,
          )
          return {
            grads: [
              p.kernel,
              p.bias,
              b0.scale,
              b0.shift,
              g0.kernel,
              g0.bias,
              b1.scale,
              b1.shift,
              g1.kernel,
              g1.bias,
            ],
            input: p.input,
          }
        },
      }
    },
    dispose: () => {
      disposeLayers([project, ...up])
      norms.forEach(disposeBatchNorm)
    },
  }
}

/**
 * The DCGAN discriminator for images of `shape`, `filters` channels then 2×; its last dense layer has
 * `outputs` columns (the logit, then an InfoGAN's Q head on the same features).
 */
export function convDiscriminator(
  shape: ImageShape,
  filters: number,
  random: Random,
  outputs = 1,
): LayerStack {
  return convEncoderStack(
    {
      shape,
      channels: [filters, 2 * filters],
      activation: 'leakyRelu',
      outputSize: outputs,
      outputActivation: 'linear',
      name: 'dcgD',
    },
    random,
  )
}
