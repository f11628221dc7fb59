/** The TF.js backends latentkit runs on, and how one was chosen. Types only (no TF.js). */

/** A TF.js backend latentkit can run on. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu'

/** `'auto'` (the fastest real backend) or a backend to use first. */
export type BackendPreference = 'auto' | BackendName

/** A backend that was tried and passed over, with why. */
export interface BackendSkip {
  readonly backend: BackendName
  readonly reason: string
}

/** The backend in use and how it was chosen. */
export interface BackendInfo {
  /** The backend now in use. */
  readonly name: BackendName
  /** What was asked for. */
  readonly requested: BackendPreference
  /** Backends tried before it and why they were not used (empty when the first choice worked). */
  readonly skipped: readonly BackendSkip[]
}

/** The automatic order. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu']
