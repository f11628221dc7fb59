import type { WorkerAPI } from '../src/protocol'

/** Runs the action `action` of model `id` through a worker API and resolves with its result. */
export async function act<T>(
  api: Pick<WorkerAPI, 'call'>,
  id: string,
  action: string,
  ...args: unknown[]
): Promise<T> {
  return (await api.call(id, action, args)).result as T
}
