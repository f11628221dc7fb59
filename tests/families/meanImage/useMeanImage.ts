/** The mean-image family's client and hook: two declarations over the shared factories. */
import { createClientClass } from '../../../src/client/familyClient'
import { createModelHook } from '../../../src/react/createModelHook'
import { meanImageSpec } from './meanImageSpec'

/** A mean-image model in a worker, seen from the main thread. */
export const MeanImageClient = /* @__PURE__ */ createClientClass(meanImageSpec)

/** Trains and samples a mean-image model in a worker. */
export const useMeanImage = /* @__PURE__ */ createModelHook(MeanImageClient)

/** Starts a worker that knows the mean-image family (pass as `createWorker`). */
export function createMeanImageWorker(): Worker {
  return new Worker(new URL('./meanImage.worker.ts', import.meta.url), { type: 'module' })
}
