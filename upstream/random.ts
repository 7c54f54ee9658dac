/**
 * The fake cloud's only source of randomness: a seeded PRNG, so a run is reproducible and a
 * different seed gives different (but equally realistic) secrets and ids.
 *
 * @note Values are drawn from named streams (`stream('server', 3)`), each seeded from the cloud's
 * seed and its own name, so server #3 gets the same id whatever happened before it (how many
 * requests were made, how many retries): recordings of one scenario stay comparable.
 */

/** Draws values from one named stream. */
export interface RandomStream {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  /** A version-4-shaped UUID, lower case. */
  uuid(): string
  hex(length: number): string
  digits(length: number): string
  /** Letters and digits, the shape of the API's generated adminPass values. */
  alphanumeric(length: number): string
  pick<T>(items: readonly T[]): T
}

/** The seeded source of one fake cloud. */
export interface SeededRandom {
  readonly seed: string
  /** An independent stream for `name` (and an optional index), the same for the same seed. */
  stream(name: string, index?: number): RandomStream
}

/** Creates the seeded random source of one fake cloud. */
export function createSeededRandom(seed: number | string): SeededRandom {
  const text = String(seed)
  return {
    seed: text,
    stream: (name, index) => createStream(hashSeed(`${text}\u0000${name}\u0000${index ?? ''}`)),
  }
}

const HEX = '0123456789abcdef'
const ALPHANUMERIC = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'

function createStream(state: Uint32Array): RandomStream {
  const next = sfc32(state)
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  const fromAlphabet = (alphabet: string, length: number): string => {
    let out = ''
    for (let index = 0; index < length; index += 1) out += alphabet[int(0, alphabet.length - 1)]
    return out
  }
  return {
    next,
    int,
    hex: (length) => fromAlphabet(HEX, length),
    digits: (length) => fromAlphabet('0123456789', length),
    alphanumeric: (length) => fromAlphabet(ALPHANUMERIC, length),
    pick: (items) => items[int(0, items.length - 1)] as (typeof items)[number],
    uuid: () => {
      const hex = fromAlphabet(HEX, 32).split('')
      hex[12] = '4'
      hex[16] = HEX[8 + int(0, 3)] as string
      const text = hex.join('')
      return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`
    },
  }
}

/** sfc32: small, fast, and good enough for test data (never for cryptography). */
function sfc32(state: Uint32Array): () => number {
  let [a, b, c, d] = [state[0] ?? 0, state[1] ?? 0, state[2] ?? 0, state[3] ?? 0]
  const step = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let round = 0; round < 12; round += 1) step()
  return step
}

/** cyrb128: spreads a text seed over the four words of sfc32's state. */
function hashSeed(text: string): Uint32Array {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index)
    h1 = h2 ^ Math.imul(h1 ^ code, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ code, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ code, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ code, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return Uint32Array.of(h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0)
}
