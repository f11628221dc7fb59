import { afterEach, describe, expect, it } from 'vitest'
import { KEPT_HEAP_TOP_PAD, referenceEnv } from '../../bench/referenceEnv'

describe("the Python references' environment (bench)", () => {
  const inherited = process.env.MALLOC_TOP_PAD_
  afterEach(() => {
    if (inherited === undefined) delete process.env.MALLOC_TOP_PAD_
    else process.env.MALLOC_TOP_PAD_ = inherited
  })

  it('tells OpenMP and the BLAS the thread count and keeps the heap by default', () => {
    const env = referenceEnv(2)
    expect(env.OMP_NUM_THREADS).toBe('2')
    expect(env.OPENBLAS_NUM_THREADS).toBe('2')
    expect(env.MKL_NUM_THREADS).toBe('2')
    expect(env.MALLOC_TOP_PAD_).toBe(String(KEPT_HEAP_TOP_PAD))
    expect(env.OMP_WAIT_POLICY).toBe('PASSIVE')
    expect(env.PATH).toBe(process.env.PATH)
  })

  it('can give the BLAS more threads than OpenMP; one OpenMP thread needs no wait policy', () => {
    const env = referenceEnv(1, 'kept', 2)
    expect(env.OMP_NUM_THREADS).toBe('1')
    expect(env.OPENBLAS_NUM_THREADS).toBe('2')
    expect(env.MKL_NUM_THREADS).toBe('2')
    expect('OMP_WAIT_POLICY' in env).toBe(false)
  })

  it("runs a reference as installed with glibc's heap defaults, whatever this process inherited", () => {
    process.env.MALLOC_TOP_PAD_ = '1'
    const env = referenceEnv(1, 'default')
    expect(env.OMP_NUM_THREADS).toBe('1')
    expect('MALLOC_TOP_PAD_' in env).toBe(false)
  })
})
