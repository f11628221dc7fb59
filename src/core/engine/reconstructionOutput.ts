/**
 * The output activation of a network that reconstructs its input: sigmoid when every training value
 * lies in [0, 1], else linear. Shared by the families built on an autoencoder (autoencoder, DEC,
 * semantic hashing) so that they choose it, and read it back from a snapshot, the same way.
 */
import { allInUnitRange } from '../dataset'
import { snapshotChoice, type SnapshotRecord } from '../family/snapshotRecord'

const RECONSTRUCTION_OUTPUTS = ['sigmoid', 'linear'] as const

/** The output activation of a reconstructing network. */
export type ReconstructionOutput = (typeof RECONSTRUCTION_OUTPUTS)[number]

/** Sigmoid when every value of the training data lies in [0, 1], else linear. */
export function reconstructionOutputFor(values: ArrayLike<number>): ReconstructionOutput {
  return allInUnitRange(values) ? 'sigmoid' : 'linear'
}

/** The output activation recorded in a snapshot's `network.output`, checked. */
export function recordedReconstructionOutput(record: SnapshotRecord): ReconstructionOutput {
  return snapshotChoice(record, 'output', RECONSTRUCTION_OUTPUTS, 'network')
}
