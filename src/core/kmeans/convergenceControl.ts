/** A training control that also ends the loop once a model has converged. Pure TypeScript. */
import { TrainingControl } from '../trainingControl'

/**
 * Wraps the caller's control: pause, resume, holds and stop still come from it, and
 * {@link ConvergenceControl.converge} ends the loop at the next step boundary as a stop would,
 * without the caller's control being stopped.
 */
export class ConvergenceControl extends TrainingControl {
  private done = false

  constructor(private readonly outer: TrainingControl) {
    super()
  }

  /** Ends the loop at the next step boundary. */
  converge(): void {
    this.done = true
  }

  /** True once converged. */
  get converged(): boolean {
    return this.done
  }

  override get stopRequested(): boolean {
    return this.done || this.outer.stopRequested
  }

  override waitWhilePaused(): Promise<void> {
    return this.outer.waitWhilePaused()
  }
}
