'use client'
import { useSyncExternalStore } from 'react'

const QUERY = '(prefers-reduced-motion: reduce)'

/** The media query, where the page can ask it (not on the server). */
const mediaQuery = (): MediaQueryList | undefined =>
  typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia(QUERY)
    : undefined

function subscribe(onChange: () => void): () => void {
  const query = mediaQuery()
  query?.addEventListener('change', onChange)
  return () => query?.removeEventListener('change', onChange)
}

const getSnapshot = (): boolean => mediaQuery()?.matches ?? false
const getServerSnapshot = (): boolean => false

/**
 * True when the user asks for less motion (`prefers-reduced-motion: reduce`), following changes.
 * SSR-safe: false on the server and while hydrating, then the page's answer.
 */
export function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot)
}
