/**
 * ModelFiles with a real useVAE in Chromium: save lists the model, Download hands over a file that
 * imports back, a bad dropped file shows its code and keeps the model, Delete empties the list.
 */
import { afterAll, afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { userEvent } from 'vitest/browser'
import { ModelFiles } from '../../src/components/ModelFiles'
import { useVAE } from '../../src/react/useVAE'
import { VAEClient } from '../../src/client/builtinClients'
import { waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

afterAll(async () => {
  const client = new VAEClient({})
  const unsubscribe = client.subscribe(() => {})
  await client.removeSavedModel('indexeddb://component-test-vae')
  unsubscribe()
})

function Files() {
  const vae = useVAE({
    data: { name: 'digits', limit: 128 },
    backend: 'wasm',
    epochs: 1,
    batchSize: 32,
    autoTrain: true,
  })
  return (
    <>
      <p data-testid="hook" data-status={vae.status} data-steps={vae.model?.trainedSteps ?? 0} />
      <ModelFiles model={vae} defaultName="component-test-vae" data-testid="files" />
    </>
  )
}

/** Drops `file` on the drop zone, as a drag from the desktop would. */
function dropFile(zone: Element, file: File): void {
  const transfer = new DataTransfer()
  transfer.items.add(file)
  zone.dispatchEvent(
    new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
  )
}

describe('ModelFiles with a real hook', () => {
  test('save, download, import, a refused file, delete', async () => {
    const created: Blob[] = []
    const createObjectURL = URL.createObjectURL.bind(URL)
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      if (blob instanceof Blob) created.push(blob)
      return createObjectURL(blob)
    }
    try {
      const screen = await render(<Files />)
      const root = screen.getByTestId('files').element()
      const hook = screen.getByTestId('hook').element()
      const shown = () => ({
        status: hook.getAttribute('data-status'),
        trainedSteps: Number(hook.getAttribute('data-steps')),
      })
      const save = screen.getByRole('button', { name: 'Save in this browser' })
      await expect.element(save).toBeDisabled()
      await waitFor(() => shown().status === 'ready', 60_000)
      await expect.element(save).toBeEnabled()

      await userEvent.click(save)
      await expect
        .element(screen.getByText('Saved as “component-test-vae” in this browser.'))
        .toBeVisible()
      const steps = shown().trainedSteps
      expect(steps).toBeGreaterThan(0)
      const row = root.querySelector('tr[data-lk-url="indexeddb://component-test-vae"]')
      expect(row?.textContent).toMatch(
        new RegExp(`vae · ${shown().trainedSteps} steps · [\\d.]+ KB`),
      )

      await userEvent.click(screen.getByRole('button', { name: 'Download' }))
      await waitFor(() => created.length === 1)
      const downloaded = created[0] as File
      expect(downloaded.name).toBe(`vae-${shown().trainedSteps}-steps.lkmodel`)

      const zone = screen.getByRole('button', { name: /Import a \.lkmodel file/ }).element()
      dropFile(zone, new File(['not a model'], 'notes.txt'))
      const alert = screen.getByRole('alert')
      await expect
        .element(alert)
        .toHaveTextContent(/INVALID_MODEL_FILE: 'notes\.txt' is not a latentkit model file/)
      // The hook's error says the same; its trained model is kept.
      expect(shown().trainedSteps).toBe(steps)

      dropFile(zone, new File([downloaded], 'mine.lkmodel'))
      await expect.element(screen.getByText('Loaded mine.lkmodel.')).toBeVisible()
      expect(root.querySelector('[role="alert"]')).toBeNull()

      await userEvent.click(screen.getByRole('button', { name: 'Delete component-test-vae' }))
      await expect.element(screen.getByText('No models saved in this browser yet.')).toBeVisible()
    } finally {
      URL.createObjectURL = createObjectURL
    }
  })
})
