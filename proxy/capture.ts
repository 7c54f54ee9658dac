/**
 * A bounded copy of a body as it streams past. Chunks are kept by reference (no copy) until the
 * cap; beyond it only the byte count grows, so a huge body costs no more memory than the cap.
 */
export class BodyCapture {
  readonly #chunks: Buffer[] = []
  readonly #limit: number
  #kept = 0
  #total = 0

  constructor(limit: number) {
    this.#limit = limit
  }

  push(chunk: Buffer): void {
    this.#total += chunk.length
    const room = this.#limit - this.#kept
    if (room <= 0) return
    const kept = chunk.length <= room ? chunk : chunk.subarray(0, room)
    this.#chunks.push(kept)
    this.#kept += kept.length
  }

  /** Bytes seen, kept or not. */
  get totalBytes(): number {
    return this.#total
  }

  get truncated(): boolean {
    return this.#total > this.#kept
  }

  /** The kept bytes (all of them when not truncated). */
  body(): Buffer {
    if (this.#chunks.length === 1) return this.#chunks[0] as Buffer
    return Buffer.concat(this.#chunks, this.#kept)
  }
}
