'use client'
import { VAEClient, type VAEClientOptions } from '../client/builtinClients'
import type { vaeSpec } from '../core/vae/vaeSpec'
import { createModelHook, type ModelHookResult } from './createModelHook'

/**
 * Options of {@link useVAE}. Architecture options (`latentDim`, `hiddenUnits`, `likelihood`,
 * `observationNoise`, `beta`, `seed`) define the model: changing one starts a fresh model. Training
 * options (`epochs`, `batchSize`, `learningRate`, `fusedKernels`) apply from the next `train()`.
 */
export type UseVAEOptions = VAEClientOptions

/**
 * What {@link useVAE} returns: the state snapshot, the anomaly `threshold`, and stable actions —
 * `train`, `pause`, `resume`, `stop`, `reset`, `sample`, `encode`, `decode`, `reconstruct`,
 * `interpolate`, `score`, `calibrate`, `setThreshold` — each with its rejecting `…Async` twin.
 */
export type UseVAEResult = ModelHookResult<typeof vaeSpec>

/**
 * Trains and runs a variational autoencoder in a Web Worker (TF.js; WebGPU, WebGL, WASM or CPU).
 *
 * ```tsx
 * const vae = useVAE({ data: 'digits', latentDim: 8, epochs: 30, autoTrain: true })
 * return <SampleGrid model={vae} rows={4} columns={8} />
 * ```
 */
export const useVAE: (options?: UseVAEOptions) => UseVAEResult =
  /* @__PURE__ */ createModelHook(VAEClient)
