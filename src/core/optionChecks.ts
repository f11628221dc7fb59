/** Range checks for model and training options, shared by every model family. Pure TypeScript. */
import { InvalidOptionError, describeValue } from './errors'
import { MAX_COUNT } from './memoryModel'

/** True for an integer from 1 to 2³¹ − 1 (no size beyond that can be held: TF.js indexes in int32). */
export const isPositiveInteger = (value: number): boolean =>
  Number.isInteger(value) && value >= 1 && value <= MAX_COUNT

/** Throws `INVALID_OPTION` unless `value` is undefined or an integer from 1 to 2³¹ − 1. */
export function checkPositiveInteger(value: number | undefined, name: string, hint: string): void {
  if (value !== undefined && !isPositiveInteger(value)) {
    throw new InvalidOptionError(
      `${name} must be an integer from 1 to ${MAX_COUNT}; got ${describeValue(value)}. ${hint}`,
      {
        option: name,
      },
    )
  }
}

/** Throws `INVALID_OPTION` unless `value` is undefined or an array of layer sizes (integers ≥ 1). */
export function checkLayerSizes(
  value: readonly number[] | undefined,
  name: string,
  example: string,
): void {
  if (value !== undefined && (!Array.isArray(value) || !value.every(isPositiveInteger))) {
    throw new InvalidOptionError(
      `${name} must be an array of integers from 1 to ${MAX_COUNT} (e.g. ${example}); got ${describeValue(value)}`,
      { option: name },
    )
  }
}

/** Throws `INVALID_OPTION` unless `value` is undefined or a finite number > 0. */
export function checkPositiveNumber(value: number | undefined, name: string, hint: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new InvalidOptionError(
      `${name} must be a finite number > 0; got ${describeValue(value)}. ${hint}`,
      {
        option: name,
      },
    )
  }
}

/** Throws `INVALID_OPTION` unless `value` is undefined or a finite number ≥ 0. */
export function checkNonNegativeNumber(
  value: number | undefined,
  name: string,
  hint: string,
): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    throw new InvalidOptionError(
      `${name} must be a finite number ≥ 0; got ${describeValue(value)}. ${hint}`,
      {
        option: name,
      },
    )
  }
}

/** Throws `INVALID_OPTION` unless `value` is undefined or one of `allowed`. */
export function checkOneOf<T extends string>(
  value: T | undefined,
  allowed: readonly T[],
  name: string,
): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new InvalidOptionError(
      `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${describeValue(value)}`,
      { option: name },
    )
  }
}

/** Throws `INVALID_OPTION` unless `value` is undefined or finite. */
export function checkSeed(value: number | undefined): void {
  if (value !== undefined && !Number.isFinite(value)) {
    throw new InvalidOptionError(`seed must be a finite number; got ${describeValue(value)}`, {
      option: 'seed',
    })
  }
}
