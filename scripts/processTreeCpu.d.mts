/** One subtree counted apart by {@link TreeSampler.watch}. */
export interface WatchedSubtree {
  /** CPU ticks (user + system) of the processes at and below the watched pid, as last sampled. */
  readonly ticks: () => number
  /** Stops counting it (read `ticks()` first). */
  readonly stop: () => void
}
/** The process-tree sampler of {@link startTreeSampler}. */
export interface TreeSampler {
  /** CPU ticks of every process below this one since the start, alive or gone (a lower bound). */
  readonly ticks: () => number
  /** The sampling thread's own ticks (counted in this process's). */
  readonly ownTicks: () => number
  /** Counts the subtree at `pid` apart; throws a RangeError when four are already watched. */
  readonly watch: (pid: number) => WatchedSubtree
}
/**
 * Starts sampling, twice a second, the CPU time of every process below this one (from /proc);
 * undefined without /proc.
 */
export declare function startTreeSampler(): Promise<TreeSampler | undefined>
