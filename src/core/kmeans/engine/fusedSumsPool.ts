/**
 * Idle fused cluster-sums slots, handed from a k-means model that is disposed or reset to the next
 * model of the same `k` and row size: fits of a few milliseconds (restarts over seeds, one model per
 * fit) then run on one kernel memory instead of instantiating the kernels and a new WebAssembly
 * memory for each model — what had cost a fit a new instance, its memory's first page faults, and
 * the collector's passes for the memories left behind (a quarter of the processor time of a Lloyd
 * fit on the digits). k-means keeps no state in kernel memory between fits (each fit forgets the
 * rows held there first), so a slot serves any model of its architecture.
 */
import { FusedTrainerSlot } from '../../engine/fusedDenseNet'
import type { FusedClusterSums } from './fusedClusterSums'

/** Architectures kept at most (the least recently released leaves first). */
const MOST_KEPT = 4

const idle = new Map<string, FusedTrainerSlot<FusedClusterSums>>()

/** The pool's key for `k` centroids of `size` values. */
function keyOf(k: number, size: number): string {
  return `${k}|${size}`
}

/**
 * Frees the idle slots whose kernel memory was dropped after memory ran out: they would serve no
 * model, and would hold that memory until taken.
 */
function freeDropped(): void {
  for (const [key, slot] of idle) {
    if (slot.keptTrainer) continue
    slot.clear()
    idle.delete(key)
  }
}

/** An idle slot for `k` centroids of `size` values, or a new (empty) one. */
export function takeFusedSlot(k: number, size: number): FusedTrainerSlot<FusedClusterSums> {
  freeDropped()
  const key = keyOf(k, size)
  const slot = idle.get(key)
  if (!slot) return new FusedTrainerSlot<FusedClusterSums>()
  idle.delete(key)
  return slot
}

/**
 * Gives `slot` (no longer used by its model) back for the next model of `k` centroids of `size`
 * values when `keep` is true (one idle slot per architecture, {@link MOST_KEPT} architectures),
 * else frees its trainer. Slots that may hold a second kernel thread must not be kept (`keep`
 * false): a disposed model stops its thread.
 */
export function releaseFusedSlot(
  slot: FusedTrainerSlot<FusedClusterSums>,
  k: number,
  size: number,
  keep: boolean,
): void {
  freeDropped()
  const key = keyOf(k, size)
  const previous = idle.get(key)
  if (!keep || previous === slot) {
    if (!keep) slot.clear()
    return
  }
  previous?.clear()
  idle.delete(key)
  idle.set(key, slot)
  for (const [oldest, kept] of idle) {
    if (idle.size <= MOST_KEPT) break
    kept.clear()
    idle.delete(oldest)
  }
}

/** Frees every idle slot (tests). */
export function clearFusedSlots(): void {
  for (const slot of idle.values()) slot.clear()
  idle.clear()
}
