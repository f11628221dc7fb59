/**
 * Reads a file chunk by chunk, reporting the share read, so a large model file shows progress
 * before it is handed to `importModel`. Falls back to one read where streams are missing.
 */
export async function readWithProgress(
  file: File,
  onProgress: (fraction: number) => void,
): Promise<File> {
  if (typeof file.stream !== 'function' || file.size === 0) {
    onProgress(1)
    return file
  }
  const reader = file.stream().getReader()
  const chunks: Uint8Array<ArrayBuffer>[] = []
  let read = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value as Uint8Array<ArrayBuffer>)
    read += value.length
    onProgress(Math.min(1, read / file.size))
  }
  return new File(chunks, file.name, { type: file.type })
}
