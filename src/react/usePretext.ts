'use client'
import { PretextClient, type PretextClientOptions } from '../client/builtinClients'
import type { pretextSpec } from '../core/pretext/pretextSpec'
import { createModelHook, type ModelHookResult } from './createModelHook'

/**
 * Options of {@link usePretext}. Model options (`task` default `'rotation'`, or `'jigsaw'` /
 * `'relativePosition'`; `architecture` default `'dense'`; `hiddenUnits` default `[256]`,
 * `featureSize` default 64, `headUnits` default `[128]`; jigsaw `grid` default 2 and `permutations`
 * default min(100, tiles!); relative position `patchSize` default ⌊side / 4⌋, `gap` default
 * ⌈patchSize / 4⌉, `jitter` default what fits up to ⌈patchSize / 4⌉; `seed` default 1) define the
 * model: changing one starts a fresh model. Training options (`epochs` default 30, `batchSize`
 * default 128, `learningRate` default 0.001; `fusedKernels` is accepted and has no effect) apply
 * from the next `train()`.
 */
export type UsePretextOptions = PretextClientOptions

/**
 * What {@link usePretext} returns: the state snapshot, the facts `task` and `classCount`, and
 * stable actions — `train`, `pause`, `resume`, `stop`, `reset`, `encode` (the encoder's features),
 * `probe`, `predict` (the task's answer on examples) and `makeTask` (examples with their targets) —
 * each with its rejecting `…Async` twin.
 */
export type UsePretextResult = ModelHookResult<typeof pretextSpec>

/**
 * Learns features without labels in a Web Worker from a pretext task whose labels come from the
 * images themselves: rotation (which quarter turn), jigsaw (which permutation shuffled the tiles)
 * or relative position (which neighbour of the centre patch). One hook for the three: they share
 * the encoder, the head, the loop and every action; `task` only changes how examples are cut.
 * `history` holds the task's loss and accuracy per step.
 *
 * ```tsx
 * const jigsaw = usePretext({ data: 'digits', task: 'jigsaw', grid: 2, autoTrain: true })
 * // later: const { inputs, targets } = await jigsaw.makeTaskAsync(8, { seed: 1 })
 * //        const { classes } = await jigsaw.predictAsync(inputs)
 * return <LossChart history={jigsaw.history} />
 * ```
 */
export const usePretext: (options?: UsePretextOptions) => UsePretextResult =
  /* @__PURE__ */ createModelHook(PretextClient)
