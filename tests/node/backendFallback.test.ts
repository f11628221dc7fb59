import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { afterEach, describe, expect, test } from 'vitest'
import { initBackend, registerBackendLoader } from '../../src/core/engine/backendChoice'

// DESIGN.md: "A backend that fails at start-up … falls back to the next one, and the state says so."
// Each case forces a start-up failure and checks where initBackend lands and what `skipped` says.

/** Registers `factory` as the (otherwise browser-only) webgl backend for one test. */
function fakeWebGL(factory: () => tf.KernelBackend | Promise<tf.KernelBackend>): void {
  if (tf.findBackendFactory('webgl')) tf.removeBackend('webgl')
  tf.registerBackend('webgl', factory)
}

afterEach(() => {
  if (tf.findBackendFactory('webgl')) tf.removeBackend('webgl')
})

/** 1 + 1 on whatever backend is now in use. */
async function onePlusOne(): Promise<number> {
  const sum = tf.add(tf.scalar(1), tf.scalar(1))
  const value = (await sum.data())[0] as number
  sum.dispose()
  return value
}

describe('initBackend falls back when a backend fails to start', () => {
  test('a factory that rejects: the next backend in the order runs; the error is recorded', async () => {
    fakeWebGL(() => Promise.reject(new Error('WebGL context lost during start-up')))
    const info = await initBackend('webgl')
    expect(info).toMatchObject({ name: 'wasm', requested: 'webgl' })
    expect(info.skipped[0]).toEqual({
      backend: 'webgl',
      reason: 'the webgl backend failed to initialise: WebGL context lost during start-up',
    })
    expect(info.skipped[1]).toEqual({
      backend: 'webgpu',
      reason: 'the webgpu backend is not registered in this build',
    })
    expect(tf.getBackend()).toBe('wasm')
    expect(await onePlusOne()).toBe(2)
  })

  test('a factory that throws synchronously is a failure too', async () => {
    fakeWebGL(() => {
      throw new Error('no GL')
    })
    const info = await initBackend('webgl')
    expect(info.name).toBe('wasm')
    expect(info.skipped[0]?.reason).toBe('the webgl backend failed to initialise: no GL')
  })

  test('a start-up that hangs times out, TF.js is left usable, and the backend stays registered', async () => {
    fakeWebGL(() => new Promise<tf.KernelBackend>(() => {}))
    const info = await initBackend('webgl', { startTimeoutMs: 200 })
    expect(info.name).toBe('wasm')
    expect(info.skipped[0]).toEqual({
      backend: 'webgl',
      reason: 'the webgl backend did not start within 0.2 s',
    })
    // TF.js no longer waits on the abandoned start: tf.ready() resolves and ops run.
    await tf.ready()
    expect(await onePlusOne()).toBe(2)
    expect(tf.findBackendFactory('webgl')).not.toBeNull()
  })

  test('a failing threaded WASM build is retried with the single-threaded build', async () => {
    // The threaded build cannot run in Node; stand in for it with a factory that fails while the
    // multithread flag is on (as TF.js's threaded build does in a minified, cross-origin-isolated
    // worker) and starts the real WASM backend once it is off.
    const wasm = tf.findBackendFactory('wasm')
    expect(wasm).not.toBeNull()
    await tf.setBackend('cpu')
    tf.removeBackend('wasm')
    let threadedTries = 0
    tf.registerBackend('wasm', async () => {
      if (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) {
        threadedTries += 1
        throw new ReferenceError('a is not defined')
      }
      return wasm!()
    })
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true)
    const info = await initBackend('wasm')
    expect(threadedTries).toBe(1)
    expect(info.name).toBe('wasm')
    expect(info.skipped).toEqual([
      {
        backend: 'wasm',
        reason:
          'the threaded WASM build failed (the wasm backend failed to initialise: a is not defined); retried with the single-threaded build',
      },
    ])
    expect(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false)
    expect(await onePlusOne()).toBe(2)
  })

  test('WASM whose binary cannot be loaded: falls back to CPU, and says why', async () => {
    // A fresh start of the real WASM backend (registered again), pointed at a folder with no binaries.
    const wasm = tf.findBackendFactory('wasm')!
    await tf.setBackend('cpu')
    tf.removeBackend('wasm')
    tf.registerBackend('wasm', wasm, 2)
    setWasmPaths('/nonexistent/')
    const info = await initBackend('wasm', { startTimeoutMs: 20_000 })
    expect(info.name).toBe('cpu')
    const skipped = info.skipped.find((s) => s.backend === 'wasm')
    expect(skipped?.reason).toMatch(/^the wasm backend failed to initialise: .*\.wasm/)
    expect(await onePlusOne()).toBe(2)
  })

  test('when nothing starts: BACKEND_UNAVAILABLE naming every reason', async () => {
    fakeWebGL(() => Promise.reject(new Error('broken')))
    const cpu = tf.findBackendFactory('cpu')!
    const wasm = tf.findBackendFactory('wasm')!
    await tf.setBackend('webgl').catch(() => false)
    tf.removeBackend('cpu')
    tf.removeBackend('wasm')
    try {
      await expect(initBackend('webgl')).rejects.toMatchObject({
        code: 'BACKEND_UNAVAILABLE',
        message: expect.stringMatching(
          /webgl: the webgl backend failed to initialise: broken; webgpu: .*; wasm: the wasm backend is not registered in this build; cpu: the cpu backend is not registered/,
        ),
      })
    } finally {
      tf.registerBackend('cpu', cpu, 1)
      tf.registerBackend('wasm', wasm, 2)
      await tf.setBackend('cpu')
    }
  })
})

// Last in the file: a loader stays registered for the module's life.
describe('backends loaded on demand', () => {
  test('a backend module is imported only when that backend is tried; a failed import falls back', async () => {
    let loads = 0
    registerBackendLoader('webgpu', () => {
      loads += 1
      return Promise.reject(new Error('chunk failed to load'))
    })
    expect((await initBackend('cpu')).name).toBe('cpu')
    expect(loads).toBe(0)
    const info = await initBackend('webgpu')
    expect(loads).toBe(1)
    // Falls back along the order (WASM was broken by an earlier test here: the CPU).
    expect(info.requested).toBe('webgpu')
    expect(['wasm', 'cpu']).toContain(info.name)
    expect(info.skipped[0]).toEqual({
      backend: 'webgpu',
      reason: "the webgpu backend's module failed to load: chunk failed to load",
    })
  })

  test('a loaded module registers its backend, which then starts', async () => {
    let loads = 0
    registerBackendLoader('webgl', async () => {
      loads += 1
      fakeWebGL(() => Promise.reject(new Error('registered by the loader')))
    })
    const info = await initBackend('webgl')
    expect(loads).toBe(1)
    // The loader's backend was registered and tried (its start failed here, on purpose).
    expect(info.skipped[0]?.reason).toBe(
      'the webgl backend failed to initialise: registered by the loader',
    )
  })
})
