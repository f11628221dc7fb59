/**
 * The dictionary side of online dictionary learning (Mairal, Bach, Ponce & Sapiro 2010), in plain
 * TypeScript: the k×k and k×m statistics are small, and one sweep of block-coordinate descent over
 * them is a few million flops, cheaper than a round of GPU dispatches.
 */

/** Running statistics of codes `a` and patches `x`: Σ a aᵀ (`k × k`) and Σ a xᵀ (`k × m`). */
export interface CodeStatistics {
  readonly codeGram: Float64Array
  readonly codeData: Float64Array
}

/** Blends a batch's mean statistics into the running ones: `s ← keep·s + (1 − keep)·batch`. */
export function blendStatistics(
  running: CodeStatistics,
  batchGram: ArrayLike<number>,
  batchData: ArrayLike<number>,
  keep: number,
): void {
  for (let i = 0; i < running.codeGram.length; i++) {
    running.codeGram[i] =
      keep * (running.codeGram[i] as number) + (1 - keep) * (batchGram[i] as number)
  }
  for (let i = 0; i < running.codeData.length; i++) {
    running.codeData[i] =
      keep * (running.codeData[i] as number) + (1 - keep) * (batchData[i] as number)
  }
}

/** Scales row `j` of `atoms` (`k × m`) to unit norm; returns false when it is (near) zero. */
export function normalizeAtom(atoms: Float32Array, j: number, m: number): boolean {
  let squares = 0
  for (let i = j * m; i < (j + 1) * m; i++) squares += (atoms[i] as number) ** 2
  const norm = Math.sqrt(squares)
  if (!(norm > 1e-10)) return false
  for (let i = j * m; i < (j + 1) * m; i++) atoms[i] = (atoms[i] as number) / norm
  return true
}

/**
 * One sweep of block-coordinate descent over the atoms (rows of `atoms`, `k × m`), each projected
 * back to unit norm. An atom no code uses (its diagonal statistic below `unusedBelow` of the largest)
 * is replaced by `replacement(j)` — a patch the dictionary explains badly. Returns the indices of
 * the replaced atoms.
 */
export function updateAtoms(
  atoms: Float32Array,
  k: number,
  m: number,
  statistics: CodeStatistics,
  replacement: (j: number) => ArrayLike<number>,
  unusedBelow = 1e-6,
): number[] {
  const { codeGram, codeData } = statistics
  let largest = 0
  for (let j = 0; j < k; j++) largest = Math.max(largest, codeGram[j * k + j] as number)
  const replaced: number[] = []
  const combined = new Float64Array(m)
  for (let j = 0; j < k; j++) {
    const diagonal = codeGram[j * k + j] as number
    if (!(diagonal > unusedBelow * largest) || largest === 0) {
      atoms.set(replacement(j), j * m)
      if (!normalizeAtom(atoms, j, m)) atoms.fill(1 / Math.sqrt(m), j * m, (j + 1) * m)
      replaced.push(j)
      continue
    }
    combined.fill(0)
    for (let l = 0; l < k; l++) {
      const weight = codeGram[j * k + l] as number
      if (weight === 0) continue
      const row = l * m
      for (let i = 0; i < m; i++)
        combined[i] = (combined[i] as number) + weight * (atoms[row + i] as number)
    }
    for (let i = 0; i < m; i++) {
      const index = j * m + i
      atoms[index] =
        (atoms[index] as number) +
        ((codeData[index] as number) - (combined[i] as number)) / diagonal
    }
    if (!normalizeAtom(atoms, j, m)) {
      atoms.set(replacement(j), j * m)
      normalizeAtom(atoms, j, m)
      replaced.push(j)
    }
  }
  return replaced
}

/**
 * Largest eigenvalue of `DᵀD` (= of `DDᵀ`) for atoms `D` (`k × m`) by power iteration, started
 * from `start` (updated in place, so the next call on a slightly changed dictionary starts close).
 * Returned with a 0.1 % margin: FISTA needs an upper bound, and power iteration approaches from below.
 */
export function largestEigenvalue(
  atoms: Float32Array,
  k: number,
  m: number,
  start: Float64Array,
  maxIterations = 500,
): number {
  const projected = new Float64Array(k)
  let estimate = 0
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let norm = 0
    for (let i = 0; i < m; i++) norm += (start[i] as number) ** 2
    norm = Math.sqrt(norm) || 1
    for (let i = 0; i < m; i++) start[i] = (start[i] as number) / norm
    for (let j = 0; j < k; j++) {
      let dot = 0
      for (let i = 0; i < m; i++) dot += (atoms[j * m + i] as number) * (start[i] as number)
      projected[j] = dot
    }
    const next = new Float64Array(m)
    for (let j = 0; j < k; j++) {
      const weight = projected[j] as number
      for (let i = 0; i < m; i++)
        next[i] = (next[i] as number) + weight * (atoms[j * m + i] as number)
    }
    let value = 0
    for (let i = 0; i < m; i++) value += (next[i] as number) * (start[i] as number)
    start.set(next)
    const settled = Math.abs(value - estimate) <= 1e-9 * Math.abs(value)
    estimate = value
    if (settled) break
  }
  return estimate * 1.001 + 1e-12
}
