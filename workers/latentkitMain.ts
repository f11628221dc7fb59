/** The bulk of latentkit's worker, loaded by its entry once the lifeline is taken. */
import { BUILTIN_ENGINE_LOADERS } from '../src/core/engine/builtinEngineLoaders'
import { startWorker } from './startWorker'

/** Serves every built-in model family, each loaded when first used. */
export function startLatentkitWorker(): void {
  startWorker(BUILTIN_ENGINE_LOADERS)
}
