'use client'
import { useEffect, useRef, useState } from 'react'

/**
 * Runs `load` when `key` changes and keeps its latest result. At most one call is in flight: keys
 * that change meanwhile collapse into one call with the newest key when the current one ends, so a
 * model that updates 10 times a second, or a slider being dragged, never piles up requests.
 * A failure (a rejection, or `undefined` from a hook's plain action) keeps the previous result: the
 * model hook already reports the error.
 */
export function useLatestAsync<T>(
  key: string | undefined,
  load: () => Promise<T | undefined>,
): T | undefined {
  const [result, setResult] = useState<T | undefined>(undefined)
  const loadRef = useRef(load)
  const inFlight = useRef(false)
  const wanted = useRef<string | undefined>(undefined)
  const mounted = useRef(true)

  // Declared before the effect below, so it runs first and that effect sees the latest `load`.
  useEffect(() => {
    loadRef.current = load
  })

  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])

  useEffect(() => {
    wanted.current = key
    if (key === undefined || inFlight.current) return
    const run = (runKey: string): void => {
      inFlight.current = true
      loadRef
        .current()
        .then(
          (value) => {
            if (mounted.current && value !== undefined) setResult(value)
          },
          () => undefined,
        )
        .finally(() => {
          inFlight.current = false
          if (mounted.current && wanted.current !== undefined && wanted.current !== runKey) {
            run(wanted.current)
          }
        })
    }
    run(key)
  }, [key])

  return result
}
