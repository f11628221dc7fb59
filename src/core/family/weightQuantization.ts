/**
 * TF.js's weight quantisation (the `quantization` field of a weights-manifest entry, as
 * `tensorflowjs_converter --quantize_float16` / `--quantize_uint8` write it), without TF.js: float32
 * values to 2-byte halves or 1-byte affine codes and back. Saved files use it to stay small; a loaded
 * snapshot always holds float32 again.
 */

/** How a weight is stored: TF.js's `quantization` entry. */
export type WeightQuantization =
  | { readonly dtype: 'float16' }
  | { readonly dtype: 'uint8'; readonly scale: number; readonly min: number }

/** The quantisations a saved model may use. */
export type QuantizationDtype = WeightQuantization['dtype']

/** Bytes per value of each quantised dtype. */
export const QUANTIZED_BYTES: Record<QuantizationDtype, number> = { float16: 2, uint8: 1 }

const scratch = new DataView(new ArrayBuffer(4))

/** The IEEE 754 half nearest `value` (round to nearest even; overflow to ±Infinity). */
export function toHalf(value: number): number {
  scratch.setFloat32(0, value)
  const bits = scratch.getUint32(0)
  const sign = (bits >>> 16) & 0x8000
  const exponent = (bits >>> 23) & 0xff
  const mantissa = bits & 0x7fffff
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0)
  const e = exponent - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    if (e < -10) return sign
    const m = (mantissa | 0x800000) >>> (1 - e)
    const rounded = m + 0xfff + ((m >>> 13) & 1)
    return sign | (rounded >>> 13)
  }
  const rounded = mantissa + 0xfff + ((mantissa >>> 13) & 1)
  if (rounded & 0x800000) return e + 1 >= 0x1f ? sign | 0x7c00 : sign | ((e + 1) << 10)
  return sign | (e << 10) | (rounded >>> 13)
}

/** The value of the IEEE 754 half `half`. */
export function fromHalf(half: number): number {
  const sign = half & 0x8000 ? -1 : 1
  const exponent = (half >>> 10) & 0x1f
  const mantissa = half & 0x3ff
  if (exponent === 0) return sign * mantissa * 2 ** -24
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}

/** `values` stored as `dtype`: the bytes and the manifest entry's `quantization`. */
export function quantize(
  values: Float32Array,
  dtype: QuantizationDtype,
): { readonly bytes: Uint8Array<ArrayBuffer>; readonly quantization: WeightQuantization } {
  if (dtype === 'float16') {
    const halves = new Uint16Array(values.length)
    for (let i = 0; i < values.length; i += 1) halves[i] = toHalf(values[i] as number)
    return { bytes: littleEndian(halves), quantization: { dtype } }
  }
  let min = Infinity
  let max = -Infinity
  for (const v of values) {
    if (v < min) min = v
    if (v > max) max = v
  }
  if (values.length === 0) min = max = 0
  // As TF.js's converter: an affine code over [min, max], scale 1 when every value is the same.
  const scale = max > min ? (max - min) / 255 : 1
  const bytes = new Uint8Array(values.length)
  for (let i = 0; i < values.length; i += 1) {
    bytes[i] = Math.round(((values[i] as number) - min) / scale)
  }
  return { bytes, quantization: { dtype, scale, min } }
}

/** The float32 values of `count` values stored in `bytes` with `quantization`. */
export function dequantize(
  bytes: Uint8Array,
  count: number,
  quantization: WeightQuantization,
): Float32Array {
  const out = new Float32Array(count)
  if (quantization.dtype === 'float16') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    for (let i = 0; i < count; i += 1) out[i] = fromHalf(view.getUint16(2 * i, true))
    return out
  }
  for (let i = 0; i < count; i += 1) {
    out[i] = (bytes[i] as number) * quantization.scale + quantization.min
  }
  return out
}

/** `halves` as little-endian bytes whatever the machine's order. */
function littleEndian(halves: Uint16Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(halves.length * 2)
  const view = new DataView(bytes.buffer)
  halves.forEach((half, i) => view.setUint16(2 * i, half, true))
  return bytes
}
