import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { SampleGrid } from '../../src/components/SampleGrid'
import type { UseVAEOptions, UseVAEResult } from '../../src/react/useVAE'
import { VAEPage } from './vaePage'
import { waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

/** The hook with a grid of its samples. */
function Page(props: { options: UseVAEOptions; onResult: (vae: UseVAEResult) => void }) {
  return (
    <VAEPage {...props}>
      {(vae) => <SampleGrid model={vae} rows={1} columns={4} seed={1} />}
    </VAEPage>
  )
}

const base: UseVAEOptions = {
  data: { name: 'digits', limit: 128 },
  backend: 'wasm',
  epochs: 1,
  batchSize: 32,
  seed: 4,
}

describe('bad options and errors, through the hook', () => {
  test('an invalid architecture option is refused and the trained model stays; a valid change replaces it', async () => {
    let vae: UseVAEResult | undefined
    const onResult = (v: UseVAEResult): void => {
      vae = v
    }
    const screen = await render(<Page options={base} onResult={onResult} />)
    await vae!.trainAsync()
    const steps = vae!.model?.trainedSteps ?? 0
    expect(steps).toBeGreaterThan(0)
    const before = await vae!.sampleAsync(2, { seed: 9 })

    for (const latentDim of [0, -1, 2.5, Number.NaN, 'abc' as unknown as number]) {
      await screen.rerender(<Page options={{ ...base, latentDim }} onResult={onResult} />)
      await waitFor(() => vae!.error?.code === 'INVALID_OPTION')
      expect(vae!.errorSource).toBe('options')
      expect(vae!.error?.message).toMatch(/latentDim/)
      expect(vae!.model?.trainedSteps).toBe(steps)
      // The grid keeps drawing from the kept model, and its success does not hide the error.
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(vae!.error?.code).toBe('INVALID_OPTION')
      const again = await vae!.sampleAsync(2, { seed: 9 })
      expect(Array.from(again.data)).toEqual(Array.from(before.data))
      // train() with the invalid option fails the same way and leaves the model as it was.
      expect(await vae!.train()).toBeUndefined()
      expect(vae!.model?.trainedSteps).toBe(steps)
    }

    // Back to the model's own options: the error goes, the model is the same one.
    await screen.rerender(<Page options={{ ...base }} onResult={onResult} />)
    await waitFor(() => vae!.error === undefined)
    expect(vae!.model?.trainedSteps).toBe(steps)
    expect(Array.from((await vae!.sampleAsync(2, { seed: 9 })).data)).toEqual(
      Array.from(before.data),
    )

    // A valid architecture change starts a fresh model.
    await screen.rerender(<Page options={{ ...base, latentDim: 3 }} onResult={onResult} />)
    await waitFor(() => vae!.model === undefined && vae!.status === 'idle')
  })

  test("a failed action's error is not cleared by a grid's successful re-sample", async () => {
    let vae: UseVAEResult | undefined
    const onResult = (v: UseVAEResult): void => {
      vae = v
    }
    await render(<Page options={base} onResult={onResult} />)
    await vae!.trainAsync()
    const version = vae!.modelVersion
    await vae!.interpolate(new Float32Array(3), new Float32Array(2), 4)
    expect(vae!.error?.code).toBe('SHAPE_MISMATCH')
    expect(vae!.errorSource).toBe('interpolate')
    // Training again makes the grid re-sample (a success of another action).
    await vae!.trainAsync()
    await waitFor(() => vae!.modelVersion > version)
    expect(vae!.error).toBeUndefined() // a new training run starts clean
    await vae!.interpolate(new Float32Array(3), new Float32Array(2), 4)
    await vae!.sample(4, { seed: 1 })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(vae!.error?.code).toBe('SHAPE_MISMATCH')
    const latentDim = vae!.model?.latentDim ?? 0
    await vae!.interpolate(new Float32Array(latentDim), new Float32Array(latentDim), 4)
    expect(vae!.error).toBeUndefined()
  })
})
