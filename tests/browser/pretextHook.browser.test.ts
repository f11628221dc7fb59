/**
 * Pretext sizes that only the images can refuse — a jigsaw grid that does not divide the digits'
 * sides, a patch larger than them, a convolutional encoder on 2-pixel patches — are typed errors
 * from the real worker at train time; the worker lives on and the same client then trains.
 */
import { afterAll, expect, test } from 'vitest'
import { PretextClient } from '../../src/client/builtinClients'
import type { PretextClientOptions } from '../../src/client/builtinClients'

const unsubscribers: (() => void)[] = []
afterAll(() => {
  for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
})

const base: PretextClientOptions = {
  data: { name: 'digits', limit: 64 },
  epochs: 1,
  batchSize: 32,
  hiddenUnits: [16],
  featureSize: 8,
  backend: 'wasm',
}

test.each([
  [{ task: 'jigsaw', grid: 3 }, 'INVALID_OPTION', /grid 3 does not divide/],
  [{ task: 'relativePosition', patchSize: 9 }, 'INVALID_OPTION', /larger than the image/],
  [{ task: 'relativePosition', gap: 2 }, 'INVALID_OPTION', /need 10 pixels across/],
  [{ task: 'relativePosition', architecture: 'convolutional' }, 'SHAPE_MISMATCH', /multiples of 4/],
] as const)(
  '%j on the 8×8 digits: %s at train, then the client trains',
  async (option, code, text) => {
    const client = new PretextClient({ ...base, ...option })
    unsubscribers.push(client.subscribe(() => {}))
    await expect(client.train()).resolves.toBeUndefined()
    const error = client.getSnapshot().error
    expect(error?.code).toBe(code)
    expect(error?.message).toMatch(text)
    expect(client.getSnapshot().model?.trainedSteps ?? 0).toBe(0)
    client.setOptions({ ...base, task: option.task })
    await client.trainAsync()
    expect(client.getSnapshot().error).toBeUndefined()
    expect(client.getSnapshot().model?.trainedSteps).toBe(2)
  },
)
