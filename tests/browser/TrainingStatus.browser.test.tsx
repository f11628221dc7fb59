import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { TrainingStatus } from '../../src/components/TrainingStatus'
import {
  formatDuration,
  formatRate,
  splitHint,
  type TrainingStatusSource,
} from '../../src/components/trainingStatusText'

afterEach(async () => {
  await cleanup()
})

/** A third of a run: 400 of 1,160 steps in 32 s, so 760 steps at 80 ms each are left (60.8 s). */
function midTraining(overrides: Partial<TrainingStatusSource> = {}): TrainingStatusSource {
  return {
    status: 'training',
    backend: { name: 'wasm', skipped: [] },
    progress: {
      epoch: 14,
      epochs: 40,
      runStep: 400,
      runSteps: 1160,
      samplesPerSecond: 18_432.4,
      elapsedMs: 32_000,
      kernels: 'wasm-relaxed-simd',
    },
    error: undefined,
    ...overrides,
  }
}

const DIVERGED = {
  code: 'DIVERGED',
  message:
    'training diverged at step 412 (loss NaN); the weights from the start of epoch 14 were restored. Lower learningRate (now 0.05) or check the data scale',
} as const

describe('TrainingStatus in real Chromium', () => {
  test('a snapshot mid-training: the progress bar’s values, the fill, the step, rate and time left', async () => {
    const screen = await render(
      <TrainingStatus model={midTraining()} label="VAE training" unit="images" />,
    )
    const bar = screen.getByRole('progressbar', { name: 'VAE training' })
    await expect.element(bar).toHaveAttribute('aria-valuemin', '0')
    await expect.element(bar).toHaveAttribute('aria-valuemax', '1160')
    await expect.element(bar).toHaveAttribute('aria-valuenow', '400')
    await expect
      .element(bar)
      .toHaveAttribute('aria-valuetext', 'step 400 of 1,160 (34%), 1 min 1 s left')

    const fill = bar.element().firstElementChild as HTMLElement
    const ratio = fill.getBoundingClientRect().width / bar.element().getBoundingClientRect().width
    expect(ratio).toBeCloseTo(400 / 1160, 2)

    const summary = screen.container.querySelector('.lk-training-status__summary')
    expect(summary?.textContent).toBe(
      'training on wasm (fused kernels, wasm-relaxed-simd) · epoch 14/40 · step 400 of 1,160 · 18,432 images/s · 1 min 1 s left',
    )
    expect(screen.container.querySelector('.lk-training-status__error')).toBeNull()
  })

  test('an error shows its code, the message and the hint split from it; the live region says it', async () => {
    const screen = await render(
      <TrainingStatus
        model={midTraining({ status: 'error', error: DIVERGED })}
        data-testid="status"
      />,
    )
    const root = screen.getByTestId('status')
    await expect.element(root).toHaveAttribute('data-lk-status', 'error')
    const code = root.element().querySelector('.lk-training-status__code')
    expect(code?.textContent).toBe('DIVERGED')
    expect(root.element().querySelector('.lk-training-status__message')?.textContent).toBe(
      'training diverged at step 412 (loss NaN); the weights from the start of epoch 14 were restored',
    )
    expect(root.element().querySelector('.lk-training-status__hint')?.textContent).toBe(
      'Lower learningRate (now 0.05) or check the data scale',
    )
    await expect
      .element(screen.getByRole('status'))
      .toHaveTextContent(/^Training failed: DIVERGED: training diverged at step 412/)
  })

  test('the live region changes with the status, not with every progress update', async () => {
    const screen = await render(<TrainingStatus model={midTraining()} />)
    const live = screen.getByRole('status').element()
    expect(live.textContent).toBe('Training in progress')
    let mutations = 0
    const observer = new MutationObserver((records) => (mutations += records.length))
    observer.observe(live, { childList: true, characterData: true, subtree: true })
    const base = midTraining().progress!
    for (let step = 401; step <= 420; step++) {
      await screen.rerender(
        <TrainingStatus
          model={midTraining({ progress: { ...base, runStep: step, elapsedMs: step * 80 } })}
        />,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(screen.getByRole('progressbar').element().getAttribute('aria-valuenow')).toBe('420')
    expect(mutations).toBe(0)

    await screen.rerender(<TrainingStatus model={midTraining({ status: 'paused' })} />)
    await new Promise((resolve) => setTimeout(resolve, 50))
    observer.disconnect()
    expect(mutations).toBeGreaterThan(0)
    expect(live.textContent).toBe('Training paused')
  })

  test('renderEmpty shows before anything happened; the default says so', async () => {
    const idle: TrainingStatusSource = { status: 'idle', progress: undefined, backend: undefined }
    const screen = await render(
      <TrainingStatus model={idle} renderEmpty={() => <b>Press Train to start</b>} />,
    )
    await expect.element(screen.getByText('Press Train to start')).toBeInTheDocument()
    expect(screen.container.querySelector('[role="progressbar"]')).toBeNull()
    await screen.rerender(<TrainingStatus model={idle} />)
    await expect.element(screen.getByText('Not trained yet.')).toBeInTheDocument()
  })

  test('user style goes over the layout; className keeps the lk- class', async () => {
    const screen = await render(
      <TrainingStatus
        model={midTraining()}
        className="mine"
        style={{ maxWidth: 300 }}
        data-testid="status"
      />,
    )
    const root = screen.getByTestId('status').element() as HTMLElement
    expect(root.className).toBe('lk-training-status lk-training-status--training mine')
    expect(getComputedStyle(root).display).toBe('grid')
    expect(getComputedStyle(root).maxWidth).toBe('300px')
  })
})

describe('TrainingStatus formatting', () => {
  test('durations, rates and hints', () => {
    expect(formatDuration(400)).toBe('< 1 s')
    expect(formatDuration(12_000)).toBe('12 s')
    expect(formatDuration(65_000)).toBe('1 min 5 s')
    expect(formatDuration(120_000)).toBe('2 min')
    expect(formatDuration(3_780_000)).toBe('1 h 3 min')
    expect(formatRate(1_234_567.8)).toBe('1,234,568')
    expect(formatRate(3.46)).toBe('3.5')
    expect(splitHint('count must be an integer ≥ 1; got 0')).toEqual({
      problem: 'count must be an integer ≥ 1; got 0',
    })
    expect(
      splitHint(
        "no TF.js backend could start (webgpu: none; webgl: try again); try backend: 'cpu'",
      ),
    ).toEqual({
      problem: 'no TF.js backend could start (webgpu: none; webgl: try again)',
      hint: "Try backend: 'cpu'",
    })
    expect(
      splitHint('cannot reset while training; stop() first and wait for train() to end'),
    ).toEqual({
      problem: 'cannot reset while training',
      hint: 'stop() first and wait for train() to end',
    })
    expect(
      splitHint(
        'the image is 8×8×1, the model takes 28×28×1; an array cannot be resized — pass a File',
      ).hint,
    ).toBe('Pass a File')
  })
})
