/** What a page keeps alive: its JS heap after a forced collection, and weak references counted. */
import { cdp } from 'vitest/browser'

/** The page's used JS heap, in bytes, after a full garbage collection (DevTools protocol). */
export async function heapAfterGC(): Promise<number> {
  const session = cdp()
  await session.send('HeapProfiler.collectGarbage')
  const usage = (await session.send('Runtime.getHeapUsage')) as { usedSize: number }
  return usage.usedSize
}

/** Weak references to objects, counted alive (after a garbage collection, to mean anything). */
export function weakSet<T extends object>() {
  const refs: WeakRef<T>[] = []
  return {
    add: (value: T) => refs.push(new WeakRef(value)),
    alive: () => refs.filter((ref) => ref.deref() !== undefined).length,
    total: () => refs.length,
  }
}
