/**
 * Property-based fault suite (fast-check): whatever a caller passes — as hook options, as action
 * arguments through a hook — the answer is a result or a typed error (never `INTERNAL`, never a hang),
 * and a trained model's weights do not change; raw messages to the worker fail as errors and change
 * nothing either.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, test } from 'vitest'
import { toImageBatch } from '../../src/core/dataset'
import { BUILTIN_ENGINES } from '../../src/core/engine/builtinEngines'
import { fromWireError, isWireError, LatentkitError } from '../../src/core/errors'
import {
  prepareAction,
  type ActionContext,
  type AnyActionSpec,
  type AnyFamilySpec,
} from '../../src/core/family/familySpec'
import { WorkerHost } from '../../workers/host'
import { switchBackend } from './setupBackend'

beforeAll(() => switchBackend('cpu'))

/** Values a careless or hostile caller might pass where a number, a string or a list is expected. */
const junk = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noDefaultInfinity: false }),
  fc.constantFrom(0, -1, 2.5, 1e-12, Number.NaN, Infinity, -Infinity, 2 ** 31, 1e12),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.array(fc.oneof(fc.integer({ min: -4, max: 40 }), fc.double()), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
)

/** Resolves with the result, or with the typed error (a `LatentkitError`) the call failed with. */
async function outcome(work: () => unknown): Promise<unknown> {
  try {
    return await work()
  } catch (error) {
    return isWireError(error) || error instanceof LatentkitError ? fromWireError(error) : error
  }
}

function expectTyped(result: unknown): void {
  if (result instanceof Error) {
    expect(result, String(result)).toBeInstanceOf(LatentkitError)
    expect((result as LatentkitError).code).not.toBe('INTERNAL')
  }
}

const digits = { name: 'digits', limit: 64 } as const
const SMALL: Record<string, object> = {
  vae: { hiddenUnits: [8], latentDim: 2, seed: 1 },
  gan: { generatorUnits: [8], discriminatorUnits: [8], noiseDim: 2, seed: 1 },
  sparse: { atoms: 8, patchSize: 4, seed: 1 },
  autoencoder: { hiddenUnits: [8], codeSize: 2, seed: 1 },
  rbm: { layers: [8], seed: 1 },
  autoregressive: { hiddenUnits: [8], seed: 1 },
  contrastive: { hiddenUnits: [8], featureSize: 4, headUnits: [4], projectionSize: 4, seed: 1 },
  dec: { clusters: 3, hiddenUnits: [8], codeSize: 2, seed: 1 },
  hashing: { hiddenUnits: [8], bits: 6, seed: 1 },
  pretext: { task: 'jigsaw', hiddenUnits: [8], featureSize: 4, headUnits: [4], seed: 1 },
  helmholtz: { layers: [8, 2], seed: 1 },
}

async function fingerprint(host: WorkerHost, id: string): Promise<string> {
  const snapshot = await host.snapshot(id)
  return Buffer.from(snapshot.weightData).toString('base64')
}

// An imported model is not trained and needs a served model.json: its bad options, bad shapes and
// refused actions have their own matrix in imported.test.ts.
const TRAINABLE_ENGINES = BUILTIN_ENGINES.filter((engine) => engine.spec.kind !== 'imported')

describe.each(TRAINABLE_ENGINES.map((engine) => [engine.spec.kind, engine] as const))(
  '%s: bad input of any kind',
  (kind, engine) => {
    const spec = engine.spec as AnyFamilySpec
    const small = SMALL[kind] ?? {}

    test('any model and training options: a typed error or a model that trains', async () => {
      const host = new WorkerHost(BUILTIN_ENGINES)
      await host.init('cpu')
      // One or two options at a time, so the others keep their defaults and some runs train.
      const record = (keys: readonly string[]) =>
        fc
          .subarray([...keys], { maxLength: 2 })
          .chain((chosen) => fc.record(Object.fromEntries(chosen.map((key) => [key, junk]))))
      await fc.assert(
        fc.asyncProperty(record(spec.modelKeys), record(spec.trainKeys), async (model, train) => {
          const created = await outcome(() => host.create('m', kind, { ...small, ...model }))
          expectTyped(created)
          if (created instanceof Error) return
          // Valid options may ask for hours of training (epochs: 1000): what is checked is that
          // training starts or fails typed, so a run still going after 2 s is stopped.
          const stopper = setTimeout(() => host.stop('m').catch(() => undefined), 2000)
          const trained = await outcome(() =>
            host.train('m', digits, { epochs: 1, batchSize: 32, ...train }),
          )
          clearTimeout(stopper)
          expectTyped(trained)
        }),
        { numRuns: 30 },
      )
      await host.disposeModel('m')
    }, 120_000)

    test("any action arguments, from a hook or raw to the worker: typed errors, the trained model's weights unchanged", async () => {
      const host = new WorkerHost(BUILTIN_ENGINES)
      await host.init('cpu')
      await host.create('t', kind, small)
      await host.train('t', digits, { epochs: 1, batchSize: 32 })
      const before = await fingerprint(host, 't')
      const info = await host.modelInfo('t')
      // As the client does: images are checked and read with the trained model's shape.
      const context: ActionContext = {
        images: (input) =>
          toImageBatch(input, {
            name: 'images',
            ...(info.imageShape ? { imageShape: info.imageShape } : {}),
          }),
        model: info,
      }
      const names = Object.keys(spec.actions)
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...names),
          fc.array(junk, { maxLength: 4 }),
          async (name, args) => {
            const action = spec.actions[name] as AnyActionSpec
            // The hook's side: checks and converts on the main thread.
            const prepared = await outcome(() => prepareAction(action, name, context, args))
            expectTyped(prepared)
            if (Array.isArray(prepared))
              expectTyped(await outcome(() => host.call('t', name, prepared)))
            // A raw message to the worker, skipping the main thread's checks (not the public API):
            // it may fail in any way, but it fails as an error and leaves the model as it was.
            const raw = await outcome(() => host.call('t', name, args))
            if (raw instanceof Error) expect(raw).toBeInstanceOf(LatentkitError)
          },
        ),
        { numRuns: 150 },
      )
      expect(await fingerprint(host, 't')).toBe(before)
      // Still usable: training continues.
      const more = await host.train('t', undefined, { epochs: 1, batchSize: 32 })
      expect(more.model.trainedSteps).toBeGreaterThan(info.trainedSteps)
      await host.disposeModel('t')
    }, 120_000)
  },
)
