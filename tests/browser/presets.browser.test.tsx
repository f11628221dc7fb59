/**
 * Shipped presets in a real worker: every preset loads at mount into a client of its family, with
 * trained counters and an action that answers; a hook with a preset draws samples without training,
 * trains on from them, and `reset()` forgets them; a preset name the family lacks is INVALID_OPTION.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import {
  AutoencoderClient,
  AutoregressiveClient,
  ContrastiveClient,
  DECClient,
  HelmholtzClient,
  PretextClient,
  GANClient,
  HashingClient,
  KMeansClient,
  RBMClient,
  SparseCodingClient,
  VAEClient,
} from '../../src/client/builtinClients'
import { SampleGrid } from '../../src/components/SampleGrid'
import { loadDigits } from '../../src/data/digits'
import { PRESETS } from '../../src/presets/presetCatalog'
import { useVAE } from '../../src/react/useVAE'
import { canvasPixels, distinctLevels, waitFor } from './workerSpy'

const unsubscribes: (() => void)[] = []
afterEach(async () => {
  for (const unsubscribe of unsubscribes.splice(0)) unsubscribe()
  await cleanup()
})

const probeImages = (size: number) =>
  size === 8
    ? loadDigits({ limit: 4 }).images
    : { data: new Float32Array(4 * size * size).fill(0.2), shape: [4, size, size, 1] as const }

/** A client of each family with `preset`, and one action that needs a trained model. */
const FAMILIES: Record<
  string,
  (preset: string) => {
    client: {
      subscribe(l: () => void): () => void
      getSnapshot(): {
        status: string
        model?: { trainedSteps: number; imageShape?: readonly number[] }
      }
    }
    act: () => Promise<{ readonly data: Float32Array } | Float32Array>
  }
> = {
  vae: (preset) => {
    const client = new VAEClient({ preset, backend: 'wasm' })
    return { client, act: () => client.sampleAsync(4, { seed: 1 }) }
  },
  gan: (preset) => {
    const client = new GANClient({ preset, backend: 'wasm' })
    return {
      client,
      // The InfoGAN preset also answers with Q's reading of its own samples.
      act: async () => {
        const samples = await client.sampleAsync(4, { seed: 1 })
        return preset.startsWith('infogan-')
          ? (await client.inferCodesAsync(samples)).probabilities
          : samples
      },
    }
  },
  rbm: (preset) => {
    const client = new RBMClient({ preset, backend: 'wasm' })
    return { client, act: () => client.sampleAsync(4, { seed: 1, steps: 20 }) }
  },
  sparse: (preset) => {
    const client = new SparseCodingClient({ preset, backend: 'wasm' })
    return { client, act: async () => (await client.readDictionaryAsync()).atoms }
  },
  kmeans: (preset) => {
    const client = new KMeansClient({ preset, backend: 'wasm' })
    return { client, act: () => client.featuresAsync(probeImages(8)) }
  },
  autoregressive: (preset) => {
    const client = new AutoregressiveClient({ preset, backend: 'wasm' })
    return { client, act: () => client.sampleAsync(4, { seed: 1 }) }
  },
  contrastive: (preset) => {
    const client = new ContrastiveClient({ preset, backend: 'wasm' })
    return { client, act: () => client.encodeAsync(probeImages(8)) }
  },
  pretext: (preset) => {
    const client = new PretextClient({ preset, backend: 'wasm' })
    return {
      client,
      act: async () =>
        (
          await client.predictAsync(
            (await client.makeTaskAsync(4, { seed: 1, data: probeImages(8) })).inputs,
          )
        ).probabilities,
    }
  },
  dec: (preset) => {
    const client = new DECClient({ preset, backend: 'wasm' })
    return { client, act: async () => (await client.assignAsync(probeImages(8))).confidence }
  },
  helmholtz: (preset) => {
    const client = new HelmholtzClient({ preset, backend: 'wasm' })
    return { client, act: () => client.sampleAsync(4, { seed: 1 }) }
  },
  hashing: (preset) => {
    const client = new HashingClient({ preset, backend: 'wasm' })
    return {
      client,
      act: async () => Float32Array.from((await client.hashAsync(probeImages(8))).codes),
    }
  },
  autoencoder: (preset) => {
    const client = new AutoencoderClient({ preset, backend: 'wasm' })
    return {
      client,
      act: () =>
        client.reconstructAsync(probeImages(client.getSnapshot().model?.imageShape?.[0] ?? 28)),
    }
  },
}

describe('shipped presets', () => {
  test.each(PRESETS.map((p) => [`${p.kind}/${p.name}`, p] as const))(
    '%s loads at mount, trained, and answers',
    async (_, preset) => {
      const make = FAMILIES[preset.kind]
      expect(make, `a client for ${preset.kind}`).toBeDefined()
      const { client, act } = make!(preset.name)
      unsubscribes.push(client.subscribe(() => {}))
      await waitFor(
        () => client.getSnapshot().status !== 'loading' && client.getSnapshot().status !== 'idle',
        30_000,
      )
      expect(client.getSnapshot().status).toBe('ready')
      expect(client.getSnapshot().model?.trainedSteps).toBeGreaterThan(0)
      const result = await act()
      const values = result instanceof Float32Array ? result : result.data
      expect(values.length).toBeGreaterThan(0)
      expect(values.every(Number.isFinite)).toBe(true)
    },
  )

  test('a hook with a preset draws samples at mount, trains on, and reset() forgets it', async () => {
    let hook: ReturnType<typeof useVAE> | undefined
    function Demo() {
      const vae = useVAE({
        preset: 'digits',
        data: { name: 'digits', limit: 256 },
        epochs: 1,
        backend: 'wasm',
      })
      hook = vae
      return <SampleGrid model={vae} rows={2} columns={4} data-testid="grid" />
    }
    const started = performance.now()
    const screen = await render(<Demo />)
    await waitFor(() => hook?.status === 'ready', 30_000)
    const loadedAt = performance.now() - started
    expect(loadedAt).toBeLessThan(30_000)
    const steps = hook?.model?.trainedSteps ?? 0
    expect(steps).toBeGreaterThan(0)
    const canvas = () => screen.container.querySelector('canvas') as HTMLCanvasElement | null
    await waitFor(() => canvas() !== null && distinctLevels(canvasPixels(canvas()!)) > 8)

    // A loaded model has its hook's data: actions that default to the training data work at once.
    expect(await hook!.calibrateAsync({ percentile: 95 })).toBeGreaterThan(0)

    const summary = await hook!.trainAsync()
    expect(summary?.model.trainedSteps).toBe(steps + 4)
    await hook!.resetAsync()
    expect(hook!.status).toBe('idle')
    expect(hook!.model?.trainedSteps ?? 0).toBe(0)
  })

  test('a preset the family lacks is INVALID_OPTION naming the ones it has', async () => {
    const client = new VAEClient({ preset: 'nope', backend: 'wasm' })
    unsubscribes.push(client.subscribe(() => {}))
    client.setOptions({ preset: 'nope', backend: 'wasm' })
    await waitFor(() => client.getSnapshot().error !== undefined)
    const error = client.getSnapshot().error
    expect(error?.code).toBe('INVALID_OPTION')
    expect(error?.message).toMatch(/'digits', 'sprites'/)
    expect(client.getSnapshot().status).not.toBe('ready')
  })
})
