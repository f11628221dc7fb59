// The Chromium rows of `npm run bench`'s convolutional table: bench/browser/convSteps.bench.ts's
// figures (the fused steps on a page, interleaved with PyTorch's step as in Node).

const NAMES = {
  gan: 'conv GAN: D step + G step',
  ae: 'conv autoencoder',
}
const SHORT_NAMES = { gan: 'the GAN step', ae: 'the autoencoder step' }

/**
 * Table rows (the conv table's seven columns), one per model: the fused step on the page with the
 * register block the kernels chose there, beside PyTorch on one thread in the same rounds. None
 * without the figures.
 * @param {any} browserConv bench/report.browser-conv.json, or undefined
 * @param {(value: number, digits?: number) => string} fmt
 * @returns {string[]}
 */
export function chromiumConvRows(browserConv, fmt) {
  if (!browserConv) return []
  const chrome = browserConv.userAgent.match(/Chrome\/(\d+)/)?.[0] ?? 'Chromium'
  const withTorch = typeof browserConv.torch === 'object'
  return browserConv.rows.map(({ model, times }) => {
    const torch = withTorch ? times.theirs[1] : undefined
    const r = withTorch ? times.wallRatios[1] : undefined
    const ratio = r ? `**${fmt(r.median, 2)}×** (${fmt(r.min, 2)}–${fmt(r.max, 2)})` : 'n/a'
    return `| ${NAMES[model]}, fused kernels in ${chrome} (engine on a page, one thread, ${browserConv.build} build, ${browserConv.tileRows}-row blocks: the kernels’ choice there) | ${fmt(times.ours.wallMs, 1)} | ${torch ? fmt(torch.wallMs, 1) : 'n/a'} | — | — | ${ratio} | n/a |`
  })
}

/**
 * What the Chromium rows are and the register blocks' A/B per model, under the table; none without
 * the figures.
 * @param {any} browserConv
 * @param {(value: number, digits?: number) => string} fmt
 * @returns {string[]}
 */
export function chromiumConvNote(browserConv, fmt) {
  if (!browserConv) return []
  const { rounds, stepsPerRound, warmSteps } = browserConv.rows[0]?.times ?? {}
  const blocks = browserConv.rows
    .map(({ model, times }) => {
      const r = times.wallRatios[0]
      return `${SHORT_NAMES[model]} ${fmt(times.theirs[0].wallMs, 1)} ms, ${fmt(r.median, 2)}× the chosen height's time (${fmt(r.min, 2)}–${fmt(r.max, 2)})`
    })
    .join('; ')
  return [
    `Chromium rows: the same fused step (bench/convModelStep.ts) on a page in the Chromium part of this run, interleaved with ${typeof browserConv.torch === 'object' ? `PyTorch ${browserConv.torch.torch}'s step (one thread, its heap kept, the same step server run by Vitest beside the page: bench/torchCommands.ts)` : `nothing else (PyTorch: ${browserConv.torch})`} and with the same step on the other register-block height of the products (tileRows.ts), in ${rounds ?? '?'} rounds of ${stepsPerRound ?? '?'} steps, ${warmSteps ?? '?'} untimed steps before each; wall clock only (a page has no CPU clock). With ${browserConv.otherTileRows}-row blocks: ${blocks}.`,
    '',
  ]
}
