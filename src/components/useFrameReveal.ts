'use client'
import { useEffect, useState } from 'react'
import { usePrefersReducedMotion } from './usePrefersReducedMotion'

/** Options of {@link useFrameReveal}. */
export interface FrameRevealOptions {
  /** Frames there are to show (0 while there is nothing yet). */
  readonly total: number
  /** Starts the reveal over when it changes (e.g. a new chain, not a refreshed one). */
  readonly restartKey: string | undefined
  /** Reveal one frame at a time; false shows every frame at once. */
  readonly animate: boolean
  /** Milliseconds between two frames. */
  readonly interval: number
}

/**
 * How many of `total` frames to show: one more every `interval` ms from the first, starting over
 * when `restartKey` changes, or all of them when `animate` is false, the interval is not a number
 * above 0, or the user prefers reduced motion. Timers run in effects only (SSR-safe).
 */
export function useFrameReveal({
  total,
  restartKey,
  animate,
  interval,
}: FrameRevealOptions): number {
  const reduced = usePrefersReducedMotion()
  const animated = animate && !reduced && Number.isFinite(interval) && interval > 0
  const [progress, setProgress] = useState({ key: restartKey, shown: 1 })
  const shown = progress.key === restartKey ? progress.shown : 1
  useEffect(() => {
    if (!animated || shown >= total) return
    const timer = setTimeout(() => setProgress({ key: restartKey, shown: shown + 1 }), interval)
    return () => clearTimeout(timer)
  }, [animated, restartKey, shown, total, interval])
  return animated ? Math.min(shown, total) : total
}
