import { fromWireError, type LatentkitError } from '../src/core/errors'
import type { WorkerAPI } from '../src/protocol'

/** The typed error `run` throws (a wire error from a worker host is rebuilt); fails if none. */
export async function failure(run: () => unknown): Promise<LatentkitError> {
  try {
    await run()
  } catch (error) {
    return fromWireError(error)
  }
  throw new Error('expected a failure')
}

/** Runs the action `action` of model `id` through a worker API and resolves with its result. */
export async function act<T>(
  api: Pick<WorkerAPI, 'call'>,
  id: string,
  action: string,
  ...args: unknown[]
): Promise<T> {
  return (await api.call(id, action, args)).result as T
}
