/** The headers that make a page cross-origin isolated (what WebAssembly threads need). */
export declare const CROSS_ORIGIN_ISOLATION: Readonly<Record<string, string>>
/** Serves `root` on a free port of 127.0.0.1, with `options.headers` on every file. */
export declare function serveStatic(
  root: string,
  options?: { headers?: Readonly<Record<string, string>> },
): Promise<{ url: string; close: () => Promise<void> }>
