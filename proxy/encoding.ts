import { promisify } from 'node:util'
import zlib from 'node:zlib'

type Coder = (input: Buffer) => Promise<Buffer>

interface Codec {
  readonly decode: Coder
  readonly encode: Coder
}

const CODECS: Readonly<Record<string, Codec>> = {
  gzip: { decode: promisify(zlib.gunzip), encode: promisify(zlib.gzip) },
  'x-gzip': { decode: promisify(zlib.gunzip), encode: promisify(zlib.gzip) },
  deflate: { decode: promisify(zlib.inflate), encode: promisify(zlib.deflate) },
  br: { decode: promisify(zlib.brotliDecompress), encode: promisify(zlib.brotliCompress) },
}

/** The content codings of a response, outermost last; `identity` dropped. */
export function contentCodings(header: string | string[] | undefined): string[] {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '')
  return value
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
}

/** True when every coding is one the proxy can undo and redo. */
export function canRecode(codings: readonly string[]): boolean {
  return codings.every((coding) => coding in CODECS)
}

/** Undoes the codings (last applied first). Rejects on a corrupt body. */
export async function decodeBody(body: Buffer, codings: readonly string[]): Promise<Buffer> {
  let result = body
  for (const coding of [...codings].reverse()) result = await (CODECS[coding] as Codec).decode(result)
  return result
}

/** Applies the codings again, in their order, after a rewrite. */
export async function encodeBody(body: Buffer, codings: readonly string[]): Promise<Buffer> {
  let result = body
  for (const coding of codings) result = await (CODECS[coding] as Codec).encode(result)
  return result
}
