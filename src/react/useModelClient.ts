'use client'
import { useEffect, useState, useSyncExternalStore } from 'react'
import type { ModelClient, ModelClientOptions } from '../client/modelClient'
import type { GenerativeClient } from '../client/generativeClient'
import type { AnomalyActions } from '../client/anomalyActions'
import type { ModelState } from '../client/modelState'
import type { HistoryPoint } from '../../workers/host'

/**
 * The whole hook pattern, shared by every model hook: one client per component (created once), its
 * state through `useSyncExternalStore`, options pushed in an effect.
 */
export function useModelClient<
  Point extends HistoryPoint,
  Options extends ModelClientOptions,
  Client extends ModelClient<Point, Options>,
>(create: () => Client, options: Options): [ModelState<Point>, Client] {
  const [client] = useState(create)
  const state = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot)
  useEffect(() => {
    client.setOptions(options)
  }, [client, options])
  return [state, client]
}

/**
 * The parts of a model hook's result every family shares: the state snapshot, the trained model's
 * latent (or code) size and image shape, and the client's stable training actions.
 */
export function commonResult<Point extends HistoryPoint, Options extends ModelClientOptions>(
  state: ModelState<Point>,
  client: ModelClient<Point, Options>,
) {
  return {
    ...state,
    latentDim: state.model?.latentDim,
    imageShape: state.model?.imageShape,
    train: client.train,
    pause: client.pause,
    resume: client.resume,
    stop: client.stop,
    reset: client.reset,
  }
}

/** What a reconstruction model hook (VAE, autoencoder) adds for anomaly detection. */
export function anomalyResult<Point extends HistoryPoint>(
  state: ModelState<Point>,
  actions: AnomalyActions,
) {
  return {
    threshold: state.model?.threshold,
    score: actions.score,
    calibrate: actions.calibrate,
    setThreshold: actions.setThreshold,
  }
}

/** The actions every generative model hook adds: sampling and walking the latent space. */
export function generativeResult<Point extends HistoryPoint, Options extends ModelClientOptions>(
  client: GenerativeClient<Point, Options>,
) {
  return { sample: client.sample, decode: client.decode, interpolate: client.interpolate }
}
