/** latentkit's worker: every built-in model family. */
import { BUILTIN_ENGINES } from '../src/core/engine/builtinEngines'
import { startWorker } from './startWorker'

startWorker(BUILTIN_ENGINES)
