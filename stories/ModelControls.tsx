/** Story helper: the training buttons, shared by the model stories (status lines are `TrainingStatus`). */
import type { ModelStatus } from '../src/client/modelState'

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

export function TrainingButtons({ vae }: { vae: TrainableModel }) {
  const busy = vae.status === 'training' || vae.status === 'paused' || vae.status === 'loading'
  // Plain actions never reject (a failure goes to the hook's `error`), so they go straight to onClick.
  return (
    <div className="lk-demo__toolbar">
      <button type="button" onClick={vae.train} disabled={busy}>
        {vae.model?.trainedSteps ? 'Train more' : 'Train'}
      </button>
      {vae.status === 'paused' ? (
        <button type="button" onClick={vae.resume}>
          Resume
        </button>
      ) : (
        <button type="button" onClick={vae.pause} disabled={vae.status !== 'training'}>
          Pause
        </button>
      )}
      <button type="button" onClick={vae.stop} disabled={!busy}>
        Stop
      </button>
      <button type="button" onClick={vae.reset}>
        Reset
      </button>
      <button
        type="button"
        onClick={() => void vae.reset().then(() => vae.train())}
        disabled={busy || !vae.model?.trainedSteps}
      >
        Train from scratch
      </button>
    </div>
  )
}
