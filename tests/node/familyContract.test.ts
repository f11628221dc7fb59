import { beforeAll, expect } from 'vitest'
import { BUILTIN_ENGINES } from '../../src/core/engine/builtinEngines'
import type { ImageBatch, LatentBatch } from '../../src/core/dataset'
import type { SparseDictionaryView } from '../../src/core/sparse/sparseSpec'
import { kMeansEngine } from '../../src/core/kmeans/engine/kmeansEngine'
import type { KMeansAssignment } from '../../src/core/kmeans/kmeansSpec'
import { pcaEngine } from '../../src/core/pca/engine/pcaEngine'
import { hashingEngine } from '../../src/core/hashing/engine/hashingEngine'
import type { HashCodes } from '../../src/core/hashing/hashingSpec'
import { rbmEngine } from '../../src/core/rbm/engine/rbmEngine'
import { autoregressiveEngine } from '../../src/core/autoregressive/engine/autoregressiveEngine'
import type { AutoregressiveLogLikelihood } from '../../src/core/autoregressive/autoregressiveSpec'
import { contrastiveEngine } from '../../src/core/contrastive/engine/contrastiveEngine'
import { pretextEngine } from '../../src/core/pretext/engine/pretextEngine'
import { decEngine } from '../../src/core/dec/engine/decEngine'
import { helmholtzEngine } from '../../src/core/helmholtz/engine/helmholtzEngine'
import type { HelmholtzLogLikelihood } from '../../src/core/helmholtz/helmholtzSpec'
import type { DECAssignment } from '../../src/core/dec/decSpec'
import { familyContract, type FamilyCase } from '../families/familyContract'
import { meanImageEngine } from '../families/meanImage/engine/meanImageEngine'
import { switchBackend } from './setupBackend'

beforeAll(() => switchBackend('cpu'))

const digits = { name: 'digits', limit: 128 } as const
const ring = {
  data: Float32Array.from({ length: 256 }, (_, i) => Math.cos(i) * (i % 2 ? 1 : 2)),
  shape: [128, 2],
}
const isImages = (n: number) => (result: unknown) =>
  expect((result as ImageBatch).shape).toEqual([n, 8, 8, 1])

const [vae, gan, sparse, autoencoder] = BUILTIN_ENGINES
const cases: FamilyCase[] = [
  {
    engine: vae!,
    modelOptions: { hiddenUnits: [16], latentDim: 2, seed: 1 },
    trainOptions: { epochs: 2, batchSize: 32 },
    data: digits,
    badModelOption: { latentDim: 0 },
    action: { name: 'sample', args: [3, 1], check: isImages(3) },
  },
  {
    engine: gan!,
    modelOptions: { generatorUnits: [16], noiseDim: 4, seed: 1 },
    trainOptions: { epochs: 2, batchSize: 32 },
    data: ring,
    badModelOption: { architecture: 'cnn' },
    action: {
      name: 'view2d',
      args: [{ gridSize: 4, samples: 5 }],
      check: (result) => expect((result as { heatmap: Float32Array }).heatmap.length).toBe(16),
    },
  },
  {
    engine: sparse!,
    modelOptions: { atoms: 16, seed: 1 },
    trainOptions: { epochs: 2, batchSize: 64, patchesPerEpoch: 128 },
    data: digits,
    badModelOption: { lambda: -1 },
    action: {
      name: 'readDictionary',
      args: [],
      check: (result) =>
        expect((result as SparseDictionaryView).atoms.shape).toEqual([16, 8, 8, 1]),
    },
  },
  {
    engine: autoencoder!,
    modelOptions: { codeSize: 3, hiddenUnits: [16], seed: 1 },
    trainOptions: { epochs: 2, batchSize: 32 },
    data: digits,
    badModelOption: { kind: 'linear', hiddenUnits: [4] },
    action: {
      name: 'encode',
      args: [{ data: new Float32Array(128).fill(0.5), shape: [2, 8, 8, 1] }],
      check: (result) => expect((result as LatentBatch).shape).toEqual([2, 3]),
    },
  },
  {
    engine: kMeansEngine,
    modelOptions: { k: 4, algorithm: 'minibatch', seed: 1 },
    trainOptions: { epochs: 2, batchSize: 32 },
    data: digits,
    badModelOption: { k: 0 },
    action: {
      name: 'assign',
      args: [{ data: new Float32Array(128).fill(0.5), shape: [2, 8, 8, 1] }],
      check: (result) => expect((result as KMeansAssignment).labels.length).toBe(2),
    },
  },
  {
    engine: pcaEngine,
    modelOptions: { nComponents: 5 },
    trainOptions: { epochs: 2, batchSize: 32 },
    data: digits,
    badModelOption: { nComponents: 0 },
    action: {
      name: 'reconstruct',
      args: [{ data: new Float32Array(128).fill(0.5), shape: [2, 8, 8, 1] }, { components: 3 }],
      check: isImages(2),
    },
  },
  {
    engine: rbmEngine,
    modelOptions: { layers: [16, 8], seed: 1 },
    trainOptions: { epochs: 2, batchSize: 32 },
    data: digits,
    badModelOption: { layers: [16, 0] },
    action: { name: 'sample', args: [3, { steps: 10, seed: 1 }], check: isImages(3) },
  },
  {
    engine: autoregressiveEngine,
    modelOptions: { hiddenUnits: [16], ordering: 'random', seed: 1 },
    trainOptions: { epochs: 2, batchSize: 32 },
    data: digits,
    badModelOption: { hiddenUnits: [16, 0] },
    action: {
      name: 'logLikelihood',
      args: [{ data: new Float32Array(128).fill(0.5), shape: [2, 8, 8, 1] }, 1],
      check: (result) => {
        const { logLikelihoods } = result as AutoregressiveLogLikelihood
        expect(logLikelihoods.length).toBe(2)
        expect(logLikelihoods.every((v) => v < 0)).toBe(true)
      },
    },
  },
  {
    engine: contrastiveEngine,
    modelOptions: { hiddenUnits: [16], featureSize: 8, headUnits: [8], projectionSize: 4, seed: 1 },
    trainOptions: { epochs: 2, batchSize: 32 },
    data: digits,
    badModelOption: { temperature: 0 },
    action: {
      name: 'encode',
      args: [{ data: new Float32Array(128).fill(0.5), shape: [2, 8, 8, 1] }],
      check: (result) => expect((result as LatentBatch).shape).toEqual([2, 8]),
    },
  },
  {
    engine: pretextEngine,
    modelOptions: { task: 'jigsaw', hiddenUnits: [16], featureSize: 4, headUnits: [8], seed: 1 },
    trainOptions: { epochs: 2, batchSize: 32 },
    data: digits,
    badModelOption: { grid: 5 },
    action: {
      name: 'encode',
      args: [{ data: new Float32Array(128).fill(0.5), shape: [2, 8, 8, 1] }],
      // Four tiles of 4 features each.
      check: (result) => expect((result as LatentBatch).shape).toEqual([2, 16]),
    },
  },
  {
    engine: decEngine,
    modelOptions: { clusters: 4, hiddenUnits: [16], codeSize: 3, seed: 1 },
    // Two pretraining epochs (8 steps), then 4 refinement steps: one more epoch.
    trainOptions: { epochs: 2, batchSize: 32, refineSteps: 4, kmeansRuns: 2 },
    endEpoch: 3,
    data: digits,
    badModelOption: { clusters: 0 },
    action: {
      name: 'assign',
      args: [{ data: new Float32Array(128).fill(0.5), shape: [2, 8, 8, 1] }],
      check: (result) => expect((result as DECAssignment).labels.length).toBe(2),
    },
  },
  {
    engine: hashingEngine,
    modelOptions: { bits: 12, hiddenUnits: [16], seed: 1 },
    trainOptions: { epochs: 2, batchSize: 32 },
    data: digits,
    badModelOption: { bits: 65 },
    action: {
      name: 'hash',
      args: [{ data: new Float32Array(128).fill(0.5), shape: [2, 8, 8, 1] }],
      check: (result) => expect((result as HashCodes).codes.length).toBe(2),
    },
  },
  {
    engine: helmholtzEngine,
    modelOptions: { layers: [16, 4], seed: 1 },
    trainOptions: { epochs: 2, batchSize: 32 },
    data: digits,
    badModelOption: { layers: [16, 0] },
    action: {
      name: 'logLikelihood',
      args: [
        { data: new Float32Array(128).fill(0.5), shape: [2, 8, 8, 1] },
        { samples: 4, seed: 1 },
      ],
      check: (result) => {
        const { logLikelihoods, samples } = result as HelmholtzLogLikelihood
        expect(logLikelihoods.length).toBe(2)
        expect(samples).toBe(4)
        expect(logLikelihoods.every((v) => v < 0)).toBe(true)
      },
    },
  },
  {
    engine: meanImageEngine,
    modelOptions: { noise: 0 },
    trainOptions: { epochs: 2, batchSize: 32 },
    data: digits,
    badModelOption: { noise: -1 },
    action: {
      name: 'sample',
      args: [2, 1],
      // With no noise a sample is the mean image: finite values inside the data's range.
      check: (result) => {
        isImages(2)(result)
        expect((result as ImageBatch).data.every((v) => v >= 0 && v <= 1)).toBe(true)
      },
    },
  },
]

familyContract(cases)
