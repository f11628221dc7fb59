/** Story helper: a self-supervised model's task charts and its linear probe on the digits. */
import { useEffect, useMemo, useState } from 'react'
import { LossChart } from '../src/components/LossChart'
import type {
  HistoryPointLike,
  LossChartHistory,
  LossSeries,
} from '../src/components/lossChartGeometry'
import type { ModelStatus } from '../src/client/modelState'
import type { ProbeResult } from '../src/core/probe/probeOptions'
import { loadDigits, type DigitsDataset } from '../src/data/digits'

/** What the panel needs from `useContrastive` or `usePretext`. */
interface ProbedModel<Point extends HistoryPointLike> {
  readonly status: ModelStatus
  readonly history: LossChartHistory<Point>
  readonly modelVersion: number
  probe(
    images: DigitsDataset['images'],
    labels: DigitsDataset['labels'],
    options: { labelsPerClass: number },
  ): Promise<ProbeResult | undefined>
}

/**
 * The task's loss and accuracy charts, and — each time a model is ready — the held-out accuracy of a
 * linear probe with 10 labels per digit on the encoder's features.
 */
export function ProbedTaskCharts<Point extends HistoryPointLike>(props: {
  model: ProbedModel<Point>
  loss: readonly LossSeries[]
  accuracy: readonly LossSeries[]
  accuracyTitle: string
}) {
  const { model, loss, accuracy, accuracyTitle } = props
  const [probe, setProbe] = useState<number | undefined>()
  const digits = useMemo(() => loadDigits(), [])
  const { status, probe: runProbe, modelVersion } = model
  useEffect(() => {
    if (status !== 'ready') return
    let live = true
    void runProbe(digits.images, digits.labels, { labelsPerClass: 10 }).then(
      (result) => live && result && setProbe(result.accuracy),
    )
    return () => {
      live = false
    }
  }, [status, modelVersion, runProbe, digits])
  return (
    <section className="lk-demo__panel">
      <LossChart history={model.history} series={loss} width={420} height={140} />
      <LossChart
        history={model.history}
        series={accuracy}
        width={420}
        height={140}
        title={accuracyTitle}
      />
      <p style={{ fontSize: 12 }} data-testid="probe-summary">
        {probe === undefined
          ? 'Linear probe after training…'
          : `Linear probe on the encoder's features, 10 labels per digit: ${(100 * probe).toFixed(1)} % held-out accuracy`}
      </p>
    </section>
  )
}
