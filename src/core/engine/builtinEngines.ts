/** The families latentkit's worker knows: one line each. */
import { autoencoderEngine } from '../autoencoder/engine/autoencoderEngine'
import { autoregressiveEngine } from '../autoregressive/engine/autoregressiveEngine'
import { contrastiveEngine } from '../contrastive/engine/contrastiveEngine'
import { decEngine } from '../dec/engine/decEngine'
import { hashingEngine } from '../hashing/engine/hashingEngine'
import { helmholtzEngine } from '../helmholtz/engine/helmholtzEngine'
import { ganEngine } from '../gan/engine/ganEngine'
import { importedEngine } from '../imported/engine/importedEngine'
import { kMeansEngine } from '../kmeans/engine/kmeansEngine'
import { pcaEngine } from '../pca/engine/pcaEngine'
import { pretextEngine } from '../pretext/engine/pretextEngine'
import { rbmEngine } from '../rbm/engine/rbmEngine'
import { sparseCodingEngine } from '../sparse/engine/sparseEngine'
import { vaeEngine } from '../vae/engine/vaeEngine'
import type { AnyFamilyEngine } from './familyEngine'

/** Every built-in family's engine. */
export const BUILTIN_ENGINES: readonly AnyFamilyEngine[] = [
  vaeEngine,
  ganEngine,
  sparseCodingEngine,
  autoencoderEngine,
  kMeansEngine,
  pcaEngine,
  rbmEngine,
  importedEngine,
  autoregressiveEngine,
  contrastiveEngine,
  decEngine,
  hashingEngine,
  pretextEngine,
  helmholtzEngine,
]
