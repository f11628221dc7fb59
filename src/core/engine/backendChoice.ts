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

async function tryBackend(name: BackendName): Promise<string | undefined> {
  if (!tf.findBackendFactory(name)) return `the ${name} backend is not registered in this build`
  try {
    const ok = await tf.setBackend(name)
    if (!ok) return `the ${name} backend failed to initialise`
    await tf.ready()
    // A first tiny op proves the device works (some failures only show on first use).
    const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)))
    const value = (await probe.data())[0]
    probe.dispose()
    return value === 2 ? undefined : `the ${name} backend computed 1 + 1 = ${value}`
  } catch (error) {
    return `the ${name} backend failed to start: ${error instanceof Error ? error.message : String(error)}`
  }
}

/**
 * Starts the preferred backend, or the next one that works. With `'auto'`, software-emulated WebGPU
 * and WebGL are passed over. A forced backend that fails falls back along the order after it.
 * Throws `BACKEND_UNAVAILABLE` when none starts.
 */
export async function initBackend(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
  const skipped: BackendSkip[] = []
  const candidates =
    preference === 'auto'
      ? BACKEND_ORDER
      : [preference, ...BACKEND_ORDER.filter((b) => b !== preference)]
  for (const name of candidates) {
    if (preference === 'auto' && name !== 'cpu') {
      const reason = tf.findBackendFactory(name) ? await softwareReason(name) : undefined
      if (reason) {
        skipped.push({ backend: name, reason })
        continue
      }
    }
    const failure = await tryBackend(name)
    if (failure === undefined) return { name, requested: preference, skipped }
    skipped.push({ backend: name, reason: failure })
  }
  throw new BackendUnavailableError(
    `no TF.js backend could start (${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}); try backend: 'cpu'`,
  )
}
