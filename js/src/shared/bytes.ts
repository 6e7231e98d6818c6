// Binary buffers as they arrive from the kernel.

export const MIB = 1024 * 1024;

/** What a comm buffer may be: DataView (Jupyter), Uint8Array (Colab) or an ArrayBuffer. */
export type WireBuffer = ArrayBuffer | ArrayBufferView;

/** A Uint8Array view of `buffer`, without copying. */
export function toBytes(buffer: WireBuffer): Uint8Array {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** The buffers of a custom message, normalised; anything that is not a buffer is dropped. */
export function toByteList(buffers: unknown): Uint8Array[] {
  if (!Array.isArray(buffers)) return [];
  return buffers
    .filter((b): b is WireBuffer => b instanceof ArrayBuffer || ArrayBuffer.isView(b))
    .map(toBytes);
}
