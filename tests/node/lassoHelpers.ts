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

/** Makes the `m` rows (each `m` long) of `q` orthonormal in place, by Gram–Schmidt; returns `q`. */
export function orthonormalRows(q: Float32Array, m: number): Float32Array {
  for (let j = 0; j < m; j++) {
    for (let l = 0; l < j; l++) {
      let dot = 0
      for (let i = 0; i < m; i++) dot += (q[j * m + i] as number) * (q[l * m + i] as number)
      for (let i = 0; i < m; i++)
        q[j * m + i] = (q[j * m + i] as number) - dot * (q[l * m + i] as number)
    }
    let norm = 0
    for (let i = 0; i < m; i++) norm += (q[j * m + i] as number) ** 2
    for (let i = 0; i < m; i++) q[j * m + i] = (q[j * m + i] as number) / Math.sqrt(norm)
  }
  return q
}
