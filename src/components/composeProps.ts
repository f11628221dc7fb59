/**
 * How every component combines its own props with the ones a user passes through: handlers are
 * composed (both run), class names are joined, styles are merged. No DOM, no React import.
 */
import type { CSSProperties } from 'react'

/**
 * One handler that runs the component's own `own` first, then the user's `user`. The component goes
 * first so the user's handler sees its effect: for example `event.defaultPrevented` is true for a
 * key the component has handled.
 */
export function composeHandlers<E>(
  own: ((event: E) => void) | undefined,
  user: ((event: E) => void) | undefined,
): ((event: E) => void) | undefined {
  if (!own) return user
  if (!user) return own
  return (event: E) => {
    own(event)
    user(event)
  }
}

/** The class names that are set, joined with spaces (the component's `lk-` classes first). */
export function classNames(...names: readonly (string | false | undefined)[]): string {
  return names.filter(Boolean).join(' ')
}

/**
 * The component's layout `own`, then the user's `user` over it, except the properties in `owned`,
 * which another prop controls (e.g. `imageRendering` follows `pixelated`) and so always keep the
 * component's value.
 */
export function mergeStyle(
  own: CSSProperties | undefined,
  user: CSSProperties | undefined,
  owned: readonly (keyof CSSProperties)[] = [],
): CSSProperties | undefined {
  if (!user) return own
  if (!own) return user
  const merged: Record<string, unknown> = { ...own, ...user }
  for (const key of owned) merged[key] = own[key]
  return merged as CSSProperties
}

/** A grid canvas's style: `pixelated` owns `imageRendering`, the canvas shrinks to its container. */
export function gridCanvasStyle(
  pixelated: boolean,
  user: CSSProperties | undefined,
): CSSProperties | undefined {
  return mergeStyle({ imageRendering: pixelated ? 'pixelated' : 'auto', maxWidth: '100%' }, user, [
    'imageRendering',
  ])
}

/** Hides an element visually but keeps it for screen readers. */
export const VISUALLY_HIDDEN: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  border: 0,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
}
