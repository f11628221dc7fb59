/** Story helpers: the model's status line and the training buttons, shared by the model stories. */
import type { ModelState, ModelStatus } from '../src/client/modelState'

/** The parts of any model hook's result the status and error lines read. */
type ModelStateLike = Pick<ModelState<unknown>, 'status' | 'backend' | 'progress' | 'error'>

/** What the training buttons need from any model hook's result. */
interface TrainableModel {
  readonly status: ModelStatus
  readonly model: { readonly trainedSteps: number } | undefined
  train(): Promise<unknown>
  pause(): Promise<void>
  resume(): Promise<void>
  stop(): Promise<void>
  reset(): Promise<void>
}

export function ModelStatusLine({
  vae,
  unit = 'images',
}: {
  vae: ModelStateLike
  /** What one training sample is called in the throughput. */
  unit?: string
}) {
  const progress = vae.progress
  return (
    <p role="status" data-testid="model-status" style={{ margin: 0, fontSize: 13 }}>
      <strong>{vae.status}</strong>
      {vae.backend ? ` on ${vae.backend.name}` : ''}
      {progress && progress.kernels !== 'tfjs' ? ` (fused kernels, ${progress.kernels})` : ''}
      {progress
        ? ` · epoch ${progress.epoch}/${progress.epochs} · step ${progress.step} · ${Math.round(progress.samplesPerSecond)} ${unit}/s`
        : ''}
      {vae.backend?.skipped.length ? (
        <span style={{ color: '#6b7280' }}>
          {' '}
          (skipped: {vae.backend.skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')})
        </span>
      ) : null}
    </p>
  )
}

export function TrainingButtons({ vae }: { vae: TrainableModel }) {
  const busy = vae.status === 'training' || vae.status === 'paused' || vae.status === 'loading'
  const ignore = (): void => undefined
  return (
    <div className="lk-demo__toolbar">
      <button type="button" onClick={() => vae.train().catch(ignore)} disabled={busy}>
        {vae.model?.trainedSteps ? 'Train more' : 'Train'}
      </button>
      {vae.status === 'paused' ? (
        <button type="button" onClick={() => void vae.resume()}>
          Resume
        </button>
      ) : (
        <button type="button" onClick={() => void vae.pause()} disabled={vae.status !== 'training'}>
          Pause
        </button>
      )}
      <button type="button" onClick={() => void vae.stop()} disabled={!busy}>
        Stop
      </button>
      <button type="button" onClick={() => void vae.reset()}>
        Reset
      </button>
    </div>
  )
}

export function ErrorLine({ vae }: { vae: Pick<ModelStateLike, 'error'> }) {
  return vae.error ? (
    <p className="lk-demo__error" role="alert">
      {vae.error.code}: {vae.error.message}
    </p>
  ) : null
}
