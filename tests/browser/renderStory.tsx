import type { ComponentType } from 'react'
import { render } from 'vitest-browser-react'

/** A story file's default export, as far as rendering needs it. */
export interface StoryModule {
  readonly component?: unknown
  readonly args?: object
}

/**
 * Renders `meta`'s component as Storybook would with the story's args (the module's, then the
 * story's) on the WASM backend; returns the screen and the args used.
 */
export async function renderStoryOnWasm(meta: StoryModule, story: { readonly args?: object }) {
  const Component = meta.component as ComponentType<Record<string, unknown>>
  const args: Record<string, unknown> = { ...meta.args, ...story.args, backend: 'wasm' }
  const screen = await render(<Component {...args} />)
  return { screen, args }
}
