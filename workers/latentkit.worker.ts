/** latentkit's worker: every built-in model family, each loaded when first used. */
import { BUILTIN_ENGINE_LOADERS } from '../src/core/engine/builtinEngineLoaders'
import { startWorker } from './startWorker'

startWorker(BUILTIN_ENGINE_LOADERS)
