'use client'
import { AutoregressiveClient, type AutoregressiveClientOptions } from '../client/builtinClients'
import type { autoregressiveSpec } from '../core/autoregressive/autoregressiveSpec'
import { createModelHook, type ModelHookResult } from './createModelHook'

/**
 * Options of {@link useAutoregressive}. Model options (`hiddenUnits` — default `[256]` for images of
 * ≤ 256 values, else `[512]` —, `ordering` — default `'natural'` —, `binarize` — default
 * `'threshold'` —, `threshold` — default `0.5` —, `seed` — default `1`) define the model: changing
 * one starts a fresh one. Training options (`epochs` — default `20` —, `batchSize` — default `64`
 * —, `learningRate` — default `0.001`) apply from the next `train()`.
 */
export type UseAutoregressiveOptions = AutoregressiveClientOptions

/**
 * What {@link useAutoregressive} returns: the state snapshot and stable actions — `train`, `pause`,
 * `resume`, `stop`, `reset`, `sample`, `sampleSteps`, `logLikelihood` — each with its rejecting
 * `…Async` twin.
 */
export type UseAutoregressiveResult = ModelHookResult<typeof autoregressiveSpec>

/**
 * Trains an autoregressive model with an exact likelihood — MADE (Germain et al. 2015) on binarised
 * images — in a Web Worker, by Adam on the exact negative log-likelihood (nats per image in
 * `history`). `logLikelihood` gives the exact `log p(x)` of each image; `sample` draws images pixel
 * by pixel, and `sampleSteps` records them while they are drawn.
 *
 * MADE rather than a PixelCNN: one pass of a few masked dense layers gives every pixel's
 * conditional (the exact likelihood of an image in one pass), dense layers run on the fast
 * matrix-product path, and for small images a dense layer sees the whole context at once.
 *
 * ```tsx
 * const made = useAutoregressive({ data: 'digits', hiddenUnits: [256], epochs: 50, autoTrain: true })
 * // after training:
 * const { meanLogLikelihood } = await made.logLikelihoodAsync(heldOut) // exact nats per image
 * const { images, frames } = await made.sampleStepsAsync(4, { frames: 17, seed: 1 })
 * ```
 */
export const useAutoregressive: (options?: UseAutoregressiveOptions) => UseAutoregressiveResult =
  /* @__PURE__ */ createModelHook(AutoregressiveClient)
