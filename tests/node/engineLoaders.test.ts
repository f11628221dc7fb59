import { describe, expect, it } from 'vitest'
import { BUILTIN_ENGINES } from '../../src/core/engine/builtinEngines'
import { BUILTIN_ENGINE_LOADERS } from '../../src/core/engine/builtinEngineLoaders'
import {
  EngineRegistry,
  lazyEngine,
  type AnyFamilyEngine,
} from '../../src/core/engine/familyEngine'
import { vaeEngine } from '../../src/core/vae/engine/vaeEngine'

describe('lazily loaded families', () => {
  it('the worker’s loaders name the same families, in the same order, as BUILTIN_ENGINES', async () => {
    expect(BUILTIN_ENGINE_LOADERS.map((l) => l.kind)).toEqual(
      BUILTIN_ENGINES.map((e) => e.spec.kind),
    )
    const loaded = await Promise.all(BUILTIN_ENGINE_LOADERS.map((l) => l.load()))
    loaded.forEach((engine, i) => expect(engine).toBe(BUILTIN_ENGINES[i]))
  })

  it('imports a lazy family once, on first use, even when asked twice at once', async () => {
    let loads = 0
    const registry = new EngineRegistry([
      lazyEngine('vae', async () => {
        loads += 1
        await new Promise((resolve) => setTimeout(resolve, 5))
        return vaeEngine
      }),
    ])
    expect(registry.kinds()).toEqual(['vae'])
    expect(loads).toBe(0)
    const [a, b] = await Promise.all([registry.get('vae'), registry.get('vae')])
    expect(a).toBe(vaeEngine)
    expect(b).toBe(vaeEngine)
    expect(await registry.get('vae')).toBe(vaeEngine)
    expect(loads).toBe(1)
  })

  it('a failed import is INTERNAL with what to do, and the next call tries again', async () => {
    let fail = true
    const registry = new EngineRegistry([
      lazyEngine('vae', () =>
        fail ? Promise.reject(new Error('chunk 404')) : Promise.resolve(vaeEngine),
      ),
    ])
    await expect(registry.get('vae')).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/vae family's code failed to load \(chunk 404\).*served/),
    })
    fail = false
    expect(await registry.get('vae')).toBe(vaeEngine)
  })

  it('an engine of another kind is refused; an unknown kind names the known ones', async () => {
    const wrong = new EngineRegistry([
      lazyEngine('gan', () => Promise.resolve(vaeEngine as AnyFamilyEngine)),
    ])
    await expect(wrong.get('gan')).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('"vae" family'),
    })
    await expect(wrong.get('nope')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: { kind: 'nope', known: 'gan' },
    })
  })

  it('an eager engine registered after a lazy one of the same kind replaces it', async () => {
    const registry = new EngineRegistry([
      lazyEngine('vae', () => Promise.reject(new Error('never'))),
      vaeEngine,
    ])
    expect(await registry.get('vae')).toBe(vaeEngine)
  })
})
