// The Chromium rows of `npm run bench`'s convolutional table (bench/browser/convSteps.bench.ts's
// figures), set beside PyTorch's step as the torch part measured it in the same run.

/** The Node row whose PyTorch time a Chromium model's row is compared with. */
const NODE_ROW = { gan: 'ganFusedStep', ae: 'autoencoderFusedStep' }
const NAMES = {
  gan: 'conv GAN: D step + G step',
  ae: 'conv autoencoder',
}
const SHORT_NAMES = { gan: 'the GAN step', ae: 'the autoencoder step' }

/**
 * Table rows (the conv table's seven columns) for the Chromium figures: per model, the step with the
 * register block the kernels chose there and with the other one, against PyTorch on one thread
 * (the Node row's median over its rounds). None without the figures.
 * @param {any} browserConv bench/report.browser-conv.json, or undefined
 * @param {readonly any[]} nodeRows the torch part's conv rows
 * @param {(value: number, digits?: number) => string} fmt
 * @returns {string[]}
 */
export function chromiumConvRows(browserConv, nodeRows, fmt) {
  if (!browserConv) return []
  const chrome = browserConv.userAgent.match(/Chrome\/(\d+)/)?.[0] ?? 'Chromium'
  return browserConv.rows.flatMap(({ model, times }) => {
    const torch = nodeRows.find((row) => row.key === NODE_ROW[model])?.times.theirs[0]?.wallMs
    const cells = (ms) =>
      `${fmt(ms, 1)} | ${fmt(torch, 1)} | — | — | ${torch === undefined ? 'n/a' : `**${fmt(torch / ms, 2)}×**`} | n/a |`
    const name = (rows) =>
      `${NAMES[model]}, fused kernels in ${chrome} (engine on the page, one thread, ${browserConv.build} build, ${rows}-row blocks${rows === browserConv.tileRows ? ': the kernels’ choice there' : ''})`
    return [
      `| ${name(browserConv.tileRows)} | ${cells(times.ours.wallMs)}`,
      `| ${name(browserConv.otherTileRows)} | ${cells(times.theirs[0].wallMs)}`,
    ]
  })
}

/**
 * The sentence under the table that says how the Chromium rows were measured, with the register
 * blocks' ratio per model; none without the figures.
 * @param {any} browserConv
 * @param {(value: number, digits?: number) => string} fmt
 * @returns {string[]}
 */
export function chromiumConvNote(browserConv, fmt) {
  if (!browserConv) return []
  const { rounds, stepsPerRound, warmSteps } = browserConv.rows[0]?.times ?? {}
  const ratios = browserConv.rows
    .map(
      ({ model, times: { wallRatio: r } }) =>
        `${SHORT_NAMES[model]} ${fmt(r.median, 2)}× (${fmt(r.min, 2)}–${fmt(r.max, 2)})`,
    )
    .join(', ')
  return [
    `Chromium rows: the same fused step (bench/convModelStep.ts) on a page in the Chromium part of this run, not interleaved with PyTorch: their ratio is PyTorch's one-thread median from the Node row of the same model over the page's median (wall clock only; a page has no CPU clock). On the page the two register-block heights of the products (tileRows.ts) are interleaved in ${rounds ?? '?'} rounds of ${stepsPerRound ?? '?'} steps, ${warmSteps ?? '?'} untimed steps before each: the other height's time over the chosen one's: ${ratios} (median of the per-round ratios, range in brackets).`,
    '',
  ]
}
