/** A page that mounts `useVAE` and hands each result to the test, for the hook-level browser tests. */
import { useEffect, type ReactNode } from 'react'
import { useVAE, type UseVAEOptions, type UseVAEResult } from '../../src/react/useVAE'

/** Props of {@link VAEPage}. */
export interface VAEPageProps {
  /** The hook's options. */
  readonly options: UseVAEOptions
  /** Called with every new result of the hook. */
  readonly onResult: (vae: UseVAEResult) => void
  /** What the page shows with the hook's result (default nothing). */
  readonly children?: (vae: UseVAEResult) => ReactNode
}

/** Mounts `useVAE(options)`, reports each result to `onResult` and renders `children(result)`. */
export function VAEPage({ options, onResult, children }: VAEPageProps) {
  const vae = useVAE(options)
  useEffect(() => onResult(vae), [vae, onResult])
  return children ? children(vae) : null
}
