/** A latentkit worker that also knows the mean-image family: the one registry line. */
import { BUILTIN_ENGINES } from '../../../src/core/engine/builtinEngines'
import { startWorker } from '../../../workers/startWorker'
import { meanImageEngine } from './engine/meanImageEngine'

startWorker([...BUILTIN_ENGINES, meanImageEngine])
