'use client'
import type { HTMLAttributes, ReactNode } from 'react'
import { classNames } from './composeProps'

/** Props of {@link EmptyState}. */
interface EmptyStateProps extends HTMLAttributes<HTMLDivElement> {
  /** The component's class (`lk-sample-grid`); the block gets it and its `--empty` modifier. */
  readonly block: string
  /** The user's `renderEmpty`, if any. */
  readonly renderEmpty: (() => ReactNode) | undefined
  /** What is shown without `renderEmpty`. */
  readonly fallback: ReactNode
}

/** What a grid renders in place of its canvas while there is nothing to draw. */
export function EmptyState({ block, renderEmpty, fallback, className, ...rest }: EmptyStateProps) {
  return (
    <div role="status" {...rest} className={classNames(block, `${block}--empty`, className)}>
      {renderEmpty ? renderEmpty() : fallback}
    </div>
  )
}
