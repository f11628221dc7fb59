export declare const PREBUNDLED_DEPS: string[]
