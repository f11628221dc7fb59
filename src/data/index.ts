/**
 * `latentkit/data`: the data sets that ship with latentkit and their generators (the UCI digits,
 * procedural sprites, 2-D toy sets, an anomaly benchmark). Framework-free and TF-free.
 */
export * from './anomalies'
export * from './toy2d'
export * from './digits'
export * from './sprites'
export * from './builtin'
export * from './imageInput'
