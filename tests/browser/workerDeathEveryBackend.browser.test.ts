/**
 * Worker death on every backend that runs here, with every family in the worker: each model comes
 * back from its snapshot into the fresh worker on the same backend, answering exactly as before (the
 * same seeded output: the same weights), and trains on.
 */
import { afterEach, describe, expect, test } from 'vitest'
import {
  AutoencoderClient,
  AutoregressiveClient,
  ContrastiveClient,
  PretextClient,
  GANClient,
  KMeansClient,
  DECClient,
  HashingClient,
  HelmholtzClient,
  PCAClient,
  RBMClient,
  SparseCodingClient,
  VAEClient,
} from '../../src/client/builtinClients'
import { configureWorkerSupervision } from '../../src/client/workerSupervision'
import { faultyWorkerFactory, type Fault } from '../faults/faultyWorkers'
import { waitFor } from './workerSpy'

interface AnyClient {
  subscribe(listener: () => void): () => void
  getSnapshot(): {
    status: string
    error: { code: string; message: string; details?: Record<string, unknown> } | undefined
    model: { trainedSteps: number } | undefined
  }
  trainAsync(): Promise<unknown>
  [action: string]: unknown
}

interface Family {
  readonly name: string
  readonly make: (options: object) => AnyClient
  readonly options: object
  /** A seeded, deterministic output: equal before and after means the same weights. */
  readonly fingerprint: (client: AnyClient) => Promise<unknown>
  /** Backends to run on (default all). */
  readonly backends?: readonly string[]
}

const image = { data: new Float32Array(64).fill(0.5), shape: [1, 8, 8, 1] }
const common = { epochs: 1, batchSize: 32, seed: 5, data: { name: 'digits', limit: 64 } }
const sample = (c: AnyClient) =>
  (c.sampleAsync as (n: number, o: object) => Promise<{ data: Float32Array }>)(3, { seed: 1 })
const encode = (c: AnyClient) => (c.encodeAsync as (images: unknown) => Promise<unknown>)(image)

const FAMILIES: readonly Family[] = [
  {
    name: 'vae',
    make: (o) => new VAEClient(o) as unknown as AnyClient,
    options: { ...common, hiddenUnits: [16], latentDim: 2 },
    fingerprint: async (c) => Array.from((await sample(c)).data),
  },
  {
    name: 'gan',
    make: (o) => new GANClient(o) as unknown as AnyClient,
    options: { ...common, generatorUnits: [16], discriminatorUnits: [16], noiseDim: 2 },
    fingerprint: async (c) => Array.from((await sample(c)).data),
  },
  {
    name: 'autoencoder',
    make: (o) => new AutoencoderClient(o) as unknown as AnyClient,
    options: { ...common, hiddenUnits: [16], codeSize: 2 },
    fingerprint: encode,
  },
  {
    name: 'sparse coding',
    make: (o) => new SparseCodingClient(o) as unknown as AnyClient,
    options: { ...common, atoms: 16, patchSize: 4 },
    fingerprint: encode,
    // FISTA on the software GPUs here takes minutes; its GPU paths are covered by useSparseCoding's tests.
    backends: ['wasm'],
  },
  {
    name: 'k-means',
    make: (o) => new KMeansClient(o) as unknown as AnyClient,
    options: { ...common, k: 4, algorithm: 'minibatch' },
    fingerprint: async (c) => {
      const assign = c.assignAsync as (images: unknown) => Promise<{ distances: Float32Array }>
      return Array.from((await assign(image)).distances)
    },
  },
  {
    name: 'dec',
    make: (o) => new DECClient(o) as unknown as AnyClient,
    options: {
      ...common,
      clusters: 4,
      hiddenUnits: [16],
      codeSize: 3,
      refineSteps: 4,
      kmeansRuns: 1,
    },
    fingerprint: async (c) => {
      const soft = c.softAssignAsync as (images: unknown) => Promise<{ data: Float32Array }>
      return Array.from((await soft(image)).data)
    },
  },
  {
    name: 'hashing',
    make: (o) => new HashingClient(o) as unknown as AnyClient,
    options: { ...common, bits: 12, hiddenUnits: [16] },
    fingerprint: async (c) => {
      const hash = c.hashAsync as (images: unknown) => Promise<{ codes: Uint32Array }>
      return Array.from((await hash(image)).codes)
    },
  },
  {
    name: 'helmholtz',
    make: (o) => new HelmholtzClient(o) as unknown as AnyClient,
    options: { ...common, layers: [16, 4] },
    fingerprint: async (c) => {
      const logLikelihood = c.logLikelihoodAsync as (
        images: unknown,
        options: object,
      ) => Promise<{ logLikelihoods: Float32Array }>
      return Array.from((await logLikelihood(image, { samples: 5, seed: 1 })).logLikelihoods)
    },
  },
  {
    name: 'pca',
    make: (o) => new PCAClient(o) as unknown as AnyClient,
    options: { ...common, nComponents: 4 },
    fingerprint: async (c) => {
      const transform = c.transformAsync as (images: unknown) => Promise<{ data: Float32Array }>
      return Array.from((await transform(image)).data)
    },
  },
  {
    name: 'rbm',
    make: (o) => new RBMClient(o) as unknown as AnyClient,
    options: { ...common, layers: [16] },
    fingerprint: async (c) => {
      const freeEnergy = c.freeEnergyAsync as (images: unknown) => Promise<Float32Array>
      return Array.from(await freeEnergy(image))
    },
  },
  {
    name: 'autoregressive',
    make: (o) => new AutoregressiveClient(o) as unknown as AnyClient,
    options: { ...common, hiddenUnits: [16] },
    fingerprint: async (c) => {
      const logLikelihood = c.logLikelihoodAsync as (
        images: unknown,
      ) => Promise<{ logLikelihoods: Float32Array }>
      return Array.from((await logLikelihood(image)).logLikelihoods)
    },
  },
  {
    name: 'contrastive',
    make: (o) => new ContrastiveClient(o) as unknown as AnyClient,
    options: { ...common, hiddenUnits: [16], featureSize: 8, headUnits: [8] },
    fingerprint: async (c) => {
      const encode = c.encodeAsync as (images: unknown) => Promise<{ data: Float32Array }>
      return Array.from((await encode(image)).data)
    },
  },
  {
    name: 'pretext',
    make: (o) => new PretextClient(o) as unknown as AnyClient,
    options: { ...common, task: 'rotation', hiddenUnits: [16], featureSize: 8, headUnits: [8] },
    fingerprint: async (c) => {
      const encode = c.encodeAsync as (images: unknown) => Promise<{ data: Float32Array }>
      return Array.from((await encode(image)).data)
    },
  },
]

// A different death on each backend; all four are run on WASM by the worker fault suite.
const CASES: readonly { backend: string; fault: Fault }[] = [
  { backend: 'webgl', fault: 'throw' },
  { backend: 'webgpu', fault: 'close' },
  { backend: 'wasm', fault: 'hang' },
]

const unsubscribers: (() => void)[] = []
afterEach(() => {
  for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
  configureWorkerSupervision({})
})

describe('a worker that dies on any backend', () => {
  test.each(CASES)(
    '$backend, $fault: every family in it is restored with the same weights and trains on',
    async ({ backend, fault }) => {
      // A short heartbeat only where the fault is a hang: software GPUs block the worker for seconds.
      if (fault === 'hang') {
        configureWorkerSupervision({ heartbeatIntervalMs: 100, unresponsiveAfterMs: 1500 })
      }
      const { createWorker, workers, inject } = faultyWorkerFactory()
      const families = FAMILIES.filter((f) => (f.backends ?? [backend]).includes(backend))
      const models = families.map((family) => {
        const client = family.make({ ...family.options, backend, createWorker })
        unsubscribers.push(client.subscribe(() => {}))
        return { family, client }
      })
      const before: { steps: number; print: string }[] = []
      for (const { family, client } of models) {
        await client.trainAsync()
        const steps = client.getSnapshot().model?.trainedSteps ?? 0
        expect(steps, family.name).toBeGreaterThan(0)
        before.push({ steps, print: JSON.stringify(await family.fingerprint(client)) })
      }
      expect(workers).toHaveLength(1)

      inject(fault)
      const first = models[0]
      if (fault === 'hang' && first) {
        // An idle hung worker harms no one; the first call to it is what the heartbeat watches.
        await expect(first.family.fingerprint(first.client)).rejects.toMatchObject({
          code: 'WORKER_CRASHED',
        })
      }
      await waitFor(
        () =>
          workers.length === 2 &&
          models.every(({ client }) => client.getSnapshot().status === 'ready'),
        20_000,
      )
      for (const [index, { family, client }] of models.entries()) {
        const { error, model } = client.getSnapshot()
        expect(error?.code, family.name).toBe('WORKER_CRASHED')
        expect(error?.details?.restoredStep, family.name).toBe(before[index]?.steps)
        expect(model?.trainedSteps, family.name).toBe(before[index]?.steps)
        expect(JSON.stringify(await family.fingerprint(client)), family.name).toBe(
          before[index]?.print,
        )
      }
      // Each trains on in the new worker, from its restored step; that clears the error.
      for (const [index, { family, client }] of models.entries()) {
        await client.trainAsync()
        expect(client.getSnapshot().error, family.name).toBeUndefined()
        expect(client.getSnapshot().model?.trainedSteps, family.name).toBeGreaterThan(
          before[index]?.steps ?? 0,
        )
      }
      expect(workers).toHaveLength(2)
    },
    300_000,
  )
})
