/** One job of {@link runSideBySide}: its name, its expected cost (for the order only) and its work. */
export interface SideBySideJob<T> {
  readonly name: string
  readonly cost: number
  readonly run: () => Promise<T>
}
/**
 * Runs `jobs` `slots` at a time, the costliest first; calls `onDone(name, value)` as each ends.
 * Resolves with every job's value by name; rejects with the first failure. `later.slots` more slots
 * open once `later.after` settles (fulfilled or rejected).
 */
export declare function runSideBySide<T>(
  jobs: readonly SideBySideJob<T>[],
  slots: number,
  onDone?: (name: string, value: T) => void,
  later?: { readonly slots: number; readonly after: Promise<unknown> },
): Promise<Record<string, T>>
