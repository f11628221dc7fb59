/**
 * Choosing a TF.js backend: WebGPU → WebGL → WASM → CPU, skipping software-emulated GPUs (they are far
 * slower than WASM), honouring a user's choice, and falling back when one fails to start.
 */
import * as tf from '@tensorflow/tfjs-core'
import { BackendUnavailableError } from '../errors'
import {
  BACKEND_ORDER,
  type BackendInfo,
  type BackendName,
  type BackendPreference,
  type BackendSkip,
} from '../backend'

interface GPUAdapterLike {
  readonly info?: { readonly isFallbackAdapter?: boolean; readonly description?: string }
  readonly isFallbackAdapter?: boolean
}
interface NavigatorWithGPU {
  readonly gpu?: { requestAdapter(): Promise<GPUAdapterLike | null> }
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|software|basic render/i

/** Why `name` should not be chosen automatically here, or undefined when it is a real device. */
async function softwareReason(name: BackendName): Promise<string | undefined> {
  if (name === 'webgpu') {
    const nav = (globalThis as { navigator?: NavigatorWithGPU }).navigator
    if (!nav?.gpu) return 'WebGPU is not available in this browser'
    const adapter = await nav.gpu.requestAdapter()
    if (!adapter) return 'no WebGPU adapter was found'
    if (adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) {
      return 'the WebGPU adapter is a software fallback (slower than WASM)'
    }
    return undefined
  }
  if (name === 'webgl') {
    const renderer = webglRenderer()
    if (renderer === undefined) return 'WebGL 2 is not available'
    if (SOFTWARE_RENDERER.test(renderer)) {
      return `WebGL runs on a software renderer (${renderer}), slower than WASM`
    }
  }
  return undefined
}

function webglRenderer(): string | undefined {
  const Offscreen = (globalThis as { OffscreenCanvas?: typeof OffscreenCanvas }).OffscreenCanvas
  if (!Offscreen) return undefined
  const gl = new Offscreen(1, 1).getContext('webgl2')
  if (!gl) return undefined
  const debug = gl.getExtension('WEBGL_debug_renderer_info')
  const renderer = String(
    gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? 'unknown',
  )
  gl.getExtension('WEBGL_lose_context')?.loseContext()
  return renderer
}

/**
 * Modules that register a backend when imported, loaded only when that backend is tried: the worker
 * registers its WebGL and WebGPU backends so (they are most of its code), so a worker that runs on
 * WASM or the CPU never parses them.
 */
const backendLoaders = new Map<BackendName, () => Promise<unknown>>()

/**
 * Lets {@link initBackend} import backend `name`'s module (`() => import('@tensorflow/tfjs-backend-webgl')`)
 * the first time it tries that backend, instead of it being imported up front.
 */
export function registerBackendLoader(name: BackendName, load: () => Promise<unknown>): void {
  backendLoaders.set(name, load)
}

/** Whether backend `name` is registered or can be loaded. */
const available = (name: BackendName): boolean =>
  Boolean(tf.findBackendFactory(name)) || backendLoaders.has(name)

/** Imports backend `name`'s module if it has a loader and is not registered yet; else why not. */
async function loadBackend(name: BackendName): Promise<string | undefined> {
  const load = backendLoaders.get(name)
  if (tf.findBackendFactory(name) || !load) return undefined
  try {
    await load()
    return undefined
  } catch (error) {
    return `the ${name} backend's module failed to load: ${messageOf(error)}`
  }
}

/** How long one backend may take to start and run its first operation before it counts as failed. */
export const BACKEND_START_TIMEOUT_MS = 30_000

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * How long one backend may take to start (and compute its first `1 + 1`) before the next one is
   * tried, in milliseconds. A start-up that hangs (TF.js's threaded WASM build does when its helper
   * threads die) counts as a failure. Default {@link BACKEND_START_TIMEOUT_MS}.
   */
  readonly startTimeoutMs?: number
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String((error as { message: unknown }).message)
  }
  return String(error)
}

/** `setBackend`, then a first tiny op that proves the device works (some failures only show then). */
async function startAndProbe(name: BackendName, cause: () => unknown): Promise<string | undefined> {
  const ok = await tf.setBackend(name)
  if (!ok) {
    // TF.js only logs why a backend's factory failed; the wrapper in tryBackend kept the error.
    const error = cause()
    return error === undefined
      ? `the ${name} backend failed to initialise`
      : `the ${name} backend failed to initialise: ${messageOf(error)}`
  }
  await tf.ready()
  const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)))
  const value = (await probe.data())[0]
  probe.dispose()
  return value === 2 ? undefined : `the ${name} backend computed 1 + 1 = ${value}`
}

/**
 * Tries one backend: undefined when it works, else why not. A start-up that throws, rejects, returns
 * false or does not finish within `timeoutMs` is a failure; a hung one is unregistered and registered
 * again (same factory), which makes TF.js drop its pending start so the next backend can run.
 */
async function tryBackend(name: BackendName, timeoutMs: number): Promise<string | undefined> {
  const engine = tf.engine()
  const entry = engine.registryFactory[name]
  if (!entry) return `the ${name} backend is not registered in this build`
  const { factory, priority } = entry
  let cause: unknown
  // Keep the error of a failing factory: TF.js catches it, logs it and returns false.
  entry.factory = () => {
    try {
      const made = factory()
      if (made instanceof tf.KernelBackend) return made
      return Promise.resolve(made).catch((error: unknown) => {
        cause = error
        throw error
      })
    } catch (error) {
      cause = error
      throw error
    }
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  const started = startAndProbe(name, () => cause)
  // If it settles after the timeout, nobody is waiting: keep a late failure from going unhandled.
  started.catch(() => undefined)
  try {
    const result = await Promise.race([started, timedOut])
    if (result !== 'timeout') return result
    tf.removeBackend(name)
    tf.registerBackend(name, factory, priority)
    return `the ${name} backend did not start within ${timeoutMs / 1000} s`
  } catch (error) {
    return `the ${name} backend failed to start: ${messageOf(error)}`
  } finally {
    clearTimeout(timer)
    entry.factory = factory
  }
}

/** Whether TF.js would pick its threaded WASM build here (cross-origin-isolated pages). */
async function wasmThreadsOn(): Promise<boolean> {
  try {
    return (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true
  } catch {
    return false // the flag is registered by @tensorflow/tfjs-backend-wasm; not loaded here
  }
}

/**
 * Starts the preferred backend, or the next one that works. With `'auto'`, software-emulated WebGPU
 * and WebGL are passed over. A backend that fails to start (throws, rejects, or hangs longer than
 * `options.startTimeoutMs`) falls back along the order, and `skipped` records why. When TF.js's
 * threaded WASM build fails, WASM is tried once more with the single-threaded build before moving on.
 * Throws `BACKEND_UNAVAILABLE` when none starts.
 */
export async function initBackend(
  preference: BackendPreference = 'auto',
  options: InitBackendOptions = {},
): Promise<BackendInfo> {
  const timeoutMs = options.startTimeoutMs ?? BACKEND_START_TIMEOUT_MS
  const skipped: BackendSkip[] = []
  const candidates =
    preference === 'auto'
      ? BACKEND_ORDER
      : [preference, ...BACKEND_ORDER.filter((b) => b !== preference)]
  for (const name of candidates) {
    if (preference === 'auto' && name !== 'cpu') {
      const reason = available(name) ? await softwareReason(name) : undefined
      if (reason) {
        skipped.push({ backend: name, reason })
        continue
      }
    }
    let failure = (await loadBackend(name)) ?? (await tryBackend(name, timeoutMs))
    if (failure !== undefined && name === 'wasm' && (await wasmThreadsOn())) {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
      skipped.push({
        backend: name,
        reason: `the threaded WASM build failed (${failure}); retried with the single-threaded build`,
      })
      failure = await tryBackend(name, timeoutMs)
    }
    if (failure === undefined) return { name, requested: preference, skipped }
    skipped.push({ backend: name, reason: failure })
  }
  throw new BackendUnavailableError(
    `no TF.js backend could start (${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}); try backend: 'cpu'`,
  )
}
