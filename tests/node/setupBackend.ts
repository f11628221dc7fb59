import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'

/** Uses TF.js's pure-JS CPU backend (exact and deterministic) unless told otherwise. */
export async function switchBackend(name: 'cpu' | 'wasm' = 'cpu'): Promise<void> {
  await tf.setBackend(name)
  await tf.ready()
}
