/**
 * The issue's case in the real worker: `sample(1e7)` on a VAE (WASM backend) used to trap after
 * seconds and leave the shared worker unable to train any model. It is refused at once with
 * INVALID_OPTION naming the limit, and both models of the worker go on training and sampling.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { VAEClient } from '../../src/client/builtinClients'
import type { LatentkitError } from '../../src/core/errors'
import { unwatchAll, watch } from './clientWatch'

afterEach(unwatchAll)

describe('limits in the real worker', () => {
  test('sampleAsync(1e7) is refused within a second; this model and another keep training and sampling', async () => {
    const a = watch(new VAEClient({ data: 'digits', backend: 'wasm', epochs: 1, seed: 1 }))
    const b = watch(
      new VAEClient({ data: { name: 'digits', limit: 512 }, backend: 'wasm', epochs: 1, seed: 2 }),
    )
    await a.trainAsync()
    await b.trainAsync()
    const before = await a.sampleAsync(4, { seed: 3 })

    const started = performance.now()
    const error = (await a.sampleAsync(1e7).then(
      () => undefined,
      (e: unknown) => e,
    )) as LatentkitError
    const elapsed = performance.now() - started
    expect(error.code).toBe('INVALID_OPTION')
    expect(error.message).toMatch(
      /^sample count 10000000 is above this model's limit of (\d+) on the wasm backend \(about 1 GiB per call\); draw in batches of at most \1$/,
    )
    expect(error.details).toMatchObject({ actual: 1e7, backend: 'wasm' })
    expect(error.details.limit).toBeGreaterThan(10_000)
    expect(elapsed).toBeLessThan(1000)
    expect(a.getSnapshot().error?.code).toBe('INVALID_OPTION')

    // The same model: unchanged, then trains on and samples again.
    expect((await a.sampleAsync(4, { seed: 3 })).data).toEqual(before.data)
    const steps = a.getSnapshot().model?.trainedSteps ?? 0
    await a.trainAsync()
    expect(a.getSnapshot().model?.trainedSteps).toBeGreaterThan(steps)
    const after = await a.sampleAsync(4, { seed: 3 })
    expect(after.shape).toEqual([4, 8, 8, 1])
    expect(after.data.every((v) => v >= 0 && v <= 1)).toBe(true)
    expect(a.getSnapshot().error).toBeUndefined()

    // The other model of the worker too.
    const otherSteps = b.getSnapshot().model?.trainedSteps ?? 0
    await b.trainAsync()
    expect(b.getSnapshot().model?.trainedSteps).toBeGreaterThan(otherSteps)
    expect((await b.sampleAsync(2, { seed: 1 })).shape).toEqual([2, 8, 8, 1])
    expect(b.getSnapshot().status).toBe('ready')
  })
})
