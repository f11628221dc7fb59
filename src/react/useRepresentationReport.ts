'use client'
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import {
  RepresentationReportClient,
  type ReportClientOptions,
  type RepresentationReportState,
} from '../client/reportClient'

/** Options of {@link useRepresentationReport}: the worker the probes run in (default: the shared one). */
export type UseRepresentationReportOptions = ReportClientOptions

/**
 * What {@link useRepresentationReport} returns: the state snapshot (`status`, `rows` filling in as
 * cells complete, `report`, `progress`, `error`) and stable actions: `run` (never rejects: a failure
 * goes to `error`), `runAsync` (rejects with the typed error) and `cancel`.
 */
export type UseRepresentationReportResult = RepresentationReportState &
  Pick<RepresentationReportClient, 'run' | 'runAsync' | 'cancel'>

/**
 * The few-labels report: how well a linear probe does on each encoder's features with 1, 5, 10, 50
 * and all labels per class, over seeded draws. The encoders are the page's own models (any with an
 * `encode`), or raw pixels; the probes fit in the shared worker, one encoder after another.
 *
 * ```tsx
 * const vae = useVAE({ preset: 'digits', data: 'digits' })
 * const report = useRepresentationReport()
 * const encoders = [rawPixelsEncoder, { name: 'VAE', encode: (x) => vae.encodeAsync(x) }]
 * // in a click handler: report.run(digits.images, digits.labels, encoders, { draws: 5 })
 * return <RepresentationReport rows={report.rows} labelsPerClass={report.labelsPerClass} />
 * ```
 */
export function useRepresentationReport(
  options: UseRepresentationReportOptions = {},
): UseRepresentationReportResult {
  const [client] = useState(() => new RepresentationReportClient(options))
  const state = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot)
  useEffect(() => {
    client.setOptions(options)
  }, [client, options])
  return useMemo(
    () => ({ ...state, run: client.run, runAsync: client.runAsync, cancel: client.cancel }),
    [state, client],
  )
}
