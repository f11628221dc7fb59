/**
 * A trainable stack of layers, whatever its layers (dense, convolutional, batch-normalised): flat
 * rows in, flat rows out, a training-mode forward pass that returns its own backward pass. Networks
 * are made of these (an autoencoder's encoder and decoder, a GAN's generator and discriminator).
 */
import type * as tf from '@tensorflow/tfjs-core'
import {
  backpropStack,
  disposeLayers,
  forwardStack,
  layerVariables,
  stackOutput,
  type DenseLayer,
} from './dense'

/** Gradients of a stack's variables (in {@link LayerStack.variables} order) and of its input. */
export interface StackGradients {
  readonly grads: tf.Tensor[]
  /** Gradient at the stack's input; absent when not asked for. */
  readonly input: tf.Tensor2D | undefined
}

/** A training-mode forward pass, holding what its backward pass needs. */
export interface StackPass {
  readonly output: tf.Tensor2D
  /** Gradients given the gradient at the output. Call inside the same `tf.tidy`. */
  backward(gradOutput: tf.Tensor2D, needInputGradient: boolean): StackGradients
}

/** A stack of layers. Methods returning tensors run inside `tf.tidy`. */
export interface LayerStack {
  /** Trained variables, in a stable order. */
  variables(): tf.Variable[]
  /** State that is not trained but must be restored with the weights (running statistics). */
  statistics(): tf.Variable[]
  /** Inference: running statistics, no trace. */
  infer(x: tf.Tensor2D): tf.Tensor2D
  /** Training mode (batch statistics); `updateStatistics` folds them into the running ones. */
  forward(x: tf.Tensor2D, updateStatistics: boolean): StackPass
  dispose(): void
}

/** A stack of dense layers as a {@link LayerStack}. */
export function denseStack(layers: readonly DenseLayer[]): LayerStack {
  return {
    variables: () => layerVariables(layers),
    statistics: () => [],
    infer: (x) => stackOutput(forwardStack(layers, x), x),
    forward: (x) => {
      const traces = forwardStack(layers, x)
      return {
        output: stackOutput(traces, x),
        backward: (gradOutput, needInputGradient) =>
          backpropStack(layers, traces, gradOutput, needInputGradient),
      }
    },
    dispose: () => disposeLayers(layers),
  }
}
