/** Finds the buffers of every typed array in a result, so it can be transferred instead of copied. */

/** The distinct `ArrayBuffer`s behind the typed arrays in `value` (plain objects and arrays, any depth). */
export function transferablesOf(value: unknown, found = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer)
  } else if (Array.isArray(value)) {
    for (const item of value) transferablesOf(item, found)
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) transferablesOf(item, found)
  }
  return [...found]
}
