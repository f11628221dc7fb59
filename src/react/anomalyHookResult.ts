import type { DataInput } from '../core/dataset'
import type { AnomalyScores, ScoreOptions } from '../core/anomaly/anomalyScoring'
import type { ClientCalibrateOptions } from '../client/anomalyActions'

/** What the hooks of reconstruction models (`useVAE`, `useAutoencoder`) offer for anomaly detection. */
export interface AnomalyHookResult {
  /** The anomaly threshold, once calibrated or set (undefined before). */
  readonly threshold: number | undefined
  /**
   * Scores `images`: per-pixel error maps under the model's likelihood (smoothed), one score per
   * image (the mean of the top 5 % of its map by default) and, once calibrated, which are above the
   * threshold.
   */
  score(images: DataInput, options?: ScoreOptions): Promise<AnomalyScores>
  /**
   * Sets the threshold to a percentile (default the 99th) of the scores of normal images — by default
   * the training data — and returns it.
   */
  calibrate(options?: ClientCalibrateOptions): Promise<number | undefined>
  /** Sets the threshold by hand: a finite number ≥ 0 (`INVALID_OPTION` otherwise). */
  setThreshold(value: number): Promise<void>
}
