/**
 * The contract every model family keeps with the generic worker host, as a table-driven suite: run it
 * for a family by adding a case. Nothing in it names a family.
 */
import * as Comlink from 'comlink'
import { describe, expect, test } from 'vitest'
import type { AnyFamilyEngine } from '../../src/core/engine/familyEngine'
import { fromWireError } from '../../src/core/errors'
import type { ModelUpdate, TrainingData, WorkerAPI } from '../../src/protocol'
import { WorkerHost } from '../../workers/host'

/** One family under the contract. */
export interface FamilyCase {
  readonly engine: AnyFamilyEngine
  readonly modelOptions: object
  readonly trainOptions: { readonly epochs: number; readonly [option: string]: unknown }
  /** The epoch a first run ends at, when not `trainOptions.epochs` (DEC: pretraining, then refinement). */
  readonly endEpoch?: number
  readonly data: TrainingData
  /** A model option that must be refused with `INVALID_OPTION`. */
  readonly badModelOption: object
  /** An action of the family and a check of its result. */
  readonly action: {
    readonly name: string
    readonly args: readonly unknown[]
    check(result: unknown): void
  }
}

/** Runs the contract for each case against a host that knows every case's family. */
export function familyContract(cases: readonly FamilyCase[]): void {
  const connect = (): { api: Comlink.Remote<WorkerAPI>; close(): void } => {
    const channel = new MessageChannel()
    Comlink.expose(
      new WorkerHost(cases.map((c) => c.engine)),
      channel.port1 as unknown as Comlink.Endpoint,
    )
    const api = Comlink.wrap<WorkerAPI>(channel.port2 as unknown as Comlink.Endpoint)
    return { api, close: () => (channel.port1.close(), channel.port2.close()) }
  }

  test('the host knows exactly the registered families', async () => {
    const { api, close } = connect()
    expect(await api.families()).toEqual(cases.map((c) => c.engine.spec.kind))
    const unknown = await api.create('x', 'no-such-family', {}).catch(fromWireError)
    expect(unknown).toMatchObject({ code: 'INVALID_INPUT', details: { kind: 'no-such-family' } })
    close()
  })

  for (const family of cases) {
    const { spec } = family.engine
    describe(`the ${spec.kind} family`, () => {
      test('its engine implements every action its spec declares, and no other', () => {
        expect(Object.keys(family.engine.actions).sort()).toEqual(Object.keys(spec.actions).sort())
      })

      test('trains with progress whose points carry its chart series, then runs an action', async () => {
        const { api, close } = connect()
        await api.init('cpu')
        const before = await api.memory()
        const created = await api.create('m', spec.kind, family.modelOptions)
        expect(created).toMatchObject({ kind: spec.kind, trainedSteps: 0 })
        const updates: ModelUpdate[] = []
        const summary = await api.train(
          'm',
          family.data,
          family.trainOptions,
          Comlink.proxy((update: ModelUpdate) => void updates.push(update)),
        )
        expect(summary.steps).toBeGreaterThan(0)
        expect(summary.model).toMatchObject({ kind: spec.kind, trainedSteps: summary.steps })
        const points = updates.flatMap((u) => u.history)
        expect(points.map((p) => p.step)).toEqual(points.map((_, i) => i + 1))
        for (const series of spec.chart.series) {
          for (const point of points) {
            expect(
              typeof (point as unknown as Record<string, unknown>)[series.key],
              series.key,
            ).toBe('number')
          }
        }
        expect(updates.at(-1)?.progress).toMatchObject({
          runStep: summary.steps,
          runSteps: summary.steps,
          epochs: family.endEpoch ?? family.trainOptions.epochs,
        })
        const reply = await api.call('m', family.action.name, family.action.args)
        family.action.check(reply.result)
        expect(reply.model).toEqual(await api.modelInfo('m'))
        await api.disposeModel('m')
        expect((await api.memory()).numTensors).toBe(before.numTensors)
        close()
      })

      test('an action it lacks is refused with its name and what it offers; the model survives', async () => {
        const { api, close } = connect()
        await api.create('m', spec.kind, family.modelOptions)
        await api.train('m', family.data, family.trainOptions)
        const steps = (await api.modelInfo('m')).trainedSteps
        const refused = await api.call('m', 'teleport', []).catch(fromWireError)
        expect(refused).toMatchObject({
          code: 'INVALID_INPUT',
          message: `this ${spec.noun} has no action "teleport"; it offers ${Object.keys(spec.actions).join(', ')}`,
          details: { family: spec.kind, action: 'teleport' },
        })
        // Inherited object members are not actions either.
        expect(await api.call('m', 'toString', []).catch(fromWireError)).toMatchObject({
          code: 'INVALID_INPUT',
        })
        expect((await api.modelInfo('m')).trainedSteps).toBe(steps)
        await api.disposeModel('m')
        close()
      })

      test('a bad model option is refused with INVALID_OPTION, on the main thread and in the worker', async () => {
        const validate = spec.validateModel as (options: object) => void
        expect(() => validate(family.badModelOption)).toThrow(
          expect.objectContaining({ code: 'INVALID_OPTION' }),
        )
        const { api, close } = connect()
        const refused = await api.create('m', spec.kind, family.badModelOption).catch(fromWireError)
        expect(refused).toMatchObject({ code: 'INVALID_OPTION' })
        close()
      })

      test('stop ends training at a batch boundary and reset forgets the weights', async () => {
        const { api, close } = connect()
        await api.create('m', spec.kind, family.modelOptions)
        let first: () => void = () => {}
        const started = new Promise<void>((resolve) => (first = resolve))
        const run = api.train(
          'm',
          family.data,
          { ...family.trainOptions, epochs: 10_000 },
          Comlink.proxy(() => first()),
        )
        await started
        await api.stop('m')
        const summary = await run
        expect(summary.stopped).toBe(true)
        expect((await api.reset('m')).trainedSteps).toBe(0)
        const notTrained = await api
          .call('m', family.action.name, family.action.args)
          .catch(fromWireError)
        expect(notTrained).toMatchObject({ code: 'NOT_TRAINED' })
        await api.disposeModel('m')
        close()
      })
    })
  }
}
