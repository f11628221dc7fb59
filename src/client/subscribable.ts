/** A small listener base: set up on the first subscriber, tear down after the last. */
export class Subscribable<Listener extends () => void = () => void> {
  protected readonly listeners = new Set<Listener>()

  constructor() {
    this.subscribe = this.subscribe.bind(this)
  }

  /** Adds `listener`; returns the function that removes it. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    if (this.listeners.size === 1) this.onSubscribe()
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0) this.onUnsubscribe()
    }
  }

  /** True while anyone listens. */
  hasListeners(): boolean {
    return this.listeners.size > 0
  }

  /** Called when the first listener arrives. */
  protected onSubscribe(): void {}

  /** Called when the last listener leaves. */
  protected onUnsubscribe(): void {}
}
