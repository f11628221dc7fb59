import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { TrainingStatus } from '../../src/components/TrainingStatus'
import { useVAE } from '../../src/react/useVAE'
import { waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

function LiveStatus() {
  const vae = useVAE({
    data: { name: 'digits', limit: 256 },
    backend: 'wasm',
    epochs: 2,
    batchSize: 64,
    autoTrain: true,
  })
  return <TrainingStatus model={vae} unit="images" data-testid="status" />
}

describe('TrainingStatus with a real hook in Chromium', () => {
  test('useVAE trains in the worker: the bar fills to the run’s steps and the line says where it ran', async () => {
    const screen = await render(<LiveStatus />)
    const root = screen.getByTestId('status').element()
    await waitFor(() => root.getAttribute('data-lk-status') === 'ready', 60_000)
    // 256 digits at batch 64: 4 steps per epoch, 8 in the run.
    const bar = screen.getByRole('progressbar', { name: 'Training' })
    await expect.element(bar).toHaveAttribute('aria-valuenow', '8')
    await expect.element(bar).toHaveAttribute('aria-valuemax', '8')
    expect(root.querySelector('.lk-training-status__summary')?.textContent).toMatch(
      /^ready on wasm( \(fused kernels, wasm-[\w-]+\))? · epoch 2\/2 · step 8 of 8 · [\d,.]+ images\/s · took /,
    )
    expect(screen.getByRole('status').element().textContent).toBe('Training complete after 8 steps')
  })
})
