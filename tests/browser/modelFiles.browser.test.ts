/**
 * Save and load in a real worker: a model saved to IndexedDB comes back in another worker (as after a
 * page reload) and samples the same images; export and import through one file; bad files and wrong
 * families are refused with their codes while the hook's trained model stays as it was.
 */
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import {
  AutoencoderClient,
  GANClient,
  SparseCodingClient,
  VAEClient,
} from '../../src/client/builtinClients'
import { unwatchAll, watch } from './clientWatch'
import { countingWorkerFactory } from './workerSpy'

afterEach(unwatchAll)

const URL_A = 'indexeddb://latentkit-test-vae'
const URL_B = 'indexeddb://latentkit-test-autoencoder'
const URL_RESUME = 'indexeddb://latentkit-test-resume'

afterAll(async () => {
  // Leaves the origin's IndexedDB as it found it.
  const client = watch(new VAEClient({}))
  for (const url of [URL_A, URL_B, URL_RESUME]) await client.removeSavedModel(url)
})

async function trainedVAE(createWorker?: () => Worker): Promise<VAEClient> {
  const client = watch(
    new VAEClient({
      data: { name: 'digits', limit: 256 },
      backend: 'wasm',
      epochs: 2,
      batchSize: 32,
      latentDim: 4,
      hiddenUnits: [32],
      seed: 5,
      ...(createWorker ? { createWorker } : {}),
    }),
  )
  await client.trainAsync()
  return client
}

describe('save and load in a real worker', () => {
  test('saved to IndexedDB, loaded in another worker: same samples, counters and options; listed and removed', async () => {
    const source = await trainedVAE()
    const expected = await source.sampleAsync(6, { seed: 11 })
    const steps = source.getSnapshot().model?.trainedSteps
    const saved = await source.saveAsync(URL_A)
    expect(saved).toMatchObject({
      url: URL_A,
      kind: 'vae',
      trainedSteps: steps,
      imageShape: [8, 8, 1],
    })
    expect(saved?.weightBytes).toBeGreaterThan(1000)

    // Another worker, a hook with other options (as a fresh page with default options would have).
    const { createWorker, counts } = countingWorkerFactory()
    const target = watch(new VAEClient({ backend: 'wasm', createWorker }))
    const listed = await target.listSavedModelsAsync()
    expect(listed?.map((m) => m.url)).toContain(URL_A)
    const model = await target.loadAsync(URL_A)
    expect(counts.created).toBe(1)
    expect(model?.trainedSteps).toBe(steps)
    const state = target.getSnapshot()
    expect(state.status).toBe('ready')
    expect(state.model?.latentDim).toBe(4)
    const actual = await target.sampleAsync(6, { seed: 11 })
    expect(Array.from(actual.data)).toEqual(Array.from(expected.data))

    // The loaded model trains on.
    const summary = await target.trainAsync().catch((error: unknown) => error)
    expect(summary).toMatchObject({ code: 'INVALID_INPUT' }) // no data given to this hook yet
    target.setOptions({
      backend: 'wasm',
      createWorker,
      data: { name: 'digits', limit: 256 },
      epochs: 1,
    })
    const more = await target.trainAsync()
    expect(more?.model.trainedSteps).toBeGreaterThan(steps ?? 0)
    expect(target.getSnapshot().model?.latentDim).toBe(4)

    await target.removeSavedModelAsync(URL_A)
    expect((await target.listSavedModelsAsync())?.map((m) => m.url)).not.toContain(URL_A)
    await expect(target.loadAsync(URL_A)).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      details: { reason: 'not-found' },
    })
    // The failed load left the trained model in place.
    expect(target.getSnapshot().model?.trainedSteps).toBe(more?.model.trainedSteps)
    expect(target.getSnapshot().error?.code).toBe('STORAGE_FAILED')
  })

  test('export and import one file; bad files and other families are refused, the model unchanged', async () => {
    const source = await trainedVAE()
    const file = await source.exportModelAsync()
    expect(file.name).toMatch(/^vae-\d+-steps\.lkmodel$/)
    const bytes = new Uint8Array(await file.arrayBuffer())

    const target = await trainedVAE()
    await target.importModelAsync(file)
    const expected = await source.sampleAsync(4, { seed: 3 })
    expect(Array.from((await target.sampleAsync(4, { seed: 3 })).data)).toEqual(
      Array.from(expected.data),
    )

    const other = watch(
      new AutoencoderClient({
        data: { name: 'digits', limit: 128 },
        epochs: 1,
        codeSize: 4,
        backend: 'wasm',
      }),
    )
    await other.trainAsync()
    await other.saveAsync(URL_B)
    const autoencoderFile = await other.exportModelAsync()

    const corrupt = bytes.slice()
    corrupt[corrupt.length - 5] = (corrupt[corrupt.length - 5] as number) ^ 0xff
    const cases: [string, Blob, string][] = [
      ['truncated', new Blob([bytes.slice(0, bytes.length - 100)]), 'truncated'],
      ['corrupted', new Blob([corrupt]), 'corrupt'],
      ['not a model', new Blob(['{"not": "a model"}']), 'not-a-model'],
      ['another family', autoencoderFile, 'wrong-family'],
    ]
    for (const [, blob, reason] of cases) {
      await expect(target.importModelAsync(blob)).rejects.toMatchObject({
        code: 'INVALID_MODEL_FILE',
        details: { reason },
      })
      expect(target.getSnapshot().error?.details.reason).toBe(reason)
      expect(Array.from((await target.sampleAsync(4, { seed: 3 })).data)).toEqual(
        Array.from(expected.data),
      )
    }
    await expect(target.importModelAsync(file, { maxBytes: 100 })).rejects.toMatchObject({
      details: { reason: 'too-large' },
    })
    await expect(target.loadAsync(URL_B)).rejects.toMatchObject({
      code: 'INVALID_MODEL_FILE',
      details: { reason: 'wrong-family' },
    })
    // A GAN hook refuses the VAE too; an untrained hook cannot save or export.
    const gan = watch(new GANClient({ backend: 'wasm' }))
    await expect(gan.importModelAsync(file)).rejects.toMatchObject({
      details: { reason: 'wrong-family' },
    })
    await expect(gan.exportModelAsync()).rejects.toMatchObject({ code: 'NOT_TRAINED' })
    await expect(gan.saveAsync('indexeddb://never')).rejects.toMatchObject({ code: 'NOT_TRAINED' })
    await expect(target.saveAsync('https://example.com/upload')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    // The plain forms never reject: they resolve undefined and put the error in the state.
    expect(await target.load('indexeddb://nothing-here')).toBeUndefined()
    expect(target.getSnapshot().error?.code).toBe('STORAGE_FAILED')
  })

  test('a loaded model stands in for the hook options until those change', async () => {
    const source = await trainedVAE()
    const file = await source.exportModelAsync()
    const options = {
      backend: 'wasm' as const,
      data: { name: 'digits', limit: 128 } as const,
      latentDim: 2,
      epochs: 1,
    }
    const target = watch(new VAEClient(options))
    await target.importModelAsync(file)
    expect(target.getSnapshot().model?.latentDim).toBe(4)
    // The same options again (a re-render) keep the loaded model.
    target.setOptions({ ...options })
    expect(target.getSnapshot().model?.latentDim).toBe(4)
    // A real change of the hook's model options starts a fresh model with them.
    target.setOptions({ ...options, latentDim: 3 })
    await target.trainAsync()
    expect(target.getSnapshot().model?.latentDim).toBe(3)
  })

  const digits = { name: 'digits', limit: 192 } as const
  /** A client of each family the resume test covers, with `epochs` and a worker of its own when asked. */
  type ResumeClient = {
    subscribe(listener: () => void): () => void
    getSnapshot(): { history: readonly object[] }
    trainAsync(): Promise<unknown>
    saveAsync(url: string, options?: { training?: boolean }): Promise<unknown>
    loadAsync(url: string): Promise<unknown>
  }
  const RESUME_CASES: [string, (epochs: number, createWorker?: () => Worker) => ResumeClient][] = [
    [
      'VAE (fused kernels)',
      (epochs, createWorker) =>
        new VAEClient({
          data: digits,
          backend: 'wasm',
          epochs,
          batchSize: 32,
          latentDim: 4,
          hiddenUnits: [32],
          seed: 5,
          ...(createWorker ? { createWorker } : {}),
        }),
    ],
    [
      'GAN dense (fused kernels)',
      (epochs, createWorker) =>
        new GANClient({
          data: digits,
          backend: 'wasm',
          epochs,
          batchSize: 32,
          noiseDim: 4,
          generatorUnits: [32],
          discriminatorUnits: [32],
          seed: 5,
          ...(createWorker ? { createWorker } : {}),
        }),
    ],
    [
      'autoencoder',
      (epochs, createWorker) =>
        new AutoencoderClient({
          data: digits,
          backend: 'wasm',
          epochs,
          batchSize: 32,
          codeSize: 4,
          hiddenUnits: [32],
          seed: 5,
          ...(createWorker ? { createWorker } : {}),
        }),
    ],
    [
      'sparse coding',
      (epochs, createWorker) =>
        new SparseCodingClient({
          data: digits,
          backend: 'wasm',
          epochs,
          batchSize: 64,
          atoms: 16,
          seed: 5,
          ...(createWorker ? { createWorker } : {}),
        }),
    ],
  ]

  test.each(RESUME_CASES)(
    '%s: 2 epochs, save, load in another worker, 2 more = 4 epochs straight, bit for bit',
    async (_, make) => {
      const straight = watch(make(4))
      await straight.trainAsync()
      const all = straight.getSnapshot().history
      expect(all.length % 2).toBe(0)
      const first = watch(make(2))
      await first.trainAsync()
      expect(first.getSnapshot().history).toEqual(all.slice(0, all.length / 2))
      await first.saveAsync(URL_RESUME)
      const second = watch(make(2, countingWorkerFactory().createWorker))
      await second.loadAsync(URL_RESUME)
      await second.trainAsync()
      expect(second.getSnapshot().history).toEqual(all.slice(all.length / 2))
      // The weights alone (optimiser and random streams starting afresh) do not continue the same.
      await first.saveAsync(URL_RESUME, { training: false })
      const third = watch(make(2))
      await third.loadAsync(URL_RESUME)
      await third.trainAsync()
      expect(third.getSnapshot().history).not.toEqual(all.slice(all.length / 2))
    },
  )
})
