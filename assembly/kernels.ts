// latentkit's fused training kernels, compiled by AssemblyScript to WebAssembly SIMD (two builds: one
// with relaxed-SIMD fused multiply-add, one without). Every pointer is a byte offset into this
// module's memory; every matrix holds float32 values. `npm run build:kernels` regenerates
// src/core/kernels/kernelBinaries.ts from this file.

/** a·b + c, fused where the engine has relaxed SIMD. */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? v128.relaxed_madd<f32>(a, b, c) : f32x4.add(f32x4.mul(a, b), c)
}

/** First byte past the module's static data: where the caller may start allocating. */
export function heapBase(): usize {
  return __heap_base
}

/**
 * Rows of A per register block of the products (`gemm`, `gemmPackedB`, `gemmCol2im`): 4 (a 4×8 block
 * of C in eight SIMD registers) or 6 (twelve registers, which hide the multiply-adds' latency
 * better where the engine keeps them all in registers, and run at half speed where it does not).
 * Per instance (a WebAssembly global, not memory); every value of C is the same sum in the same
 * order either way.
 */
let tileRows: i32 = 4

/** Sets {@link tileRows}: 6 for six-row blocks, anything else four. */
export function setTileRows(rows: i32): void {
  tileRows = rows == 6 ? 6 : 4
}

/**
 * C (M×N, row-major) = A·B, or C += A·B when `accumulate` is 1. Element (i, k) of A is at
 * a + 4(i·ai + k·ak) and element (k, j) of B at b + 4(k·bk + j·bj), so either may be a transposed
 * view. `panel` is scratch for 8·K floats: B is packed eight columns at a time (kept in L1 while every
 * row of A streams past), and a block of {@link tileRows}×8 values of C lives in SIMD registers over
 * the whole of K.
 */
export function gemm(
  a: usize, ai: i32, ak: i32,
  b: usize, bk: i32, bj: i32,
  c: usize, M: i32, K: i32, N: i32,
  accumulate: i32, panel: usize,
): void {
  // Narrow products (a dense layer of one unit, a one-row input): seven eighths of every eight-column
  // block would be zero padding, or a whole block's loads for one multiply each.
  if (N == 1 && bk == 1 && ak == 1) {
    rowsTimesVector(a, ai, b, c, M, K, accumulate)
    return
  }
  if (N == 1 && bk == 1 && ai == 1) {
    columnsTimesVector(a, ak, b, c, M, K, accumulate)
    return
  }
  if (K == 1 && bj == 1) {
    outerProduct(a, ai, b, c, M, N, accumulate)
    return
  }
  const stepA = <usize>ak << 2
  const rowA = <usize>ai << 2
  for (let j0 = 0; j0 < N; j0 += 8) {
    const width = min(8, N - j0)
    packPanel(b, bk, bj, j0, width, K, panel)
    const out = c + (<usize>j0 << 2)
    const rowC = <usize>N << 2
    let i = 0
    if (tileRows == 6) {
      for (; i + 6 <= M; i += 6) {
        tile6x8(a + <usize>i * rowA, rowA, stepA, panel, K, out + <usize>i * rowC, rowC, width, accumulate)
      }
    }
    for (; i + 4 <= M; i += 4) {
      tile4x8(a + <usize>i * rowA, rowA, stepA, panel, K, out + <usize>i * rowC, rowC, width, accumulate)
    }
    for (; i < M; i++) {
      tile1x8(a + <usize>i * rowA, stepA, panel, K, out + <usize>i * rowC, width, accumulate)
    }
  }
}

/** c[i] = s, or c[i] += s when `accumulate`. */
@inline function storeSum(at: usize, s: f32, accumulate: i32): void {
  store<f32>(at, accumulate ? load<f32>(at) + s : s)
}

/**
 * Four k steps of four rows' chains (`sum`'s lanes): their 4×4 block of A at `a0` + `at` (rows `row`
 * bytes apart) transposed in registers, each column a multiply-add with its splat of b, in k order.
 */
@inline function fourRowsFourSteps(a0: usize, row: usize, at: usize, b: usize, sum: v128): v128 {
  const r0 = v128.load(a0 + at), r1 = v128.load(a0 + row + at)
  const r2 = v128.load(a0 + 2 * row + at), r3 = v128.load(a0 + 3 * row + at)
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5)
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7)
  sum = madd(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.load32_splat(b + at), sum)
  sum = madd(v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), v128.load32_splat(b + at + 4), sum)
  sum = madd(v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), v128.load32_splat(b + at + 8), sum)
  return madd(v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), v128.load32_splat(b + at + 12), sum)
}

/** One k step of four rows' chains: A's column of them at `a0` + `at`, times b's splat. */
@inline function fourRowsOneStep(a0: usize, row: usize, at: usize, b: usize, sum: v128): v128 {
  let column = v128.load32_splat(a0 + at)
  column = f32x4.replace_lane(column, 1, load<f32>(a0 + row + at))
  column = f32x4.replace_lane(column, 2, load<f32>(a0 + 2 * row + at))
  column = f32x4.replace_lane(column, 3, load<f32>(a0 + 3 * row + at))
  return madd(column, v128.load32_splat(b + at), sum)
}

/** Four values of c from their chains, added to c's when `accumulate`. */
@inline function storeFour(out: usize, sum: v128, accumulate: i32): void {
  v128.store(out, accumulate ? f32x4.add(sum, v128.load(out)) : sum)
}

/**
 * c (M) = A·b with A's rows contiguous (`rowStride` floats apart) and b's K values contiguous: each
 * value of c one chain of multiply-adds over k in order, as `gemm`'s blocks compute it (the same
 * bits: k-means++ seeding relies on them), four rows' chains in a vector (their 4×4 blocks of A
 * transposed in registers), sixteen rows at once so that four chains are in flight; then four rows,
 * then one. Every row's value is the same whatever rows go with it.
 */
function rowsTimesVector(
  a: usize, rowStride: i32, b: usize, c: usize, M: i32, K: i32, accumulate: i32,
): void {
  const row = <usize>rowStride << 2
  const body = K & ~3
  let i = 0
  for (; i + 16 <= M; i += 16) {
    const a0 = a + <usize>i * row
    const a1 = a0 + 4 * row, a2 = a0 + 8 * row, a3 = a0 + 12 * row
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0)
    for (let k = 0; k < body; k += 4) {
      const at = <usize>k << 2
      s0 = fourRowsFourSteps(a0, row, at, b, s0)
      s1 = fourRowsFourSteps(a1, row, at, b, s1)
      s2 = fourRowsFourSteps(a2, row, at, b, s2)
      s3 = fourRowsFourSteps(a3, row, at, b, s3)
    }
    for (let k = body; k < K; k++) {
      const at = <usize>k << 2
      s0 = fourRowsOneStep(a0, row, at, b, s0)
      s1 = fourRowsOneStep(a1, row, at, b, s1)
      s2 = fourRowsOneStep(a2, row, at, b, s2)
      s3 = fourRowsOneStep(a3, row, at, b, s3)
    }
    const out = c + (<usize>i << 2)
    storeFour(out, s0, accumulate)
    storeFour(out + 16, s1, accumulate)
    storeFour(out + 32, s2, accumulate)
    storeFour(out + 48, s3, accumulate)
  }
  for (; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * row
    let sum = f32x4.splat(0)
    for (let k = 0; k < body; k += 4) sum = fourRowsFourSteps(a0, row, <usize>k << 2, b, sum)
    for (let k = body; k < K; k++) sum = fourRowsOneStep(a0, row, <usize>k << 2, b, sum)
    storeFour(c + (<usize>i << 2), sum, accumulate)
  }
  for (; i < M; i++) {
    const a0 = a + <usize>i * row
    let sum = f32x4.splat(0)
    for (let k = 0; k < K; k++) {
      const at = <usize>k << 2
      sum = madd(v128.load32_splat(a0 + at), v128.load32_splat(b + at), sum)
    }
    storeSum(c + (<usize>i << 2), f32x4.extract_lane(sum, 0), accumulate)
  }
}

/**
 * c (M) = A·b with A's columns contiguous (`columnStride` floats apart: Aᵀ stored row-major) and
 * b's K values contiguous: sixteen values of c in four vectors over the whole of K, then four at a
 * time, then one at a time in a vector of equal lanes, so every value is the same chain of
 * multiply-adds, in k order, whatever values go with it (and as `gemm`'s blocks compute it).
 */
function columnsTimesVector(
  a: usize, columnStride: i32, b: usize, c: usize, M: i32, K: i32, accumulate: i32,
): void {
  const column = <usize>columnStride << 2
  let i = 0
  for (; i + 16 <= M; i += 16) {
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0)
    let pa = a + (<usize>i << 2)
    for (let k = 0; k < K; k++) {
      const bk = v128.load32_splat(b + (<usize>k << 2))
      c0 = madd(v128.load(pa), bk, c0)
      c1 = madd(v128.load(pa, 16), bk, c1)
      c2 = madd(v128.load(pa, 32), bk, c2)
      c3 = madd(v128.load(pa, 48), bk, c3)
      pa += column
    }
    const out = c + (<usize>i << 2)
    storeRow(out, c0, c1, 8, accumulate)
    storeRow(out + 32, c2, c3, 8, accumulate)
  }
  for (; i + 4 <= M; i += 4) {
    let c0 = f32x4.splat(0)
    let pa = a + (<usize>i << 2)
    for (let k = 0; k < K; k++) {
      c0 = madd(v128.load(pa), v128.load32_splat(b + (<usize>k << 2)), c0)
      pa += column
    }
    const out = c + (<usize>i << 2)
    v128.store(out, accumulate ? f32x4.add(c0, v128.load(out)) : c0)
  }
  for (; i < M; i++) {
    let c0 = f32x4.splat(0)
    let pa = a + (<usize>i << 2)
    for (let k = 0; k < K; k++) {
      c0 = madd(v128.load32_splat(pa), v128.load32_splat(b + (<usize>k << 2)), c0)
      pa += column
    }
    storeSum(c + (<usize>i << 2), f32x4.extract_lane(c0, 0), accumulate)
  }
}

/**
 * C (M×N) = a·b, an inner dimension of one (a column times a row whose N values are contiguous):
 * each value a multiply-add onto zero, as `gemm`'s blocks compute it (so a zero product is +0), then
 * C added when `accumulate`.
 */
function outerProduct(a: usize, rowStride: i32, b: usize, c: usize, M: i32, N: i32, accumulate: i32): void {
  const row = <usize>rowStride << 2
  const body = N & ~3
  for (let i = 0; i < M; i++) {
    const s = v128.load32_splat(a + <usize>i * row)
    const out = c + (<usize>(i * N) << 2)
    for (let j = 0; j < body; j += 4) {
      const at = <usize>j << 2
      const product = madd(s, v128.load(b + at), f32x4.splat(0))
      v128.store(out + at, accumulate ? f32x4.add(product, v128.load(out + at)) : product)
    }
    for (let j = body; j < N; j++) {
      const at = <usize>j << 2
      const product = madd(s, v128.load32_splat(b + at), f32x4.splat(0))
      storeSum(out + at, f32x4.extract_lane(product, 0), accumulate)
    }
  }
}

/** Copies B[:, j0 : j0 + width] into `panel` as K rows of eight floats, zero padded. */
@inline function packPanel(b: usize, bk: i32, bj: i32, j0: i32, width: i32, K: i32, panel: usize): void {
  for (let k = 0; k < K; k++) {
    const dst = panel + (<usize>k << 5)
    const src = b + (<usize>(k * bk + j0 * bj) << 2)
    if (width == 8 && bj == 1) {
      v128.store(dst, v128.load(src))
      v128.store(dst, v128.load(src, 16), 16)
    } else {
      for (let jj = 0; jj < 8; jj++) {
        store<f32>(dst + (<usize>jj << 2), jj < width ? load<f32>(src + (<usize>(jj * bj) << 2)) : 0)
      }
    }
  }
}

@inline function storeRow(dst: usize, lo: v128, hi: v128, width: i32, accumulate: i32): void {
  if (width == 8) {
    if (accumulate) {
      lo = f32x4.add(lo, v128.load(dst))
      hi = f32x4.add(hi, v128.load(dst, 16))
    }
    v128.store(dst, lo)
    v128.store(dst, hi, 16)
    return
  }
  for (let jj = 0; jj < width; jj++) {
    const v = jj < 4 ? lane(lo, jj) : lane(hi, jj - 4)
    const p = dst + (<usize>jj << 2)
    store<f32>(p, accumulate ? load<f32>(p) + v : v)
  }
}

@inline function lane(v: v128, index: i32): f32 {
  if (index == 0) return f32x4.extract_lane(v, 0)
  if (index == 1) return f32x4.extract_lane(v, 1)
  if (index == 2) return f32x4.extract_lane(v, 2)
  return f32x4.extract_lane(v, 3)
}

/** Slope of leaky ReLU for negative inputs (latentkit's LEAKY_SLOPE). */
const LEAKY_SLOPE: f32 = 0.2

/**
 * c[i, j] += bias[j] over an M×N matrix, then the activation in place: 0 linear, 1 ReLU,
 * 2 sigmoid, 3 tanh, 4 leaky ReLU.
 */
export function addBias(c: usize, bias: usize, M: i32, N: i32, activation: i32): void {
  // One column (a grey image, a logit): its first M & ~3 rows are taken as one row of that many
  // columns, with the bias splat across a register.
  const oneColumn = N == 1 && M >= 4
  const rows = oneColumn ? 1 : M
  const columns = oneColumn ? M & ~3 : N
  const copies = v128.load32_splat(bias)
  for (let i = 0; i < rows; i++) {
    const row = c + (<usize>(i * columns) << 2)
    let j = 0
    for (; j + 4 <= columns; j += 4) {
      const p = row + (<usize>j << 2)
      const b = oneColumn ? copies : v128.load(bias + (<usize>j << 2))
      v128.store(p, activate(f32x4.add(v128.load(p), b), activation))
    }
    for (; j < columns; j++) {
      const p = row + (<usize>j << 2)
      store<f32>(p, activateOne(load<f32>(p) + load<f32>(bias + (<usize>j << 2)), activation))
    }
  }
  if (oneColumn && M & 3) addBias(c + (<usize>(M & ~3) << 2), bias, M & 3, 1, activation)
}

/** The activation (codes as in `addBias`) of one value: the same values as `activate`'s lanes. */
@inline function activateOne(v: f32, activation: i32): f32 {
  if (activation == 1 && v < 0) return 0
  if (activation == 2) {
    const e = Mathf.exp(-Mathf.abs(v))
    return (v >= 0 ? <f32>1 : e) / (<f32>1 + e)
  }
  if (activation == 3) return Mathf.tanh(v)
  if (activation == 4 && v <= 0) return v * LEAKY_SLOPE
  return v
}

/** The activation (codes as in `addBias`) of four values. */
@inline function activate(v: v128, activation: i32): v128 {
  const zero = f32x4.splat(0)
  const one = f32x4.splat(1)
  if (activation == 1) return f32x4.max(v, zero)
  if (activation == 2) {
    // sigmoid(v) = (v ≥ 0 ? 1 : e) / (1 + e) with e = exp(−|v|): no overflow either way.
    const e = expNonPositive(f32x4.neg(f32x4.abs(v)))
    return f32x4.div(v128.bitselect(one, e, f32x4.ge(v, zero)), f32x4.add(one, e))
  }
  if (activation == 3) {
    // tanh(v) = sign(v)·(1 − e) / (1 + e) with e = exp(−2|v|).
    const e = expNonPositive(f32x4.mul(f32x4.abs(v), f32x4.splat(-2)))
    const magnitude = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e))
    return v128.bitselect(magnitude, f32x4.neg(magnitude), f32x4.ge(v, zero))
  }
  if (activation == 4) return v128.bitselect(v, f32x4.mul(v, f32x4.splat(LEAKY_SLOPE)), f32x4.gt(v, zero))
  return v
}

/** Returns Σ|v| over n values and, when `scale` is not 0, adds scale·sign(v) to grad (an L1 penalty). */
export function l1Penalty(values: usize, grad: usize, n: i32, scale: f32): f64 {
  let total: f64 = 0
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 2
    const v = load<f32>(values + p)
    total += <f64>Mathf.abs(v)
    if (scale != 0 && v != 0) store<f32>(grad + p, load<f32>(grad + p) + (v > 0 ? scale : -scale))
  }
  return total
}

/**
 * grad[i] *= the activation's derivative, from its output out[i] (codes as in `addBias`):
 * ReLU 1 or 0, sigmoid y(1 − y), tanh 1 − y², leaky ReLU 1 or LEAKY_SLOPE.
 */
export function activationBackward(grad: usize, out: usize, n: i32, activation: i32): void {
  const zero = f32x4.splat(0)
  const one = f32x4.splat(1)
  const slope = f32x4.splat(LEAKY_SLOPE)
  let i = 0
  for (; i + 4 <= n; i += 4) {
    const p = <usize>i << 2
    const y = v128.load(out + p)
    const g = v128.load(grad + p)
    let d: v128
    if (activation == 1) d = v128.and(one, f32x4.gt(y, zero))
    else if (activation == 2) d = f32x4.mul(y, f32x4.sub(one, y))
    else if (activation == 3) d = f32x4.sub(one, f32x4.mul(y, y))
    else if (activation == 4) d = v128.bitselect(one, slope, f32x4.gt(y, zero))
    else d = one
    v128.store(grad + p, f32x4.mul(g, d))
  }
  for (; i < n; i++) {
    const p = <usize>i << 2
    const y = load<f32>(out + p)
    let d: f32 = 1
    if (activation == 1) d = y > 0 ? 1 : 0
    else if (activation == 2) d = y * (1 - y)
    else if (activation == 3) d = 1 - y * y
    else if (activation == 4) d = y > 0 ? 1 : LEAKY_SLOPE
    store<f32>(grad + p, load<f32>(grad + p) * d)
  }
}

/**
 * dst[j] (+)= Σ_i src[i, j] over an M×N matrix (a layer's bias gradient), each column's rows added in
 * order (float32), so the bits do not depend on the blocking. The running sums stay in registers over
 * all rows, 16 columns at a time: a convolution's gradient (16 or 32 channels over thousands of
 * pixels) no longer waits on a store and a reload of its sums at every row.
 */
export function columnSums(src: usize, dst: usize, M: i32, N: i32, accumulate: i32): void {
  if (!accumulate) memory.fill(dst, 0, <usize>N << 2)
  const stride = <usize>N << 2
  let j = 0
  for (; j + 16 <= N; j += 16) {
    const q = dst + (<usize>j << 2)
    let s0 = v128.load(q)
    let s1 = v128.load(q, 16)
    let s2 = v128.load(q, 32)
    let s3 = v128.load(q, 48)
    let p = src + (<usize>j << 2)
    for (let i = 0; i < M; i++) {
      s0 = f32x4.add(s0, v128.load(p))
      s1 = f32x4.add(s1, v128.load(p, 16))
      s2 = f32x4.add(s2, v128.load(p, 32))
      s3 = f32x4.add(s3, v128.load(p, 48))
      p += stride
    }
    v128.store(q, s0)
    v128.store(q, s1, 16)
    v128.store(q, s2, 32)
    v128.store(q, s3, 48)
  }
  for (; j + 4 <= N; j += 4) {
    const q = dst + (<usize>j << 2)
    let sum = v128.load(q)
    let p = src + (<usize>j << 2)
    for (let i = 0; i < M; i++) {
      sum = f32x4.add(sum, v128.load(p))
      p += stride
    }
    v128.store(q, sum)
  }
  for (; j < N; j++) {
    const q = dst + (<usize>j << 2)
    let sum = load<f32>(q)
    let p = src + (<usize>j << 2)
    for (let i = 0; i < M; i++) {
      sum += load<f32>(p)
      p += stride
    }
    store<f32>(q, sum)
  }
}

/** e^x for x ≤ 0, four lanes (Cephes' expf: range reduction by ln 2 and a degree-6 polynomial). */
@inline function expNonPositive(x: v128): v128 {
  x = f32x4.max(x, f32x4.splat(-87))
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)))
  const r = f32x4.sub(
    f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375))),
    f32x4.mul(n, f32x4.splat(-2.12194440e-4)),
  )
  let p = f32x4.splat(1.9875691500e-4)
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3))
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3))
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2))
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1))
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1))
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1))
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23)
  return f32x4.mul(y, scale)
}

/** log(1 + e) for e in [0, 1], four lanes: 2·atanh(e / (2 + e)) by its odd series (|s| ≤ 1/3). */
@inline function log1pUnit(e: v128): v128 {
  const s = f32x4.div(e, f32x4.add(e, f32x4.splat(2)))
  const w = f32x4.mul(s, s)
  let p = f32x4.splat(<f32>(2.0 / 13))
  p = f32x4.add(f32x4.mul(p, w), f32x4.splat(<f32>(2.0 / 11)))
  p = f32x4.add(f32x4.mul(p, w), f32x4.splat(<f32>(2.0 / 9)))
  p = f32x4.add(f32x4.mul(p, w), f32x4.splat(<f32>(2.0 / 7)))
  p = f32x4.add(f32x4.mul(p, w), f32x4.splat(<f32>(2.0 / 5)))
  p = f32x4.add(f32x4.mul(p, w), f32x4.splat(<f32>(2.0 / 3)))
  p = f32x4.add(f32x4.mul(p, w), f32x4.splat(2))
  return f32x4.mul(p, s)
}

/**
 * Bernoulli negative log-likelihood of `x` under logits `raw` (n values): returns
 * Σ softplus(l) − x·l, and writes grad = (sigmoid(l) − x)·scale. With e = exp(−|l|):
 * softplus(l) = max(l, 0) + log(1 + e), sigmoid(l) = (l ≥ 0 ? 1 : e) / (1 + e).
 */
export function bernoulliLoss(raw: usize, x: usize, grad: usize, n: i32, scale: f32): f64 {
  let total: f64 = 0
  const zero = f32x4.splat(0)
  const one = f32x4.splat(1)
  const scales = f32x4.splat(scale)
  let i = 0
  while (i + 4 <= n) {
    // Sum in float32 lanes over short blocks, then in float64.
    let block = f32x4.splat(0)
    const end = min(n & ~3, i + 256)
    for (; i < end; i += 4) {
      const p = <usize>i << 2
      const l = v128.load(raw + p)
      const t = v128.load(x + p)
      const e = expNonPositive(f32x4.neg(f32x4.abs(l)))
      const softplus = f32x4.add(f32x4.max(l, zero), log1pUnit(e))
      block = f32x4.add(block, f32x4.sub(softplus, f32x4.mul(t, l)))
      const numerator = v128.bitselect(one, e, f32x4.ge(l, zero))
      const sigmoid = f32x4.div(numerator, f32x4.add(one, e))
      v128.store(grad + p, f32x4.mul(f32x4.sub(sigmoid, t), scales))
    }
    total +=
      <f64>f32x4.extract_lane(block, 0) +
      <f64>f32x4.extract_lane(block, 1) +
      <f64>f32x4.extract_lane(block, 2) +
      <f64>f32x4.extract_lane(block, 3)
  }
  for (; i < n; i++) {
    const p = <usize>i << 2
    const l = load<f32>(raw + p)
    const t = load<f32>(x + p)
    const e = Mathf.exp(-Mathf.abs(l))
    total += <f64>(max(l, 0) + Mathf.log1p(e) - t * l)
    const sigmoid: f32 = (l >= 0 ? <f32>1 : e) / (<f32>1 + e)
    store<f32>(grad + p, (sigmoid - t) * scale)
  }
  return total
}

/**
 * Gaussian negative log-likelihood without its constant: returns Σ (x − μ)², and writes
 * grad = (μ − x)·scale.
 */
export function squaredError(raw: usize, x: usize, grad: usize, n: i32, scale: f32): f64 {
  let total: f64 = 0
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 2
    const d = load<f32>(raw + p) - load<f32>(x + p)
    total += <f64>(d * d)
    store<f32>(grad + p, d * scale)
  }
  return total
}

/**
 * Softmax cross-entropy of M rows of N logits (each scaled by `scale` first) against one target
 * column per row (`targets`, i32): returns Σ_i log Σ_j e^{x_ij} − x_i,t(i), writes each row's
 * arg-max (first of equals, i32) to `predicted`, and overwrites the logits with the gradient
 * (softmax − one-hot)·gradScale. With `skipDiagonal` 1 (a square matrix) column i of row i is left
 * out of its row (no candidate, gradient 0), as NT-Xent needs.
 */
export function softmaxCrossEntropy(
  logits: usize, targets: usize, predicted: usize, M: i32, N: i32,
  scale: f32, gradScale: f32, skipDiagonal: i32,
): f64 {
  let total: f64 = 0
  const scales = f32x4.splat(scale)
  const end = N & ~3
  for (let i = 0; i < M; i++) {
    const row = logits + (<usize>(i * N) << 2)
    const skip = skipDiagonal ? i : -1
    let best: f32 = -Infinity
    let bestAt = -1
    for (let j = 0; j < N; j++) {
      const v = load<f32>(row + (<usize>j << 2)) * scale
      if (j != skip && v > best) {
        best = v
        bestAt = j
      }
    }
    const t = load<i32>(targets + (<usize>i << 2))
    const target = load<f32>(row + (<usize>t << 2)) * scale
    store<i32>(predicted + (<usize>i << 2), bestAt)
    // The left-out entry may exceed the row's maximum: −∞ keeps its exponential from overflowing.
    if (skip >= 0) store<f32>(row + (<usize>skip << 2), -Infinity)
    // e^{x − max}, summed in float32 lanes over the row, then in float64.
    const shift = f32x4.splat(best)
    let lanes = f32x4.splat(0)
    let j = 0
    for (; j < end; j += 4) {
      const p = row + (<usize>j << 2)
      const e = expNonPositive(f32x4.sub(f32x4.mul(v128.load(p), scales), shift))
      v128.store(p, e)
      lanes = f32x4.add(lanes, e)
    }
    let sum: f64 =
      <f64>f32x4.extract_lane(lanes, 0) +
      <f64>f32x4.extract_lane(lanes, 1) +
      <f64>f32x4.extract_lane(lanes, 2) +
      <f64>f32x4.extract_lane(lanes, 3)
    for (; j < N; j++) {
      const p = row + (<usize>j << 2)
      const e = Mathf.exp(load<f32>(p) * scale - best)
      store<f32>(p, e)
      sum += <f64>e
    }
    if (skip >= 0) {
      const p = row + (<usize>skip << 2)
      sum -= <f64>load<f32>(p)
      store<f32>(p, 0)
    }
    total += Math.log(sum) + <f64>best - <f64>target
    const factor = f32x4.splat(<f32>(<f64>gradScale / sum))
    j = 0
    for (; j < end; j += 4) {
      const p = row + (<usize>j << 2)
      v128.store(p, f32x4.mul(v128.load(p), factor))
    }
    for (; j < N; j++) {
      const p = row + (<usize>j << 2)
      store<f32>(p, load<f32>(p) * <f32>(<f64>gradScale / sum))
    }
    const q = row + (<usize>t << 2)
    store<f32>(q, load<f32>(q) - gradScale)
  }
  return total
}

/** std = exp(½·logVar), z = mean + std·eps, over n values. */
export function reparameterise(mean: usize, logVar: usize, eps: usize, std: usize, z: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 2
    const s = Mathf.exp(0.5 * load<f32>(logVar + p))
    store<f32>(std + p, s)
    store<f32>(z + p, load<f32>(mean + p) + s * load<f32>(eps + p))
  }
}

/**
 * KL(N(mean, e^logVar) ‖ N(0, 1)) summed over n values, and the gradients at the two heads given the
 * gradient at z (`gradZ`, overwritten by the mean's gradient): ∂/∂μ = gradZ + klScale·μ,
 * ∂/∂logVar = ½·gradZ·eps·std + klScale·½(e^logVar − 1).
 */
export function klBackward(
  mean: usize, logVar: usize, eps: usize, std: usize,
  gradZ: usize, gradLogVar: usize, n: i32, klScale: f32,
): f64 {
  let total: f64 = 0
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 2
    const mu = load<f32>(mean + p)
    const lv = load<f32>(logVar + p)
    const s = load<f32>(std + p)
    const variance = s * s
    total += <f64>(-0.5 * (1 + lv - mu * mu - variance))
    const g = load<f32>(gradZ + p)
    store<f32>(gradZ + p, g + klScale * mu)
    store<f32>(gradLogVar + p, 0.5 * g * load<f32>(eps + p) * s + klScale * 0.5 * (variance - 1))
  }
  return total
}

/**
 * One Adam step over n parameters, the way TF.js's `tf.train.adam` computes it:
 * m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², p ← p − rate·(m / c1) / (√(v / c2) + ε),
 * with c1 = 1 − β1^t and c2 = 1 − β2^t.
 */
export function adam(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  rate: f32, beta1: f32, beta2: f32, c1: f32, c2: f32, epsilon: f32,
): void {
  const b1 = f32x4.splat(beta1)
  const b2 = f32x4.splat(beta2)
  const a1 = f32x4.splat(1 - beta1)
  const a2 = f32x4.splat(1 - beta2)
  const inv1 = f32x4.splat(1 / c1)
  const inv2 = f32x4.splat(1 / c2)
  const lr = f32x4.splat(rate)
  const eps = f32x4.splat(epsilon)
  let i = 0
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2
    const grad = v128.load(g + o)
    const mNew = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(grad, a1))
    const vNew = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(grad, grad), a2))
    v128.store(m + o, mNew)
    v128.store(v + o, vNew)
    const step = f32x4.div(f32x4.mul(mNew, inv1), f32x4.add(f32x4.sqrt(f32x4.mul(vNew, inv2)), eps))
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(step, lr)))
  }
  for (; i < n; i++) {
    const o = <usize>i << 2
    const grad = load<f32>(g + o)
    const mNew = load<f32>(m + o) * beta1 + grad * (1 - beta1)
    const vNew = load<f32>(v + o) * beta2 + grad * grad * (1 - beta2)
    store<f32>(m + o, mNew)
    store<f32>(v + o, vNew)
    const step = (mNew * (1 / c1)) / (Mathf.sqrt(vNew * (1 / c2)) + epsilon)
    store<f32>(p + o, load<f32>(p + o) - step * rate)
  }
}

// ─── Convolution kernels (conv GAN and conv autoencoder) ─────────────────────────────────────────
// Images are NHWC. A k×k convolution runs as im2col + gemm (its filter [k, k, c, f] is a (k·k·c)×f
// matrix), its input gradient as gemm + col2im; a transposed convolution is the same pair swapped.

/** dst[i] += src[i] over n floats. */
@inline function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)))
  }
  for (; i < n; i++) {
    const o = <usize>i << 2
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o))
  }
}

/**
 * Patches of NHWC images x [n, h, w, c] for a k×k convolution with `stride`, `top`/`left` rows and
 * columns of zero padding, and ho×wo outputs: cols[(b, oy, ox), (ky, kx, ch)] =
 * x[b, oy·stride + ky − top, ox·stride + kx − left, ch], 0 outside the image.
 */
export function im2col(
  x: usize, n: i32, h: i32, w: i32, c: i32,
  k: i32, stride: i32, top: i32, left: i32, ho: i32, wo: i32, cols: usize,
): void {
  // Segments are short (k·c floats, 4 for a grey image): SIMD loops beat memory.copy's call.
  if (c == 1 && k == 4) {
    im2colNarrow(x, n, h, w, k, stride, top, left, ho, wo, cols)
    return
  }
  const rowFloats = k * c
  const rowBytes = <usize>rowFloats << 2
  let dst = cols
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const x0 = ox * stride - left
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * stride + ky - top
          if (iy < 0 || iy >= h) zeroFloats(dst, rowFloats)
          else im2colEdge(x + (<usize>((b * h + iy) * w * c) << 2), dst, x0, w, c, k)
          dst += rowBytes
        }
      }
    }
  }
}

/**
 * `im2col` for segments of one vector (a grey image, c = 1, and k = 4), row by row of kernel
 * taps: the output columns whose k input columns all lie in the image take a loop without bounds
 * checks, one vector each (per segment, the checks had cost as much as a 16-channel image's
 * 64-float segments: 0.3 ms for 64 images of 28×28 either way; this loop 0.12 ms, measured on a
 * loaded machine). Wider segments keep the cell-by-cell order above, which writes each patch row
 * in one sweep (row by row of taps took 0.5 ms against 0.3 ms for 64 images of 14×14×16).
 */
function im2colNarrow(
  x: usize, n: i32, h: i32, w: i32,
  k: i32, stride: i32, top: i32, left: i32, ho: i32, wo: i32, cols: usize,
): void {
  const segBytes: usize = 16
  const cellBytes = <usize>k * segBytes
  const srcStep = <usize>stride << 2
  const interiorFrom = firstInteriorCell(wo, stride, left)
  const interiorTo = endOfInteriorCells(interiorFrom, w, k, stride, left, wo)
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      const rowStart = cols + <usize>((b * ho + oy) * wo) * cellBytes
      for (let ky = 0; ky < k; ky++) {
        const iy = oy * stride + ky - top
        const first = rowStart + <usize>ky * segBytes
        if (iy < 0 || iy >= h) {
          for (let ox = 0; ox < wo; ox++) zeroFloats(first + <usize>ox * cellBytes, 4)
          continue
        }
        const srcRow = x + (<usize>((b * h + iy) * w) << 2)
        for (let ox = 0; ox < interiorFrom; ox++) {
          im2colEdge(srcRow, first + <usize>ox * cellBytes, ox * stride - left, w, 1, k)
        }
        let dst = first + <usize>interiorFrom * cellBytes
        let src = srcRow + (<usize>(interiorFrom * stride - left) << 2)
        for (let ox = interiorFrom; ox < interiorTo; ox++) {
          v128.store(dst, v128.load(src))
          dst += cellBytes
          src += srcStep
        }
        for (let ox = interiorTo; ox < wo; ox++) {
          im2colEdge(srcRow, first + <usize>ox * cellBytes, ox * stride - left, w, 1, k)
        }
      }
    }
  }
}

/** First output column whose k input columns all lie right of the left padding (narrow paths). */
@inline function firstInteriorCell(wo: i32, stride: i32, left: i32): i32 {
  return min(wo, (left + stride - 1) / stride)
}

/** One past the last output column (from `from`) whose k input columns all lie in the image. */
@inline function endOfInteriorCells(from: i32, w: i32, k: i32, stride: i32, left: i32, wo: i32): i32 {
  const span = w - k + left
  return max(from, span < 0 ? 0 : min(wo, span / stride + 1))
}

/**
 * One segment of `im2col` (k·c floats at dst) for input columns x0 … x0 + k − 1 of the image row
 * at srcRow (w pixels of c channels): those outside the image are zeros.
 */
@inline function im2colEdge(srcRow: usize, dst: usize, x0: i32, w: i32, c: i32, k: i32): void {
  const from = max(0, -x0)
  const to = min(k, w - x0)
  if (to <= from) {
    zeroFloats(dst, k * c)
    return
  }
  if (from > 0) zeroFloats(dst, from * c)
  copyFloats(dst + (<usize>(from * c) << 2), srcRow + (<usize>((x0 + from) * c) << 2), (to - from) * c)
  if (to < k) zeroFloats(dst + (<usize>(to * c) << 2), (k - to) * c)
}

/** dst[i] = src[i] over n floats. */
@inline function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2
    v128.store(dst + o, v128.load(src + o))
  }
  for (; i < n; i++) {
    const o = <usize>i << 2
    store<f32>(dst + o, load<f32>(src + o))
  }
}

/** dst[i] = 0 over n floats. */
@inline function zeroFloats(dst: usize, n: i32): void {
  const zero = f32x4.splat(0)
  let i = 0
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), zero)
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0)
}

/**
 * The adjoint of `im2col`: adds each patch row of cols back into the image dx [n, h, w, c] (same
 * arguments); dx is zeroed first unless `accumulate` is 1.
 */
export function col2im(
  cols: usize, n: i32, h: i32, w: i32, c: i32,
  k: i32, stride: i32, top: i32, left: i32, ho: i32, wo: i32, dx: usize, accumulate: i32,
): void {
  if (!accumulate) memory.fill(dx, 0, <usize>(n * h * w * c) << 2)
  if (c == 1 && k == 4) {
    col2imNarrow(cols, n, h, w, k, stride, top, left, ho, wo, dx)
    return
  }
  const rowBytes = <usize>(k * c) << 2
  let src = cols
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const x0 = ox * stride - left
        const from = max(0, -x0)
        const to = min(k, w - x0)
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * stride + ky - top
          if (iy >= 0 && iy < h && to > from) {
            const dst = dx + (<usize>(((b * h + iy) * w + x0 + from) * c) << 2)
            addInto(dst, src + (<usize>(from * c) << 2), (to - from) * c)
          }
          src += rowBytes
        }
      }
    }
  }
}

/**
 * `col2im` for segments of one vector (c = 1, k = 4), row by row of kernel taps as `im2colNarrow`:
 * the output cells whose four taps all lie in the image add without bounds checks, at stride 2 a
 * pixel pair at a time (0.18 ms for 64 images of 28×28 cell by cell). Each pixel still receives
 * its terms in the order of the cell-by-cell loop (by output row, then column: within one output
 * row a pixel row meets a single tap row), so the sums are the same.
 */
function col2imNarrow(
  cols: usize, n: i32, h: i32, w: i32,
  k: i32, stride: i32, top: i32, left: i32, ho: i32, wo: i32, dx: usize,
): void {
  const segBytes: usize = 16
  const cellBytes = <usize>k * segBytes
  const dstStep = <usize>stride << 2
  const interiorFrom = firstInteriorCell(wo, stride, left)
  const interiorTo = endOfInteriorCells(interiorFrom, w, k, stride, left, wo)
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      const rowStart = cols + <usize>((b * ho + oy) * wo) * cellBytes
      for (let ky = 0; ky < k; ky++) {
        const iy = oy * stride + ky - top
        if (iy < 0 || iy >= h) continue
        const first = rowStart + <usize>ky * segBytes
        const dstRow = dx + (<usize>((b * h + iy) * w) << 2)
        for (let ox = 0; ox < interiorFrom; ox++) {
          col2imEdge(first + <usize>ox * cellBytes, dstRow, ox * stride - left, w, k)
        }
        let src = first + <usize>interiorFrom * cellBytes
        let dst = dstRow + (<usize>(interiorFrom * stride - left) << 2)
        if (stride == 2 && interiorTo > interiorFrom) {
          // Each pixel pair takes the previous cell's last two taps, then this cell's first two,
          // in registers: whole-vector adds here would reload what the last store half wrote.
          let segment = v128.load(src)
          v128.store64_lane(dst, f32x4.add(v128.load64_zero(dst), segment), 0)
          for (let ox = interiorFrom + 1; ox < interiorTo; ox++) {
            const carry = v128.shuffle<f32>(segment, segment, 2, 3, 0, 1)
            src += cellBytes
            dst += dstStep
            segment = v128.load(src)
            const pair = f32x4.add(f32x4.add(v128.load64_zero(dst), carry), segment)
            v128.store64_lane(dst, pair, 0)
          }
          const last = v128.shuffle<f32>(segment, segment, 2, 3, 0, 1)
          v128.store64_lane(dst + 8, f32x4.add(v128.load64_zero(dst + 8), last), 0)
        } else {
          for (let ox = interiorFrom; ox < interiorTo; ox++) {
            v128.store(dst, f32x4.add(v128.load(dst), v128.load(src)))
            src += cellBytes
            dst += dstStep
          }
        }
        for (let ox = interiorTo; ox < wo; ox++) {
          col2imEdge(first + <usize>ox * cellBytes, dstRow, ox * stride - left, w, k)
        }
      }
    }
  }
}

/** One segment of `col2imNarrow` (k floats at src) added to image columns x0 … x0 + k − 1 inside it. */
@inline function col2imEdge(src: usize, dstRow: usize, x0: i32, w: i32, k: i32): void {
  const from = max(0, -x0)
  const to = min(k, w - x0)
  if (to > from) addInto(dstRow + (<usize>(x0 + from) << 2), src + (<usize>from << 2), to - from)
}

/**
 * Batch normalisation in training mode over x [rows, C] (every axis but the channels), then its
 * affine part and an activation: writes the batch mean and biased variance per channel, invStd =
 * 1/√(variance + ε), the normalised values x̂ = (x − mean)·invStd into `normalised`, and
 * act(scale·x̂ + shift) into `out` (activation codes as in `addBias`). Each channel's sums run over
 * the rows in order (float32), and scale·x̂ + shift is a multiply then an add, so the values are
 * those of the same steps done one at a time.
 */
export function batchNormForward(
  x: usize, rows: i32, C: i32, scale: usize, shift: usize, epsilon: f32,
  mean: usize, variance: usize, invStd: usize, normalised: usize, out: usize, activation: i32,
): void {
  const inverseRows: f32 = 1 / <f32>rows
  channelSums(x, rows, C, 0, mean, false)
  for (let j = 0; j < C; j++) {
    const o = <usize>j << 2
    store<f32>(mean + o, load<f32>(mean + o) * inverseRows)
  }
  channelSums(x, rows, C, mean, variance, true)
  for (let j = 0; j < C; j++) {
    const o = <usize>j << 2
    const v = load<f32>(variance + o) * inverseRows
    store<f32>(variance + o, v)
    store<f32>(invStd + o, 1 / Mathf.sqrt(v + epsilon))
  }
  const bytes = <usize>C << 2
  for (let i = 0; i < rows; i++) {
    const offset = <usize>i * bytes
    let j = 0
    for (; j + 4 <= C; j += 4) {
      const o = <usize>j << 2
      const n = f32x4.mul(
        f32x4.sub(v128.load(x + offset + o), v128.load(mean + o)),
        v128.load(invStd + o),
      )
      v128.store(normalised + offset + o, n)
      const y = f32x4.add(f32x4.mul(n, v128.load(scale + o)), v128.load(shift + o))
      v128.store(out + offset + o, activate(y, activation))
    }
    for (; j < C; j++) {
      const o = <usize>j << 2
      const n = (load<f32>(x + offset + o) - load<f32>(mean + o)) * load<f32>(invStd + o)
      store<f32>(normalised + offset + o, n)
      store<f32>(out + offset + o, activateOne(n * load<f32>(scale + o) + load<f32>(shift + o), activation))
    }
  }
}

/**
 * dst[j] = Σ_i x[i, j] over x [rows, C], or Σ_i (x[i, j] − centre[j])² with `squares`, each
 * channel's terms added over the rows in order (float32). Sixteen channels at a time, their sums in
 * registers over all rows (the rows are 64 or 128 bytes: a store and reload of the sums at every
 * row had made this the slowest part of batch normalisation). Inlined, so that each call's
 * `squares` is a constant and its loops carry no branch.
 */
@inline function channelSums(
  x: usize, rows: i32, C: i32, centre: usize, dst: usize, squares: bool,
): void {
  const stride = <usize>C << 2
  const zero = f32x4.splat(0)
  let j = 0
  for (; j + 16 <= C; j += 16) {
    const o = <usize>j << 2
    let s0 = zero, s1 = zero, s2 = zero, s3 = zero
    const m0 = squares ? v128.load(centre + o) : zero
    const m1 = squares ? v128.load(centre + o, 16) : zero
    const m2 = squares ? v128.load(centre + o, 32) : zero
    const m3 = squares ? v128.load(centre + o, 48) : zero
    let p = x + o
    for (let i = 0; i < rows; i++) {
      s0 = f32x4.add(s0, term(v128.load(p), m0, squares))
      s1 = f32x4.add(s1, term(v128.load(p, 16), m1, squares))
      s2 = f32x4.add(s2, term(v128.load(p, 32), m2, squares))
      s3 = f32x4.add(s3, term(v128.load(p, 48), m3, squares))
      p += stride
    }
    v128.store(dst + o, s0)
    v128.store(dst + o, s1, 16)
    v128.store(dst + o, s2, 32)
    v128.store(dst + o, s3, 48)
  }
  for (; j + 4 <= C; j += 4) {
    const o = <usize>j << 2
    let s = zero
    const m = squares ? v128.load(centre + o) : zero
    let p = x + o
    for (let i = 0; i < rows; i++) {
      s = f32x4.add(s, term(v128.load(p), m, squares))
      p += stride
    }
    v128.store(dst + o, s)
  }
  for (; j < C; j++) {
    const o = <usize>j << 2
    let s: f32 = 0
    const m = squares ? load<f32>(centre + o) : <f32>0
    let p = x + o
    for (let i = 0; i < rows; i++) {
      const d = load<f32>(p) - m
      s += squares ? d * d : load<f32>(p)
      p += stride
    }
    store<f32>(dst + o, s)
  }
}

/** A term of `channelSums`: v, or (v − centre)² when `squares`. */
@inline function term(v: v128, centre: v128, squares: bool): v128 {
  if (!squares) return v
  const d = f32x4.sub(v, centre)
  return f32x4.mul(d, d)
}

/**
 * Folds a batch's statistics into running ones: r ← momentum·r + (1 − momentum)·s, the variance
 * made unbiased first (× rows / (rows − 1)).
 */
export function batchNormRunning(
  runningMean: usize, runningVariance: usize, mean: usize, variance: usize,
  C: i32, rows: i32, momentum: f32,
): void {
  const unbias: f32 = <f32>rows / <f32>max(rows - 1, 1)
  for (let j = 0; j < C; j++) {
    const o = <usize>j << 2
    store<f32>(runningMean + o, load<f32>(runningMean + o) * momentum + load<f32>(mean + o) * (1 - momentum))
    store<f32>(
      runningVariance + o,
      load<f32>(runningVariance + o) * momentum + load<f32>(variance + o) * unbias * (1 - momentum),
    )
  }
}

/**
 * Backward pass of `batchNormForward` given dy [rows, C]: gradShift = Σdy, gradScale = Σdy·x̂, and
 * dx = scale·invStd/rows · (rows·dy − gradShift − x̂·gradScale), written into dx (which may be dy).
 */
export function batchNormBackward(
  dy: usize, normalised: usize, rows: i32, C: i32, scale: usize, invStd: usize,
  gradScale: usize, gradShift: usize, dx: usize,
): void {
  const bytes = <usize>C << 2
  memory.fill(gradScale, 0, bytes)
  memory.fill(gradShift, 0, bytes)
  for (let i = 0; i < rows; i++) {
    const offset = <usize>i * bytes
    let j = 0
    for (; j + 4 <= C; j += 4) {
      const o = <usize>j << 2
      const g = v128.load(dy + offset + o)
      v128.store(gradShift + o, f32x4.add(v128.load(gradShift + o), g))
      v128.store(gradScale + o, madd(g, v128.load(normalised + offset + o), v128.load(gradScale + o)))
    }
    for (; j < C; j++) {
      const o = <usize>j << 2
      const g = load<f32>(dy + offset + o)
      store<f32>(gradShift + o, load<f32>(gradShift + o) + g)
      store<f32>(gradScale + o, load<f32>(gradScale + o) + g * load<f32>(normalised + offset + o))
    }
  }
  const m: f32 = <f32>rows
  const count = f32x4.splat(m)
  for (let i = 0; i < rows; i++) {
    const offset = <usize>i * bytes
    let j = 0
    for (; j + 4 <= C; j += 4) {
      const o = <usize>j << 2
      const factor = f32x4.div(f32x4.mul(v128.load(scale + o), v128.load(invStd + o)), count)
      const centred = f32x4.sub(
        f32x4.mul(v128.load(dy + offset + o), count),
        f32x4.add(v128.load(gradShift + o), f32x4.mul(v128.load(normalised + offset + o), v128.load(gradScale + o))),
      )
      v128.store(dx + offset + o, f32x4.mul(centred, factor))
    }
    for (; j < C; j++) {
      const o = <usize>j << 2
      const factor = (load<f32>(scale + o) * load<f32>(invStd + o)) / m
      const centred =
        load<f32>(dy + offset + o) * m -
        (load<f32>(gradShift + o) + load<f32>(normalised + offset + o) * load<f32>(gradScale + o))
      store<f32>(dx + offset + o, centred * factor)
    }
  }
}
// ─── End of the convolution kernels ──────────────────────────────────────────────────────────────

// ─── RBM kernels (fused contrastive divergence) ──────────────────────────────────────────────────

/**
 * An RBM's contrastive-divergence gradient and momentum update over `n` parameters (the `weights`
 * first, then the biases), each value rounded to float32 where TF.js rounds it: positive statistic
 * `pos[i] / rows`, negative `neg[i] / chainRows` (`neg` is `products` for the weights, then
 * `sums`), the L2 `decay` on the weights, `change = momentum·velocity + rate·gradient` (`momentum`
 * applied only when `useVelocity`), `params += change`, and `velocity = change` when `keep`.
 * Rates are float64 and the products rounded once, as in the TypeScript update it replaces.
 */
export function rbmUpdate(
  params: usize, pos: usize, products: usize, sums: usize, velocity: usize,
  weights: i32, n: i32, rows: i32, chainRows: i32,
  rate: f64, momentum: f64, decay: f64, useVelocity: i32, keep: i32,
): void {
  rbmUpdateFrom(
    0, params, pos, products, sums, velocity, weights, n, rows, chainRows,
    rate, momentum, decay, useVelocity, keep,
  )
}

/** {@link rbmUpdate} over parameters `from` to `n` (one at a time). */
@inline function rbmUpdateFrom(
  from: i32, params: usize, pos: usize, products: usize, sums: usize, velocity: usize,
  weights: i32, n: i32, rows: i32, chainRows: i32,
  rate: f64, momentum: f64, decay: f64, useVelocity: i32, keep: i32,
): void {
  const r: f32 = <f32>rows
  const cr: f32 = <f32>chainRows
  for (let i = from; i < n; i++) {
    const o = <usize>i << 2
    const positive: f32 = load<f32>(pos + o) / r
    const negative: f32 =
      (i < weights ? load<f32>(products + o) : load<f32>(sums + (<usize>(i - weights) << 2))) / cr
    let gradient: f32 = positive - negative
    const p = load<f32>(params + o)
    if (i < weights && decay > 0) gradient = gradient - <f32>(decay * <f64>p)
    const scaled: f32 = <f32>(rate * <f64>gradient)
    const change: f32 = useVelocity ? <f32>(momentum * <f64>load<f32>(velocity + o)) + scaled : scaled
    store<f32>(params + o, p + change)
    if (keep) store<f32>(velocity + o, change)
  }
}

/**
 * Bernoulli draws `out[i] = u_i < p[i] ? 1 : 0` over `n` values (in place when `out` is `p`), the
 * uniforms `u_i` from latentkit's mulberry32 generator (src/core/random.ts) started at `state` (the
 * hashed seed), each rounded to float32 as the TypeScript draw stores it: the same draws. The
 * generator's state after draw i is `state + (i + 1)·0x6d2b79f5`, so four draws run at once (SIMD):
 * the hash is integer arithmetic, the same in every lane, and converting the 32-bit integer to
 * float32 then scaling by 2⁻³² (exact) rounds as `f32(u / 2³²)` does (one rounding of the same value).
 */
export function bernoulliDraw(p: usize, out: usize, n: i32, state: i32): void {
  const step = i32x4.splat(0x6d2b79f5 << 2)
  const ones = i32x4.splat(1)
  const sixtyOnes = i32x4.splat(61)
  const scale = f32x4.splat(<f32>2.3283064365386963e-10)
  const one = f32x4.splat(1)
  let s = i32x4.add(
    i32x4.splat(state),
    i32x4(0x6d2b79f5, 0x6d2b79f5 * 2, 0x6d2b79f5 * 3, 0x6d2b79f5 * 4),
  )
  let i = 0
  for (; i + 4 <= n; i += 4) {
    let t = i32x4.mul(v128.xor(s, i32x4.shr_u(s, 15)), v128.or(s, ones))
    t = v128.xor(t, i32x4.add(t, i32x4.mul(v128.xor(t, i32x4.shr_u(t, 7)), v128.or(t, sixtyOnes))))
    const u = f32x4.mul(f32x4.convert_i32x4_u(v128.xor(t, i32x4.shr_u(t, 14))), scale)
    const o = <usize>i << 2
    v128.store(out + o, v128.and(f32x4.lt(u, v128.load(p + o)), one))
    s = i32x4.add(s, step)
  }
  let last = state + i * 0x6d2b79f5
  for (; i < n; i++) {
    last = last + 0x6d2b79f5
    let t = last
    t = (t ^ (t >>> 15)) * (t | 1)
    t ^= t + (t ^ (t >>> 7)) * (t | 61)
    const u: f32 = <f32>(<f64>(<u32>(t ^ (t >>> 14))) / 4294967296.0)
    const o = <usize>i << 2
    store<f32>(out + o, u < load<f32>(p + o) ? <f32>1 : <f32>0)
  }
}
// ─── End of the RBM kernels ──────────────────────────────────────────────────────────────────────

// ─── k-means kernels (fused cluster sums) ────────────────────────────────────────────────────────

/**
 * The nearest centroid of each of `count` rows `x` (`count × d`) from their dot products `dots` with
 * the `k` centroids (`count × k`) and the centroids' squared norms `norms`: the score
 * `norm_c − 2 x·c` in float32, the first of equal scores. Adds each row (in float64) to its
 * centroid's sum in `sums` (`k × d` float64) and 1 to its count in `counts` (`k` float64), and its
 * score to `inertia`, row by row; returns the new inertia.
 */
export function nearestSums(
  x: usize, dots: usize, norms: usize, count: i32, k: i32, d: i32,
  sums: usize, counts: usize, inertia: f64,
): f64 {
  let total = inertia
  for (let r = 0; r < count; r++) {
    const row = dots + ((<usize>r * <usize>k) << 2)
    let best = 0
    let lowest: f32 = load<f32>(norms) - <f32>2 * load<f32>(row)
    for (let c = 1; c < k; c++) {
      const value: f32 = load<f32>(norms + (<usize>c << 2)) - <f32>2 * load<f32>(row + (<usize>c << 2))
      if (value < lowest) {
        lowest = value
        best = c
      }
    }
    total += <f64>lowest
    addRowToSum(x + ((<usize>r * <usize>d) << 2), sums, counts, best, d)
  }
  return total
}

/**
 * Adds row `values` (`d` float32) in float64 to centroid `best`'s sum in `sums` (`k × d` float64),
 * two values at a time (each sum still adds the rows in their order: the same bits as one at a
 * time), and 1 to its count.
 */
@inline function addRowToSum(values: usize, sums: usize, counts: usize, best: i32, d: i32): void {
  const countAt = counts + (<usize>best << 3)
  store<f64>(countAt, load<f64>(countAt) + 1)
  const sum = sums + ((<usize>best * <usize>d) << 3)
  let j = 0
  for (; j + 2 <= d; j += 2) {
    const at = sum + (<usize>j << 3)
    v128.store(at, f64x2.add(v128.load(at), f64x2.promote_low_f32x4(v128.load64_zero(values + (<usize>j << 2)))))
  }
  if (j < d) {
    const at = sum + (<usize>j << 3)
    store<f64>(at, load<f64>(at) + <f64>load<f32>(values + (<usize>j << 2)))
  }
}
// ─── End of the k-means kernels ──────────────────────────────────────────────────────────────────
// --- conv autoencoder (convae) ---

/**
 * A transposed convolution with col2im fused into the product: dx [n, h, w, c] = col2im(x · kernelᵀ)
 * for x [n·ho·wo, filters] and kernel [k, k, c, filters] (so kernelᵀ is [filters, k·k·c]), with the
 * arguments of `col2im`. The whole of kernelᵀ is packed into `panel` (scratch for filters·k·k·c
 * floats, then 2·{@link COL2IM_ROWS} more for the current group's output cells) once; then each
 * group of rows of x stays in the cache while it meets every column, and each 4×8 block of the
 * product is added straight into the image instead of being stored as patches and read back. Needs
 * c a multiple of 8 (a block's eight columns are then eight channels of one kernel tap). Writes
 * nothing outside `panel` and `dx`, so it runs on any thread on its own scratch.
 */
export function gemmCol2im(
  x: usize, kernel: usize, filters: i32, panel: usize,
  n: i32, h: i32, w: i32, c: i32,
  k: i32, stride: i32, top: i32, left: i32, ho: i32, wo: i32, dx: usize,
): void {
  memory.fill(dx, 0, <usize>(n * h * w * c) << 2)
  const M = n * ho * wo
  const N = k * k * c
  const K = filters
  const rowA = <usize>K << 2
  const panelBytes = <usize>K << 5
  for (let j0 = 0; j0 < N; j0 += 8) packPanel(kernel, 1, K, j0, 8, K, panel + <usize>(j0 >> 3) * panelBytes)
  // The group's output cells as cellCorner packs them, after the packed kernel.
  const corners = panel + <usize>(N >> 3) * panelBytes
  for (let i0 = 0; i0 < M; i0 += COL2IM_ROWS) {
    const rows = min(COL2IM_ROWS, M - i0)
    for (let r = 0; r < rows; r++) {
      store<i64>(corners + (<usize>r << 3), cellCorner(i0 + r, stride, top, left, ho, wo))
    }
    let pb = panel
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        for (let channel = 0; channel < c; channel += 8) {
          let r = 0
          if (tileRows == 6) {
            for (; r + 6 <= rows; r += 6) {
              col2imBlock6(x + <usize>(i0 + r) * rowA, rowA, pb, K, corners + (<usize>r << 3), dx, ky, kx, channel, h, w, c)
            }
          }
          for (; r + 4 <= rows; r += 4) {
            let c00 = f32x4.splat(0), c01 = f32x4.splat(0)
            let c10 = f32x4.splat(0), c11 = f32x4.splat(0)
            let c20 = f32x4.splat(0), c21 = f32x4.splat(0)
            let c30 = f32x4.splat(0), c31 = f32x4.splat(0)
            let pa0 = x + <usize>(i0 + r) * rowA
            let pbk = pb
            for (let kk = 0; kk < K; kk++) {
              const b0 = v128.load(pbk)
              const b1 = v128.load(pbk, 16)
              let s = v128.load32_splat(pa0)
              c00 = madd(s, b0, c00)
              c01 = madd(s, b1, c01)
              s = v128.load32_splat(pa0 + rowA)
              c10 = madd(s, b0, c10)
              c11 = madd(s, b1, c11)
              s = v128.load32_splat(pa0 + 2 * rowA)
              c20 = madd(s, b0, c20)
              c21 = madd(s, b1, c21)
              s = v128.load32_splat(pa0 + 3 * rowA)
              c30 = madd(s, b0, c30)
              c31 = madd(s, b1, c31)
              pa0 += 4
              pbk += 32
            }
            const at = corners + (<usize>r << 3)
            addToPixel(dx, load<i64>(at), c00, c01, ky, kx, channel, h, w, c)
            addToPixel(dx, load<i64>(at, 8), c10, c11, ky, kx, channel, h, w, c)
            addToPixel(dx, load<i64>(at, 16), c20, c21, ky, kx, channel, h, w, c)
            addToPixel(dx, load<i64>(at, 24), c30, c31, ky, kx, channel, h, w, c)
          }
          for (; r < rows; r++) {
            let c00 = f32x4.splat(0), c01 = f32x4.splat(0)
            let pa0 = x + <usize>(i0 + r) * rowA
            let pbk = pb
            for (let kk = 0; kk < K; kk++) {
              const s = v128.load32_splat(pa0)
              c00 = madd(s, v128.load(pbk), c00)
              c01 = madd(s, v128.load(pbk, 16), c01)
              pa0 += 4
              pbk += 32
            }
            addToPixel(dx, load<i64>(corners + (<usize>r << 3)), c00, c01, ky, kx, channel, h, w, c)
          }
          pb += panelBytes
        }
      }
    }
  }
}

/**
 * Six rows of x (from pa, `rowA` bytes apart) times one packed panel of kernelᵀ (K rows of eight at
 * pb), each row's eight values added at kernel tap (ky, kx) into the pixel of its output cell (the
 * six corners at `at`): `gemmCol2im`'s block for {@link tileRows} 6.
 */
@inline function col2imBlock6(
  pa: usize, rowA: usize, pb: usize, K: i32, at: usize, dx: usize,
  ky: i32, kx: i32, channel: i32, h: i32, w: i32, c: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0)
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0)
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0)
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0)
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0)
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0)
  let pa0 = pa
  for (let kk = 0; kk < K; kk++) {
    const b0 = v128.load(pb)
    const b1 = v128.load(pb, 16)
    let s = v128.load32_splat(pa0)
    c00 = madd(s, b0, c00)
    c01 = madd(s, b1, c01)
    s = v128.load32_splat(pa0 + rowA)
    c10 = madd(s, b0, c10)
    c11 = madd(s, b1, c11)
    s = v128.load32_splat(pa0 + 2 * rowA)
    c20 = madd(s, b0, c20)
    c21 = madd(s, b1, c21)
    s = v128.load32_splat(pa0 + 3 * rowA)
    c30 = madd(s, b0, c30)
    c31 = madd(s, b1, c31)
    s = v128.load32_splat(pa0 + 4 * rowA)
    c40 = madd(s, b0, c40)
    c41 = madd(s, b1, c41)
    s = v128.load32_splat(pa0 + 5 * rowA)
    c50 = madd(s, b0, c50)
    c51 = madd(s, b1, c51)
    pa0 += 4
    pb += 32
  }
  addToPixel(dx, load<i64>(at), c00, c01, ky, kx, channel, h, w, c)
  addToPixel(dx, load<i64>(at, 8), c10, c11, ky, kx, channel, h, w, c)
  addToPixel(dx, load<i64>(at, 16), c20, c21, ky, kx, channel, h, w, c)
  addToPixel(dx, load<i64>(at, 24), c30, c31, ky, kx, channel, h, w, c)
  addToPixel(dx, load<i64>(at, 32), c40, c41, ky, kx, channel, h, w, c)
  addToPixel(dx, load<i64>(at, 40), c50, c51, ky, kx, channel, h, w, c)
}

/**
 * Rows of x per group in `gemmCol2im`: a group (8 KiB of x for 32 filters) stays in the first-level
 * cache while every panel of the kernel passes it.
 */
const COL2IM_ROWS = 64

/** Offset that keeps a corner's (possibly negative) row and column positive in 20 bits. */
const CORNER_BIAS: i32 = 1 << 19

/**
 * Output cell `row` = (b, oy, ox) as the image and the pixel under its kernel tap (0, 0), packed
 * in an i64: b in bits 40 up, oy·stride − top and ox·stride − left (plus {@link CORNER_BIAS}) in
 * twenty bits each below.
 */
@inline function cellCorner(row: i32, stride: i32, top: i32, left: i32, ho: i32, wo: i32): i64 {
  const cells = ho * wo
  const b = row / cells
  const rest = row - b * cells
  const oy = rest / wo
  const ox = rest - oy * wo
  return (
    (<i64>b << 40) |
    (<i64>(oy * stride - top + CORNER_BIAS) << 20) |
    <i64>(ox * stride - left + CORNER_BIAS)
  )
}

/**
 * Adds eight values (lo, hi) at kernel tap (ky, kx) of the output cell whose {@link cellCorner} is
 * `corner` to channels channel … channel + 7 of the pixel that tap reads, when it lies inside the
 * image.
 */
@inline function addToPixel(
  dx: usize, corner: i64, lo: v128, hi: v128, ky: i32, kx: i32, channel: i32,
  h: i32, w: i32, c: i32,
): void {
  const b = <i32>(corner >> 40)
  const iy = (<i32>(corner >> 20) & 0xfffff) - CORNER_BIAS + ky
  const ix = (<i32>corner & 0xfffff) - CORNER_BIAS + kx
  if (iy < 0 || iy >= h || ix < 0 || ix >= w) return
  const dst = dx + (<usize>(((b * h + iy) * w + ix) * c + channel) << 2)
  v128.store(dst, f32x4.add(v128.load(dst), lo))
  v128.store(dst, f32x4.add(v128.load(dst, 16), hi), 16)
}
// --- end conv autoencoder (convae) ---
// --- dec (dec) ---
// Products whose left operand is mostly zeros (a ReLU's outputs, the pixels of digits, a gradient
// taken back through a ReLU): the rows of A are taken two at a time, and only the columns where
// either row is nonzero are summed, with the same loads per multiply-add as `gemm`. DEC's fused
// refinement step uses them (src/core/dec/engine/pairedProducts.ts).

/**
 * Lists, for each pair of rows `2p`, `2p + 1` of A, the columns `k` where either entry is nonzero, as
 * 16-byte entries (`k << 6`, the byte offset of row `k` of a 16-wide panel; the two entries; 0).
 * A is `a` (`rows × cols`, row-major), or its transpose with `transpose` 1. List `p` starts at byte
 * `lists + p × K × 16` (`K`: A's columns); its length goes to the i32 at `counts + 4p`. A last row
 * without a partner is paired with zeros. Returns the number of entries.
 */
export function pairNonzeros(
  a: usize, rows: i32, cols: i32, transpose: i32, lists: usize, counts: usize,
): i32 {
  const M = transpose ? cols : rows
  const K = transpose ? rows : cols
  // Strides of A's rows and columns in `a`, in bytes.
  const rowStride = transpose ? <usize>4 : <usize>cols << 2
  const colStride = transpose ? <usize>cols << 2 : <usize>4
  let total = 0
  for (let p = 0; p < M; p += 2) {
    const first = a + <usize>p * rowStride
    const paired = p + 1 < M
    let entry = lists + <usize>(p >> 1) * (<usize>K << 4)
    let n = 0
    for (let k = 0; k < K; k++) {
      const at = first + <usize>k * colStride
      const v0 = load<f32>(at)
      const v1 = paired ? load<f32>(at + rowStride) : <f32>0
      store<i32>(entry, k << 6)
      store<f32>(entry, v0, 4)
      store<f32>(entry, v1, 8)
      const nonzero = i32(v0 != 0) | i32(v1 != 0)
      n += nonzero
      entry += <usize>nonzero << 4
    }
    store<i32>(counts + (<usize>(p >> 1) << 2), n)
    total += n
  }
  return total
}

/** Copies columns `j0 … j0 + width` of B (`K` rows, strides `bk`, `bj`) into a 16-wide panel, zero-padded. */
@inline function packPanel16(b: usize, bk: i32, bj: i32, j0: i32, width: i32, K: i32, panel: usize): void {
  for (let k = 0; k < K; k++) {
    const dst = panel + (<usize>k << 6)
    const src = b + (<usize>(k * bk + j0 * bj) << 2)
    if (width == 16 && bj == 1) {
      v128.store(dst, v128.load(src))
      v128.store(dst, v128.load(src, 16), 16)
      v128.store(dst, v128.load(src, 32), 32)
      v128.store(dst, v128.load(src, 48), 48)
    } else {
      for (let jj = 0; jj < 16; jj++) {
        store<f32>(dst + (<usize>jj << 2), jj < width ? load<f32>(src + (<usize>(jj * bj) << 2)) : 0)
      }
    }
  }
}

/**
 * C (`M × N`, row-major) = A · B, or C += A · B with `accumulate`, where A (`M × K`) is given by the
 * lists {@link pairNonzeros} made (at `lists`, lengths at `counts`) and B is `K × N` with strides
 * `bk`, `bj`; `panel` holds `K × 16` floats.
 */
export function pairedRowsGemm(
  lists: usize, counts: usize,
  b: usize, bk: i32, bj: i32,
  c: usize, M: i32, K: i32, N: i32,
  accumulate: i32, panel: usize,
): void {
  const rowC = <usize>N << 2
  const listBytes = <usize>K << 4
  for (let j0 = 0; j0 < N; j0 += 16) {
    const width = min(16, N - j0)
    packPanel16(b, bk, bj, j0, width, K, panel)
    for (let p = 0; p < M; p += 2) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0)
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0)
      let entry = lists + <usize>(p >> 1) * listBytes
      const end = entry + (<usize>load<i32>(counts + (<usize>(p >> 1) << 2)) << 4)
      while (entry < end) {
        const pb = panel + <usize>load<i32>(entry)
        const b0 = v128.load(pb)
        const b1 = v128.load(pb, 16)
        const b2 = v128.load(pb, 32)
        const b3 = v128.load(pb, 48)
        let s = v128.load32_splat(entry + 4)
        c00 = madd(s, b0, c00)
        c01 = madd(s, b1, c01)
        c02 = madd(s, b2, c02)
        c03 = madd(s, b3, c03)
        s = v128.load32_splat(entry + 8)
        c10 = madd(s, b0, c10)
        c11 = madd(s, b1, c11)
        c12 = madd(s, b2, c12)
        c13 = madd(s, b3, c13)
        entry += 16
      }
      const out = c + <usize>p * rowC + (<usize>j0 << 2)
      storeRow(out, c00, c01, min(8, width), accumulate)
      if (width > 8) storeRow(out + 32, c02, c03, width - 8, accumulate)
      if (p + 1 < M) {
        storeRow(out + rowC, c10, c11, min(8, width), accumulate)
        if (width > 8) storeRow(out + rowC + 32, c12, c13, width - 8, accumulate)
      }
    }
  }
}
// --- end dec (dec) ---

// --- rbm/kmeans (rbmkmeans) ---

/**
 * A whole contrastive-divergence step of a Bernoulli RBM in one call: the sequence of kernel calls
 * FusedRBMTrainer makes one by one (assembly's `gemm`, `addBias`, `bernoulliDraw`, `columnSums`,
 * `rbmUpdate`), with the same buffers, the same draws and the same rounding, so both give the same
 * update (`rbmUpdateSimd` gives `rbmUpdate`'s bits). `layout` holds the trainer's buffer offsets and sizes as i32, in this order: params, grads,
 * velocity, input, positive, chains, negativeVisible, negativeHidden, products, negativeMeans,
 * scratch, zeros, panel, visible, hidden, transposed (room for the weights transposed, hidden ×
 * visible: the products with Wᵀ read it, so `gemm` packs its panels with vector copies instead of
 * strided scalar loads — the same values in the same order, so the same bits). `states` holds the generator states of the draws in the
 * order the step takes them (CD's first draw, then two per Gibbs step); `flips` (0: none) the value
 * of each row flipped for the stochastic pseudo-likelihood. Writes the reconstruction error per row
 * and the pseudo-likelihood (NaN without flips) as two f64 at `out`.
 */
export function rbmStep(
  layout: usize, states: usize, flips: usize, rows: i32, chainRows: i32, gibbs: i32,
  persistent: i32, rate: f64, momentum: f64, decay: f64, useVelocity: i32, keep: i32, out: usize,
): void {
  const W = <usize>load<i32>(layout)
  const grads = <usize>load<i32>(layout, 4)
  const velocity = <usize>load<i32>(layout, 8)
  const input = <usize>load<i32>(layout, 12)
  const positive = <usize>load<i32>(layout, 16)
  const chains = <usize>load<i32>(layout, 20)
  const negativeVisibleBuffer = <usize>load<i32>(layout, 24)
  const negativeHiddenBuffer = <usize>load<i32>(layout, 28)
  const products = <usize>load<i32>(layout, 32)
  const negativeMeans = <usize>load<i32>(layout, 36)
  const zeros = <usize>load<i32>(layout, 44)
  const panel = <usize>load<i32>(layout, 48)
  const V = load<i32>(layout, 52)
  const H = load<i32>(layout, 56)
  const WT = <usize>load<i32>(layout, 60)
  const c = W + ((<usize>V * <usize>H) << 2)
  const b = c + (<usize>H << 2)
  // Positive phase: pre-activations vW + c, the pseudo-likelihood from them, then p(h | v).
  gemm(input, V, 1, W, H, 1, positive, rows, V, H, 0, panel)
  addBias(positive, c, rows, H, 0)
  let likelihood: f64 = NaN
  if (flips) likelihood = rbmPseudoLikelihood(input, positive, W, b, zeros, flips, rows, V, H)
  else addBias(positive, zeros, rows, H, 2)
  let draw = 0
  let cr = chainRows
  if (!persistent) {
    bernoulliDraw(positive, chains, rows * H, load<i32>(states))
    draw = 1
    cr = rows
  }
  let negativeVisible = input
  let negativeHidden = positive
  if (gibbs > 0) transposeInto(W, WT, V, H)
  for (let g = 0; g < gibbs; g++) {
    negativeVisible = negativeVisibleBuffer
    negativeHidden = negativeHiddenBuffer
    gemm(chains, H, 1, WT, V, 1, negativeVisible, cr, H, V, 0, panel)
    addBias(negativeVisible, b, cr, V, 2)
    bernoulliDraw(negativeVisible, negativeVisible, cr * V, load<i32>(states + (<usize>draw << 2)))
    gemm(negativeVisible, V, 1, W, H, 1, negativeHidden, cr, V, H, 0, panel)
    addBias(negativeHidden, c, cr, H, 2)
    bernoulliDraw(negativeHidden, chains, cr * H, load<i32>(states + (<usize>(draw + 1) << 2)))
    draw += 2
  }
  // Statistics: ⟨vhᵀ⟩ and the column means of each phase, then the update.
  gemm(input, 1, V, positive, H, 1, grads, V, rows, H, 0, panel)
  gemm(negativeVisible, 1, V, negativeHidden, H, 1, products, V, cr, H, 0, panel)
  const gc = grads + ((<usize>V * <usize>H) << 2)
  const gb = gc + (<usize>H << 2)
  columnSums(positive, gc, rows, H, 0)
  columnSums(input, gb, rows, V, 0)
  columnSums(negativeHidden, negativeMeans, cr, H, 0)
  columnSums(negativeVisible, negativeMeans + (<usize>H << 2), cr, V, 0)
  rbmUpdateSimd(
    W, grads, products, negativeMeans, velocity, V * H, V * H + H + V, rows, cr,
    rate, momentum, decay, useVelocity, keep,
  )
  // Squared error per row of the mean-field reconstruction from p(h | v), with the new weights.
  transposeInto(W, WT, V, H)
  gemm(positive, H, 1, WT, V, 1, negativeVisibleBuffer, rows, H, V, 0, panel)
  addBias(negativeVisibleBuffer, b, rows, V, 2)
  let total: f64 = 0
  for (let i = 0; i < rows * V; i++) {
    const o = <usize>i << 2
    const d = <f64>load<f32>(input + o) - <f64>load<f32>(negativeVisibleBuffer + o)
    total += d * d
  }
  store<f64>(out, total / <f64>rows)
  store<f64>(out, likelihood, 8)
}

/**
 * Writes the `rows × cols` matrix at `src` transposed (`cols × rows`) to `dst`: 4×4 blocks through
 * SIMD shuffles, the edges one value at a time.
 */
function transposeInto(src: usize, dst: usize, rows: i32, cols: i32): void {
  const r4 = rows & ~3
  const c4 = cols & ~3
  const rowBytes = <usize>cols << 2
  const columnBytes = <usize>rows << 2
  for (let i = 0; i < r4; i += 4) {
    const from = src + <usize>i * rowBytes
    for (let j = 0; j < c4; j += 4) {
      const a = from + (<usize>j << 2)
      const r0 = v128.load(a)
      const r1 = v128.load(a + rowBytes)
      const r2 = v128.load(a + 2 * rowBytes)
      const r3 = v128.load(a + 3 * rowBytes)
      const t0 = v128.shuffle<u32>(r0, r1, 0, 4, 1, 5)
      const t1 = v128.shuffle<u32>(r0, r1, 2, 6, 3, 7)
      const t2 = v128.shuffle<u32>(r2, r3, 0, 4, 1, 5)
      const t3 = v128.shuffle<u32>(r2, r3, 2, 6, 3, 7)
      const d = dst + <usize>j * columnBytes + (<usize>i << 2)
      v128.store(d, v128.shuffle<u32>(t0, t2, 0, 1, 4, 5))
      v128.store(d + columnBytes, v128.shuffle<u32>(t0, t2, 2, 3, 6, 7))
      v128.store(d + 2 * columnBytes, v128.shuffle<u32>(t1, t3, 0, 1, 4, 5))
      v128.store(d + 3 * columnBytes, v128.shuffle<u32>(t1, t3, 2, 3, 6, 7))
    }
    for (let j = c4; j < cols; j++) {
      for (let ii = i; ii < i + 4; ii++) {
        store<f32>(dst + <usize>j * columnBytes + (<usize>ii << 2), load<f32>(src + <usize>ii * rowBytes + (<usize>j << 2)))
      }
    }
  }
  for (let i = r4; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      store<f32>(dst + <usize>j * columnBytes + (<usize>i << 2), load<f32>(src + <usize>i * rowBytes + (<usize>j << 2)))
    }
  }
}

/** Four float32 values `x` each multiplied by the float64 `scale` (`f64x2` splat), rounded to float32. */
@inline
function scaledF32(x: v128, scale: v128): v128 {
  const low = f32x4.demote_f64x2_zero(f64x2.mul(scale, f64x2.promote_low_f32x4(x)))
  const high = f32x4.demote_f64x2_zero(
    f64x2.mul(scale, f64x2.promote_low_f32x4(v128.shuffle<u32>(x, x, 2, 3, 2, 3))),
  )
  return v128.shuffle<u32>(low, high, 0, 1, 4, 5)
}

/**
 * `rbmUpdate` with the weights four at a time (SIMD): every lane rounds as the scalar kernel does
 * (float32 statistics, the float64 products rounded once), so both give the same bits.
 */
export function rbmUpdateSimd(
  params: usize, pos: usize, products: usize, sums: usize, velocity: usize,
  weights: i32, n: i32, rows: i32, chainRows: i32,
  rate: f64, momentum: f64, decay: f64, useVelocity: i32, keep: i32,
): void {
  const r = f32x4.splat(<f32>rows)
  const cr = f32x4.splat(<f32>chainRows)
  const rates = f64x2.splat(rate)
  const momenta = f64x2.splat(momentum)
  const decays = f64x2.splat(decay)
  const vector = weights & ~3
  for (let i = 0; i < vector; i += 4) {
    const o = <usize>i << 2
    let gradient = f32x4.sub(
      f32x4.div(v128.load(pos + o), r),
      f32x4.div(v128.load(products + o), cr),
    )
    const p = v128.load(params + o)
    if (decay > 0) gradient = f32x4.sub(gradient, scaledF32(p, decays))
    let change = scaledF32(gradient, rates)
    if (useVelocity) change = f32x4.add(scaledF32(v128.load(velocity + o), momenta), change)
    v128.store(params + o, f32x4.add(p, change))
    if (keep) v128.store(velocity + o, change)
  }
  rbmUpdateFrom(
    vector, params, pos, products, sums, velocity, weights, n, rows, chainRows,
    rate, momentum, decay, useVelocity, keep,
  )
}

function softplus64(x: f64): f64 {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))
}

/**
 * Σ softplus(l) over the `n` logits l = f32(x + d·w) (`x`, `w` float32, the sum in float64 rounded
 * once to float32, two lanes at a time): what `bernoulliLoss` returns for those logits written out
 * with target 0 — the same float32 lanes, blocks and float64 sums, so the same bits — without
 * writing the logits or their sigmoids.
 */
function flippedSoftplusSum(x: usize, w: usize, d: f64, n: i32): f64 {
  let total: f64 = 0
  const zero = f32x4.splat(0)
  const dd = f64x2.splat(d)
  let i = 0
  while (i + 4 <= n) {
    let block = f32x4.splat(0)
    const end = min(n & ~3, i + 256)
    for (; i < end; i += 4) {
      const p = <usize>i << 2
      const xs = v128.load(x + p)
      const ws = v128.load(w + p)
      const low = f32x4.demote_f64x2_zero(
        f64x2.add(f64x2.promote_low_f32x4(xs), f64x2.mul(dd, f64x2.promote_low_f32x4(ws))),
      )
      const high = f32x4.demote_f64x2_zero(
        f64x2.add(
          f64x2.promote_low_f32x4(v128.shuffle<u32>(xs, xs, 2, 3, 2, 3)),
          f64x2.mul(dd, f64x2.promote_low_f32x4(v128.shuffle<u32>(ws, ws, 2, 3, 2, 3))),
        ),
      )
      const l = v128.shuffle<u32>(low, high, 0, 1, 4, 5)
      const e = expNonPositive(f32x4.neg(f32x4.abs(l)))
      block = f32x4.add(block, f32x4.add(f32x4.max(l, zero), log1pUnit(e)))
    }
    total +=
      <f64>f32x4.extract_lane(block, 0) +
      <f64>f32x4.extract_lane(block, 1) +
      <f64>f32x4.extract_lane(block, 2) +
      <f64>f32x4.extract_lane(block, 3)
  }
  for (; i < n; i++) {
    const p = <usize>i << 2
    const l = <f32>(<f64>load<f32>(x + p) + d * <f64>load<f32>(w + p))
    const e = Mathf.exp(-Mathf.abs(l))
    total += <f64>(max(l, 0) + Mathf.log1p(e))
  }
  return total
}

/**
 * The mean over the rows of `−V · softplus(F(v) − F(ṽ))`, ṽ being v with its value `flips[r]` turned
 * to `1 − v`, as FusedRBMTrainer's pseudoLikelihood computes it from x = vW + c (in `positive`),
 * which it turns into p(h | v) row by row (the `bernoulliLoss` gradient with scale 1).
 */
function rbmPseudoLikelihood(
  input: usize, positive: usize, W: usize, b: usize, zeros: usize, flips: usize,
  rows: i32, V: i32, H: i32,
): f64 {
  let total: f64 = 0
  for (let r = 0; r < rows; r++) {
    const i = load<i32>(flips + (<usize>r << 2))
    const d: f64 = 1 - 2 * <f64>load<f32>(input + ((<usize>r * <usize>V + <usize>i) << 2))
    const row = positive + ((<usize>r * <usize>H) << 2)
    const weights = W + ((<usize>i * <usize>H) << 2)
    const flippedSum = flippedSoftplusSum(row, weights, d, H)
    const sum = bernoulliLoss(row, zeros, row, H, 1)
    total += -<f64>V * softplus64(d * <f64>load<f32>(b + (<usize>i << 2)) - sum + flippedSum)
  }
  return total / <f64>rows
}
// --- end rbm/kmeans (rbmkmeans) ---

// --- rbm/kmeans (rbmkmeans): k-means++ ---

/**
 * One round of greedy k-means++ over `n` rows: turns `dots` (`n × t`, the rows' dot products with
 * `t` candidate rows, the rows `candidates` (i32)) into squared distances `‖x‖² − 2 x·c + ‖c‖²` in
 * float32, never below 0 (`norms`: the rows' squared norms, f32), and writes to `potentials` (`t`
 * f64) each candidate's potential `Σ min(closest, distance)` over the rows in order (`closest`: each
 * row's squared distance to its nearest centre so far, f64) — what kMeansPlusPlus computes on the
 * host.
 */
export function seedTrials(
  dots: usize, norms: usize, candidates: usize, closest: usize, n: i32, t: i32, potentials: usize,
): void {
  for (let r = 0; r < n; r++) {
    const norm = load<f32>(norms + (<usize>r << 2))
    for (let i = 0; i < t; i++) {
      const at = dots + ((<usize>r * <usize>t + <usize>i) << 2)
      const candidate = load<i32>(candidates + (<usize>i << 2))
      const centred: f32 = norm - <f32>2 * load<f32>(at)
      const distance: f32 = centred + load<f32>(norms + (<usize>candidate << 2))
      store<f32>(at, distance > 0 ? distance : <f32>0)
    }
  }
  for (let i = 0; i < t; i++) {
    let sum: f64 = 0
    for (let r = 0; r < n; r++) {
      const distance = <f64>load<f32>(dots + ((<usize>r * <usize>t + <usize>i) << 2))
      sum += Math.min(load<f64>(closest + (<usize>r << 3)), distance)
    }
    store<f64>(potentials + (<usize>i << 3), sum)
  }
}

/**
 * After a k-means++ round: each row's `closest` (f64) becomes the smaller of it and its distance to
 * candidate `best` (column `best` of `distances`, `n × t` f32), and `cumulative` (f64) the running sum
 * of the new `closest` over the rows, for the next round's draws.
 */
export function seedKeep(
  distances: usize, closest: usize, cumulative: usize, n: i32, t: i32, best: i32,
): void {
  let running: f64 = 0
  for (let r = 0; r < n; r++) {
    const at = closest + (<usize>r << 3)
    const distance = <f64>load<f32>(distances + ((<usize>r * <usize>t + <usize>best) << 2))
    const value = Math.min(load<f64>(at), distance)
    store<f64>(at, value)
    running += value
    store<f64>(cumulative + (<usize>r << 3), running)
  }
}
// --- end rbm/kmeans (rbmkmeans): k-means++ ---

// --- rbm/kmeans (s8) ---

/** The lowest score {@link nearestOfTwelve} found (a global: each instance, each thread, has its own). */
let nearestScore: f32 = 0

/**
 * The index of the lowest `norm_c − 2·dot_c` over lanes 0 … k − 1 of three vectors (the first of
 * equals), each score in float32 as `nearestSums` computes it; the score in {@link nearestScore}.
 */
@inline function nearestOfTwelve(
  n0: v128, n1: v128, n2: v128, d0: v128, d1: v128, d2: v128, k: i32,
): i32 {
  const two = f32x4.splat(2)
  const s0 = f32x4.sub(n0, f32x4.mul(two, d0))
  const s1 = f32x4.sub(n1, f32x4.mul(two, d1))
  const s2 = f32x4.sub(n2, f32x4.mul(two, d2))
  // Lane by lane in order, each compared only when it is a centroid (c < k): the loop over c it
  // replaces, unrolled with constant lanes.
  let lowest = f32x4.extract_lane(s0, 0)
  let index = 0
  let v = f32x4.extract_lane(s0, 1)
  if (k > 1 && v < lowest) { lowest = v; index = 1 }
  v = f32x4.extract_lane(s0, 2)
  if (k > 2 && v < lowest) { lowest = v; index = 2 }
  v = f32x4.extract_lane(s0, 3)
  if (k > 3 && v < lowest) { lowest = v; index = 3 }
  v = f32x4.extract_lane(s1, 0)
  if (k > 4 && v < lowest) { lowest = v; index = 4 }
  v = f32x4.extract_lane(s1, 1)
  if (k > 5 && v < lowest) { lowest = v; index = 5 }
  v = f32x4.extract_lane(s1, 2)
  if (k > 6 && v < lowest) { lowest = v; index = 6 }
  v = f32x4.extract_lane(s1, 3)
  if (k > 7 && v < lowest) { lowest = v; index = 7 }
  v = f32x4.extract_lane(s2, 0)
  if (k > 8 && v < lowest) { lowest = v; index = 8 }
  v = f32x4.extract_lane(s2, 1)
  if (k > 9 && v < lowest) { lowest = v; index = 9 }
  v = f32x4.extract_lane(s2, 2)
  if (k > 10 && v < lowest) { lowest = v; index = 10 }
  v = f32x4.extract_lane(s2, 3)
  if (k > 11 && v < lowest) { lowest = v; index = 11 }
  nearestScore = lowest
  return index
}

/**
 * `gemm` of the rows and the centroids then `nearestSums`, in one pass for 9 to 12 centroids (where
 * `gemm`'s eight-column panels would compute 16): `panel` holds the centroids as `d` rows of twelve
 * float32 (centroid c's value j at `panel[12j + c]`, zero padded), and each dot product is the
 * chain of multiply-adds `gemm` computes, in the same order, so the same scores, nearest centroids,
 * sums and inertia — without writing the scores.
 */
export function nearestSumsNarrow(
  x: usize, panel: usize, norms: usize, count: i32, k: i32, d: i32,
  sums: usize, counts: usize, inertia: f64,
): f64 {
  const n0 = v128.load(norms)
  const n1 = v128.load(norms, 16)
  const n2 = k > 8 ? v128.load(norms, 32) : f32x4.splat(0)
  const rowBytes = <usize>d << 2
  let total = inertia
  let best = 0
  let r = 0
  for (; r + 2 <= count; r += 2) {
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0)
    let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0)
    const row0 = x + <usize>r * rowBytes
    let pa = row0
    let pb = panel
    for (let j = 0; j < d; j++) {
      const b0 = v128.load(pb)
      const b1 = v128.load(pb, 16)
      const b2 = v128.load(pb, 32)
      let s = v128.load32_splat(pa)
      c00 = madd(s, b0, c00)
      c01 = madd(s, b1, c01)
      c02 = madd(s, b2, c02)
      s = v128.load32_splat(pa + rowBytes)
      c10 = madd(s, b0, c10)
      c11 = madd(s, b1, c11)
      c12 = madd(s, b2, c12)
      pa += 4
      pb += 48
    }
    best = nearestOfTwelve(n0, n1, n2, c00, c01, c02, k)
    total += <f64>nearestScore
    addRowToSum(row0, sums, counts, best, d)
    best = nearestOfTwelve(n0, n1, n2, c10, c11, c12, k)
    total += <f64>nearestScore
    addRowToSum(row0 + rowBytes, sums, counts, best, d)
  }
  for (; r < count; r++) {
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0)
    const row = x + <usize>r * rowBytes
    let pa = row
    let pb = panel
    for (let j = 0; j < d; j++) {
      const s = v128.load32_splat(pa)
      c00 = madd(s, v128.load(pb), c00)
      c01 = madd(s, v128.load(pb, 16), c01)
      c02 = madd(s, v128.load(pb, 32), c02)
      pa += 4
      pb += 48
    }
    best = nearestOfTwelve(n0, n1, n2, c00, c01, c02, k)
    total += <f64>nearestScore
    addRowToSum(row, sums, counts, best, d)
  }
  return total
}
// --- end rbm/kmeans (s8) ---

// --- rbm/kmeans (s9) ---

/**
 * Copies the rows `indices` (`count` i32) of `src` (rows of `d` floats) one after the other to
 * `dst`, four floats at a time: mini-batch k-means' batch gathered from the rows kept in kernel
 * memory, the same values the host's row-by-row copy writes.
 */
export function gatherRows(src: usize, indices: usize, count: i32, d: i32, dst: usize): void {
  const bytes = <usize>d << 2
  const vector = bytes & ~(<usize>15)
  for (let i = 0; i < count; i++) {
    const from = src + <usize>load<i32>(indices + (<usize>i << 2)) * bytes
    const to = dst + <usize>i * bytes
    let o: usize = 0
    for (; o < vector; o += 16) v128.store(to + o, v128.load(from + o))
    for (; o < bytes; o += 4) store<f32>(to + o, load<f32>(from + o))
  }
}
// --- end rbm/kmeans (s9) ---

// --- conv (s10) ---

/**
 * C (M×N, row-major) = A·B, or C += A·B when `accumulate` is 1, with `gemm`'s arguments, for a B
 * small enough to pack whole: `panel` is scratch for K·8·⌈N/8⌉ floats. All of B is packed once (eight
 * columns a panel, as `gemm` packs them), then each block of four rows of A meets every panel while
 * those rows are in the first-level cache, so A is read from memory once rather than once per eight
 * columns of C (`gemm` streams the whole of A past each panel: for the conv autoencoder's
 * 3136×256×32 product, 3 MiB of patches four times). Every element of C sums over K in `gemm`'s
 * order, so the bits are `gemm`'s.
 */
export function gemmPackedB(
  a: usize, ai: i32, ak: i32,
  b: usize, bk: i32, bj: i32,
  c: usize, M: i32, K: i32, N: i32,
  accumulate: i32, panel: usize,
): void {
  const stepA = <usize>ak << 2
  const rowA = <usize>ai << 2
  const rowC = <usize>N << 2
  const panelBytes = <usize>K << 5
  for (let j0 = 0; j0 < N; j0 += 8) {
    packPanel(b, bk, bj, j0, min(8, N - j0), K, panel + <usize>(j0 >> 3) * panelBytes)
  }
  let i = 0
  if (tileRows == 6) {
    for (; i + 6 <= M; i += 6) {
      const pa = a + <usize>i * rowA
      let pb = panel
      for (let j0 = 0; j0 < N; j0 += 8) {
        tile6x8(pa, rowA, stepA, pb, K, c + (<usize>(i * N + j0) << 2), rowC, min(8, N - j0), accumulate)
        pb += panelBytes
      }
    }
  }
  for (; i + 4 <= M; i += 4) {
    const pa = a + <usize>i * rowA
    let pb = panel
    for (let j0 = 0; j0 < N; j0 += 8) {
      tile4x8(pa, rowA, stepA, pb, K, c + (<usize>(i * N + j0) << 2), rowC, min(8, N - j0), accumulate)
      pb += panelBytes
    }
  }
  for (; i < M; i++) {
    const pa = a + <usize>i * rowA
    let pb = panel
    for (let j0 = 0; j0 < N; j0 += 8) {
      tile1x8(pa, stepA, pb, K, c + (<usize>(i * N + j0) << 2), min(8, N - j0), accumulate)
      pb += panelBytes
    }
  }
}

/**
 * Rows pa … pa + 3·rowA of A (elements `stepA` bytes apart) times one packed panel of B (K rows of
 * eight floats at pb): the 4×8 block of C at `out` (rows `rowC` bytes apart, `width` columns kept).
 */
@inline function tile4x8(
  pa: usize, rowA: usize, stepA: usize, pb: usize, K: i32,
  out: usize, rowC: usize, width: i32, accumulate: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0)
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0)
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0)
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0)
  let pa0 = pa
  let pa1 = pa0 + rowA
  let pa2 = pa1 + rowA
  let pa3 = pa2 + rowA
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb)
    const b1 = v128.load(pb, 16)
    let s = v128.load32_splat(pa0)
    c00 = madd(s, b0, c00)
    c01 = madd(s, b1, c01)
    s = v128.load32_splat(pa1)
    c10 = madd(s, b0, c10)
    c11 = madd(s, b1, c11)
    s = v128.load32_splat(pa2)
    c20 = madd(s, b0, c20)
    c21 = madd(s, b1, c21)
    s = v128.load32_splat(pa3)
    c30 = madd(s, b0, c30)
    c31 = madd(s, b1, c31)
    pa0 += stepA
    pa1 += stepA
    pa2 += stepA
    pa3 += stepA
    pb += 32
  }
  storeRow(out, c00, c01, width, accumulate)
  storeRow(out + rowC, c10, c11, width, accumulate)
  storeRow(out + 2 * rowC, c20, c21, width, accumulate)
  storeRow(out + 3 * rowC, c30, c31, width, accumulate)
}

/**
 * {@link tile4x8} for rows pa … pa + 5·rowA: a 6×8 block of C in twelve registers. Unrolled by hand
 * like it (and `col2imBlock6` like `gemmCol2im`'s four-row block): each accumulator must be a local
 * of its own for the engine to keep it in a register.
 */
@inline function tile6x8(
  pa: usize, rowA: usize, stepA: usize, pb: usize, K: i32,
  out: usize, rowC: usize, width: i32, accumulate: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0)
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0)
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0)
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0)
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0)
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0)
  let pa0 = pa
  let pa1 = pa0 + rowA
  let pa2 = pa1 + rowA
  let pa3 = pa2 + rowA
  let pa4 = pa3 + rowA
  let pa5 = pa4 + rowA
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb)
    const b1 = v128.load(pb, 16)
    let s = v128.load32_splat(pa0)
    c00 = madd(s, b0, c00)
    c01 = madd(s, b1, c01)
    s = v128.load32_splat(pa1)
    c10 = madd(s, b0, c10)
    c11 = madd(s, b1, c11)
    s = v128.load32_splat(pa2)
    c20 = madd(s, b0, c20)
    c21 = madd(s, b1, c21)
    s = v128.load32_splat(pa3)
    c30 = madd(s, b0, c30)
    c31 = madd(s, b1, c31)
    s = v128.load32_splat(pa4)
    c40 = madd(s, b0, c40)
    c41 = madd(s, b1, c41)
    s = v128.load32_splat(pa5)
    c50 = madd(s, b0, c50)
    c51 = madd(s, b1, c51)
    pa0 += stepA
    pa1 += stepA
    pa2 += stepA
    pa3 += stepA
    pa4 += stepA
    pa5 += stepA
    pb += 32
  }
  storeRow(out, c00, c01, width, accumulate)
  storeRow(out + rowC, c10, c11, width, accumulate)
  storeRow(out + 2 * rowC, c20, c21, width, accumulate)
  storeRow(out + 3 * rowC, c30, c31, width, accumulate)
  storeRow(out + 4 * rowC, c40, c41, width, accumulate)
  storeRow(out + 5 * rowC, c50, c51, width, accumulate)
}

/** One row of A times one packed panel of B: eight values of C at `out` (`width` kept). */
@inline function tile1x8(
  pa: usize, stepA: usize, pb: usize, K: i32, out: usize, width: i32, accumulate: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0)
  let pa0 = pa
  for (let k = 0; k < K; k++) {
    const s = v128.load32_splat(pa0)
    c00 = madd(s, v128.load(pb), c00)
    c01 = madd(s, v128.load(pb, 16), c01)
    pa0 += stepA
    pb += 32
  }
  storeRow(out, c00, c01, width, accumulate)
}
// --- end conv (s10) ---

// --- kmeans/rbm (s10) ---

/** Adds `value` (f64) to the float64 at `at`. */
@inline function addTo(at: usize, value: f64): void {
  store<f64>(at, load<f64>(at) + value)
}

/**
 * Adds the pair of float32 at `values` (promoted) and their squares to the float64 pairs at
 * `sumAt` and `squareAt`; returns the squares.
 */
@inline function addPair(values: usize, sumAt: usize, squareAt: usize): v128 {
  const pair = f64x2.promote_low_f32x4(v128.load64_zero(values))
  const squared = f64x2.mul(pair, pair)
  v128.store(sumAt, f64x2.add(v128.load(sumAt), pair))
  v128.store(squareAt, f64x2.add(v128.load(squareAt), squared))
  return squared
}

/** `Math.fround(norm + first + second)` as two float32-rounded additions, the host's order. */
@inline function normOfPair(norm: f32, squared: v128): f32 {
  const once = <f32>(<f64>norm + f64x2.extract_lane(squared, 0))
  return <f32>(<f64>once + f64x2.extract_lane(squared, 1))
}

/** A value's square added to its feature's float64 sums; the square returned. */
@inline function addValue(values: usize, sumAt: usize, squareAt: usize): f64 {
  const value = <f64>load<f32>(values)
  const squared = value * value
  addTo(sumAt, value)
  addTo(squareAt, squared)
  return squared
}

/**
 * A Lloyd fit's passes over its `n` rows `x` (`n × d` float32, in kernel memory), in one call:
 * each row's squared norm in float32 into `rowNorms` (`Math.fround(norm + v²)` value by value, as
 * k-means++ takes them), each feature's float64 sum and sum of squares added to `featureSums` and
 * `featureSquares` (`d` f64 each, row after row: the mean per-feature variance Lloyd's tolerance is
 * relative to), and the float64 sum of every `v²` in order, returned (the rows' `Σ‖x‖²` the inertia
 * adds) — the same operations in the same order as the host loops they replace, so the same bits.
 * Four rows at a time: their norms are four independent chains of roundings.
 */
export function rowStats(
  x: usize, n: i32, d: i32, rowNorms: usize, featureSums: usize, featureSquares: usize,
): f64 {
  const rowBytes = <usize>d << 2
  let r = 0
  for (; r + 4 <= n; r += 4) {
    const a = x + <usize>r * rowBytes
    const b = a + rowBytes
    const c = b + rowBytes
    const e = c + rowBytes
    let na: f32 = 0
    let nb: f32 = 0
    let nc: f32 = 0
    let ne: f32 = 0
    let j = 0
    for (; j + 2 <= d; j += 2) {
      const at = <usize>j << 2
      const sumAt = featureSums + (<usize>j << 3)
      const squareAt = featureSquares + (<usize>j << 3)
      na = normOfPair(na, addPair(a + at, sumAt, squareAt))
      nb = normOfPair(nb, addPair(b + at, sumAt, squareAt))
      nc = normOfPair(nc, addPair(c + at, sumAt, squareAt))
      ne = normOfPair(ne, addPair(e + at, sumAt, squareAt))
    }
    if (j < d) {
      const at = <usize>j << 2
      const sumAt = featureSums + (<usize>j << 3)
      const squareAt = featureSquares + (<usize>j << 3)
      na = <f32>(<f64>na + addValue(a + at, sumAt, squareAt))
      nb = <f32>(<f64>nb + addValue(b + at, sumAt, squareAt))
      nc = <f32>(<f64>nc + addValue(c + at, sumAt, squareAt))
      ne = <f32>(<f64>ne + addValue(e + at, sumAt, squareAt))
    }
    const normsAt = rowNorms + (<usize>r << 2)
    store<f32>(normsAt, na)
    store<f32>(normsAt, nb, 4)
    store<f32>(normsAt, nc, 8)
    store<f32>(normsAt, ne, 12)
  }
  for (; r < n; r++) {
    const row = x + <usize>r * rowBytes
    let norm: f32 = 0
    let j = 0
    for (; j + 2 <= d; j += 2) {
      const squared = addPair(
        row + (<usize>j << 2),
        featureSums + (<usize>j << 3),
        featureSquares + (<usize>j << 3),
      )
      norm = normOfPair(norm, squared)
    }
    if (j < d) {
      const squared = addValue(
        row + (<usize>j << 2),
        featureSums + (<usize>j << 3),
        featureSquares + (<usize>j << 3),
      )
      norm = <f32>(<f64>norm + squared)
    }
    store<f32>(rowNorms + (<usize>r << 2), norm)
  }
  // Σ v² over every value in order: one chain, as the host sums it.
  let total: f64 = 0
  const values = <usize>n * <usize>d
  for (let i: usize = 0; i < values; i++) {
    const value = <f64>load<f32>(x + (i << 2))
    total += value * value
  }
  return total
}

/** A k-means++ distance in float32 as `seedTrials` computes it: `‖x‖² − 2 x·c + ‖c‖²`, never below 0. */
@inline function seedDistance(norm: f32, dot: f32, candidateNorm: f32): f32 {
  const centred: f32 = norm - <f32>2 * dot
  const distance: f32 = centred + candidateNorm
  return distance > 0 ? distance : <f32>0
}

/**
 * `gemm` of the rows and at most four candidates then `seedTrials`, in one pass (where `gemm`'s
 * eight-column panel would compute eight dot products per row for four): `panel` holds the
 * candidates as `d` rows of four float32 (candidate i's value j at `panel[4j + i]`, zero padded),
 * each dot product the chain of multiply-adds `gemm` computes, in its order; the distances go to
 * `distances` (`n × t`, as `seedTrials` leaves them for `seedKeep`) and each candidate's potential
 * `Σ min(closest, distance)` over the rows in order to `potentials` (`t` f64): the same bits.
 */
export function seedRound(
  x: usize, panel: usize, norms: usize, candidates: usize, closest: usize, n: i32, d: i32, t: i32,
  distances: usize, potentials: usize,
): void {
  const rowBytes = <usize>d << 2
  const norm0 = load<f32>(norms + (<usize>load<i32>(candidates) << 2))
  const norm1 = t > 1 ? load<f32>(norms + (<usize>load<i32>(candidates, 4) << 2)) : <f32>0
  const norm2 = t > 2 ? load<f32>(norms + (<usize>load<i32>(candidates, 8) << 2)) : <f32>0
  const norm3 = t > 3 ? load<f32>(norms + (<usize>load<i32>(candidates, 12) << 2)) : <f32>0
  let p0: f64 = 0
  let p1: f64 = 0
  let p2: f64 = 0
  let p3: f64 = 0
  for (let r = 0; r < n; r++) {
    let dots = f32x4.splat(0)
    let pa = x + <usize>r * rowBytes
    let pb = panel
    for (let j = 0; j < d; j++) {
      dots = madd(v128.load32_splat(pa), v128.load(pb), dots)
      pa += 4
      pb += 16
    }
    const norm = load<f32>(norms + (<usize>r << 2))
    const near = load<f64>(closest + (<usize>r << 3))
    const out = distances + ((<usize>r * <usize>t) << 2)
    const d0 = seedDistance(norm, f32x4.extract_lane(dots, 0), norm0)
    store<f32>(out, d0)
    p0 += Math.min(near, <f64>d0)
    if (t > 1) {
      const d1 = seedDistance(norm, f32x4.extract_lane(dots, 1), norm1)
      store<f32>(out, d1, 4)
      p1 += Math.min(near, <f64>d1)
    }
    if (t > 2) {
      const d2 = seedDistance(norm, f32x4.extract_lane(dots, 2), norm2)
      store<f32>(out, d2, 8)
      p2 += Math.min(near, <f64>d2)
    }
    if (t > 3) {
      const d3 = seedDistance(norm, f32x4.extract_lane(dots, 3), norm3)
      store<f32>(out, d3, 12)
      p3 += Math.min(near, <f64>d3)
    }
  }
  store<f64>(potentials, p0)
  if (t > 1) store<f64>(potentials, p1, 8)
  if (t > 2) store<f64>(potentials, p2, 16)
  if (t > 3) store<f64>(potentials, p3, 24)
}
// --- end kmeans/rbm (s10) ---

// ─── Lasso coordinate descent (float64; src/core/sparse/lassoCoordinateDescent.ts) ───────────────

/**
 * r[l] −= change·G[row, l] over l < k: two float64 lanes at a time (a multiply, then a subtract,
 * each rounded as one at a time would be: the same bits as the TypeScript loop).
 */
@inline function subtractScaledRow(r: usize, gramRow: usize, change: f64, k: i32): void {
  const scale = f64x2.splat(change)
  let l = 0
  for (; l + 2 <= k; l += 2) {
    const o = <usize>l << 3
    v128.store(r + o, f64x2.sub(v128.load(r + o), f64x2.mul(scale, v128.load(gramRow + o))))
  }
  if (l < k) {
    const o = <usize>l << 3
    store<f64>(r + o, load<f64>(r + o) - change * load<f64>(gramRow + o))
  }
}

/** The soft-thresholded minimiser of one coordinate, given z = rⱼ + Gⱼⱼ·aⱼ. */
@inline function coordinateMinimiser(z: f64, diagonal: f64, lambda: f64, nonNegative: i32): f64 {
  if (nonNegative) return z > lambda ? (z - lambda) / diagonal : 0
  if (z > lambda) return (z - lambda) / diagonal
  if (z < -lambda) return (z + lambda) / diagonal
  return 0
}

/**
 * One sweep over the `count` coordinates in `active` (every coordinate when `useActive` is 0) of the
 * codes `w`, keeping r = q − G w up to date on the swept ones; returns the largest update relative
 * to the largest coefficient.
 */
function lassoSweep(
  w: usize, r: usize, gram: usize, k: i32, lambda: f64, nonNegative: i32,
  active: usize, useActive: i32, count: i32,
): f64 {
  let largestUpdate: f64 = 0
  let largestCode: f64 = 0
  const n = useActive ? count : k
  for (let c = 0; c < n; c++) {
    const j = useActive ? load<i32>(active + (<usize>c << 2)) : c
    const row = gram + ((<usize>j * <usize>k) << 3)
    const diagonal = load<f64>(row + (<usize>j << 3))
    if (diagonal <= 0) continue
    const at = w + (<usize>j << 3)
    const old = load<f64>(at)
    const updated = coordinateMinimiser(load<f64>(r + (<usize>j << 3)) + diagonal * old, diagonal, lambda, nonNegative)
    const change = updated - old
    if (change != 0) {
      store<f64>(at, updated)
      if (useActive) {
        for (let c2 = 0; c2 < count; c2++) {
          const l = <usize>load<i32>(active + (<usize>c2 << 2)) << 3
          store<f64>(r + l, load<f64>(r + l) - change * load<f64>(row + l))
        }
      } else {
        subtractScaledRow(r, row, change, k)
      }
      if (Math.abs(change) > largestUpdate) largestUpdate = Math.abs(change)
    }
    if (Math.abs(updated) > largestCode) largestCode = Math.abs(updated)
  }
  return largestCode > 0 ? largestUpdate / largestCode : largestUpdate
}

/** The duality gap of a row (Mairal's dual point, scaled into the feasible set). */
function lassoGap(w: usize, q: usize, r: usize, squaredNorm: f64, k: i32, lambda: f64, nonNegative: i32): f64 {
  let codeCorrelation: f64 = 0
  let codeResidual: f64 = 0
  let l1: f64 = 0
  let dualNorm: f64 = 0
  for (let j = 0; j < k; j++) {
    const o = <usize>j << 3
    const a = load<f64>(w + o)
    const rj = load<f64>(r + o)
    codeCorrelation += a * load<f64>(q + o)
    codeResidual += a * rj
    l1 += Math.abs(a)
    const size = nonNegative ? rj : Math.abs(rj)
    if (size > dualNorm) dualNorm = size
  }
  const residualNorm = Math.max(squaredNorm - codeCorrelation - codeResidual, 0)
  const scale = dualNorm > lambda ? lambda / dualNorm : 1
  const residualDotX = squaredNorm - codeCorrelation
  const primal = 0.5 * residualNorm + lambda * l1
  const dual = scale * residualDotX - 0.5 * scale * scale * residualNorm
  return primal - dual
}

/** Indices of the non-zero codes into `active`; returns how many. */
function lassoActiveSet(w: usize, k: i32, active: usize): i32 {
  let count = 0
  for (let j = 0; j < k; j++) {
    if (load<f64>(w + (<usize>j << 3)) != 0) {
      store<i32>(active + (<usize>count << 2), j)
      count++
    }
  }
  return count
}

/** Cholesky factor of the leading count×count block of `factor`, in place; false if not positive definite. */
function lassoCholesky(factor: usize, count: i32): bool {
  for (let j = 0; j < count; j++) {
    const rowJ = factor + ((<usize>j * <usize>count) << 3)
    let pivot = load<f64>(rowJ + (<usize>j << 3))
    for (let l = 0; l < j; l++) {
      const v = load<f64>(rowJ + (<usize>l << 3))
      pivot -= v * v
    }
    if (!(pivot > 1e-10)) return false
    const root = Math.sqrt(pivot)
    store<f64>(rowJ + (<usize>j << 3), root)
    for (let i = j + 1; i < count; i++) {
      const rowI = factor + ((<usize>i * <usize>count) << 3)
      let value = load<f64>(rowI + (<usize>j << 3))
      for (let l = 0; l < j; l++) value -= load<f64>(rowI + (<usize>l << 3)) * load<f64>(rowJ + (<usize>l << 3))
      store<f64>(rowI + (<usize>j << 3), value / root)
    }
  }
  return true
}

/** Solves L Lᵀ x = b in place (b in `solution`) with the factor from `lassoCholesky`. */
function lassoCholeskySolve(factor: usize, solution: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const rowI = factor + ((<usize>i * <usize>count) << 3)
    let value = load<f64>(solution + (<usize>i << 3))
    for (let l = 0; l < i; l++) value -= load<f64>(rowI + (<usize>l << 3)) * load<f64>(solution + (<usize>l << 3))
    store<f64>(solution + (<usize>i << 3), value / load<f64>(rowI + (<usize>i << 3)))
  }
  for (let i = count - 1; i >= 0; i--) {
    let value = load<f64>(solution + (<usize>i << 3))
    for (let l = i + 1; l < count; l++) {
      value -= load<f64>(factor + ((<usize>(l * count + i)) << 3)) * load<f64>(solution + (<usize>l << 3))
    }
    store<f64>(solution + (<usize>i << 3), value / load<f64>(factor + ((<usize>(i * count + i)) << 3)))
  }
}

/** The feature-sign step on the non-zero codes (see the TypeScript `activeSetStep`). */
function lassoActiveStep(
  w: usize, r: usize, gram: usize, k: i32, lambda: f64, active: usize, count: i32,
  factor: usize, solution: usize,
): void {
  for (let a = 0; a < count; a++) {
    const j = load<i32>(active + (<usize>a << 2))
    const row = gram + ((<usize>j * <usize>k) << 3)
    const code = load<f64>(w + (<usize>j << 3))
    let correlation = load<f64>(r + (<usize>j << 3))
    for (let b = 0; b < count; b++) {
      const l = <usize>load<i32>(active + (<usize>b << 2)) << 3
      const g = load<f64>(row + l)
      correlation += g * load<f64>(w + l)
      store<f64>(factor + ((<usize>(a * count + b)) << 3), g)
    }
    store<f64>(solution + (<usize>a << 3), correlation - (code > 0 ? lambda : -lambda))
  }
  if (!lassoCholesky(factor, count)) return
  lassoCholeskySolve(factor, solution, count)
  let step: f64 = 1
  let blocking = -1
  for (let a = 0; a < count; a++) {
    const code = load<f64>(w + (<usize>load<i32>(active + (<usize>a << 2)) << 3))
    const target = load<f64>(solution + (<usize>a << 3))
    if (target * code <= 0) {
      const crossing = code / (code - target)
      if (crossing < step) {
        step = crossing
        blocking = a
      }
    }
  }
  for (let a = 0; a < count; a++) {
    const j = load<i32>(active + (<usize>a << 2))
    const at = w + (<usize>j << 3)
    const code = load<f64>(at)
    const updated = a == blocking ? 0 : code + step * (load<f64>(solution + (<usize>a << 3)) - code)
    const change = updated - code
    if (change == 0) continue
    store<f64>(at, updated)
    const row = gram + ((<usize>j * <usize>k) << 3)
    for (let b = 0; b < count; b++) {
      const l = <usize>load<i32>(active + (<usize>b << 2)) << 3
      store<f64>(r + l, load<f64>(r + l) - change * load<f64>(row + l))
    }
  }
}

/** r = q − G w over the non-zero codes. */
function lassoResidual(w: usize, q: usize, r: usize, gram: usize, k: i32): void {
  memory.copy(r, q, <usize>k << 3)
  for (let j = 0; j < k; j++) {
    const a = load<f64>(w + (<usize>j << 3))
    if (a == 0) continue
    subtractScaledRow(r, gram + ((<usize>j * <usize>k) << 3), a, k)
  }
}

/**
 * Lasso codes of `n` rows by coordinate descent on the Gram matrix, the same operations in the same
 * order as src/core/sparse/lassoCoordinateDescent.ts (so the same float64 bits): `gram` k×k, `q`
 * n×k correlations D x, `squaredNorms` n values ‖x‖², `codes` n×k warm starts in and codes out,
 * all float64; writes each row's sweeps (i32) into `sweeps`, negated minus one for a row that did not
 * converge. Scratch: `r` k f64, `active` k i32, `factor` k² f64, `solution` k f64.
 */
export function lassoRows(
  gram: usize, k: i32, q: usize, squaredNorms: usize, codes: usize, n: i32,
  lambda: f64, nonNegative: i32, tolerance: f64, maxIterations: i32, activeSweeps: i32,
  r: usize, active: usize, factor: usize, solution: usize, sweeps: usize,
): void {
  const rowBytes = <usize>k << 3
  for (let p = 0; p < n; p++) {
    const w = codes + <usize>p * rowBytes
    const qp = q + <usize>p * rowBytes
    const squaredNorm = load<f64>(squaredNorms + (<usize>p << 3))
    lassoResidual(w, qp, r, gram, k)
    const gapTolerance = tolerance * squaredNorm
    let done = 0
    let converged = false
    while (done < maxIterations) {
      const fullChange = lassoSweep(w, r, gram, k, lambda, nonNegative, active, 0, 0)
      done += 1
      if (fullChange <= tolerance && lassoGap(w, qp, r, squaredNorm, k, lambda, nonNegative) <= gapTolerance) {
        converged = true
        break
      }
      let count = lassoActiveSet(w, k, active)
      for (let s = 0; s < activeSweeps && count > 0 && done < maxIterations; s++) {
        done += 1
        if (lassoSweep(w, r, gram, k, lambda, nonNegative, active, 1, count) <= tolerance) break
      }
      count = lassoActiveSet(w, k, active)
      if (count > 0) lassoActiveStep(w, r, gram, k, lambda, active, count, factor, solution)
      lassoResidual(w, qp, r, gram, k)
    }
    store<i32>(sweeps + (<usize>p << 2), converged ? done : -done - 1)
  }
}

/**
 * Each of `rows` patches' (float32, `m` values each) squared norm and correlations with the `k` atoms,
 * in float64: `norms[p] = Σᵢ x²`, `q[p, j] = Σᵢ D[j, i]·x[i]`, every sum over i in order (the values of
 * lassoCoordinateDescent.ts's `rowCorrelations`). `atomsT` holds the atoms transposed, `m × k` float64,
 * so that neighbouring atoms share a SIMD register.
 */
export function lassoCorrelations(
  patches: usize, atomsT: usize, k: i32, m: i32, rows: i32, q: usize, norms: usize,
): void {
  const rowK = <usize>k << 3
  for (let p = 0; p < rows; p++) {
    const x = patches + ((<usize>p * <usize>m) << 2)
    let squaredNorm: f64 = 0
    for (let i = 0; i < m; i++) {
      const v = <f64>load<f32>(x + (<usize>i << 2))
      squaredNorm += v * v
    }
    store<f64>(norms + (<usize>p << 3), squaredNorm)
    const out = q + <usize>p * rowK
    let j = 0
    for (; j + 8 <= k; j += 8) {
      let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0)
      let a = atomsT + (<usize>j << 3)
      for (let i = 0; i < m; i++) {
        const v = f64x2.splat(<f64>load<f32>(x + (<usize>i << 2)))
        s0 = f64x2.add(s0, f64x2.mul(v128.load(a), v))
        s1 = f64x2.add(s1, f64x2.mul(v128.load(a, 16), v))
        s2 = f64x2.add(s2, f64x2.mul(v128.load(a, 32), v))
        s3 = f64x2.add(s3, f64x2.mul(v128.load(a, 48), v))
        a += rowK
      }
      const o = out + (<usize>j << 3)
      v128.store(o, s0)
      v128.store(o, s1, 16)
      v128.store(o, s2, 32)
      v128.store(o, s3, 48)
    }
    for (; j < k; j++) {
      let s: f64 = 0
      for (let i = 0; i < m; i++) {
        s += load<f64>(atomsT + ((<usize>i * <usize>k + <usize>j) << 3)) * <f64>load<f32>(x + (<usize>i << 2))
      }
      store<f64>(out + (<usize>j << 3), s)
    }
  }
}
