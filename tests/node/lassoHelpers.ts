import { createRandom } from '../../src/core/random'

/** Random unit-norm atoms, `k × m`, seeded. */
export function randomUnitAtoms(k: number, m: number, seed: number): Float32Array {
  const atoms = createRandom(seed).normals(k * m)
  for (let j = 0; j < k; j++) {
    let norm = 0
    for (let i = 0; i < m; i++) norm += (atoms[j * m + i] as number) ** 2
    for (let i = 0; i < m; i++) atoms[j * m + i] = (atoms[j * m + i] as number) / Math.sqrt(norm)
  }
  return atoms
}
