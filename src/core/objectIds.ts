/**
 * Numbers objects by identity: the same object always gets the same number, a new object a new
 * one, and nothing is kept alive (a `WeakMap`). For cache keys that must change when an object is
 * replaced, not when it is mutated.
 */
export function createObjectIds<T extends object>(): (value: T) => number {
  const ids = new WeakMap<T, number>()
  let next = 1
  return (value) => {
    let id = ids.get(value)
    if (id === undefined) {
      id = next++
      ids.set(value, id)
    }
    return id
  }
}
