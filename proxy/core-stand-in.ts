// TEMPORARY stand-in for the cassette core (issue 3, branch `core`), following the contract in
// ARCHITECTURE.md "Contracts between layers". No normalization, no redaction. Deleted as soon as
// `core` lands on main.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import zlib from 'node:zlib'
import { systemClock, type Clock } from '../cassettes/clock.js'
import { CloudtapeError } from '../cassettes/errors.js'
import type { Dialect } from '../cassettes/operation-catalog.js'
import { resolveOperation } from '../cassettes/resolve-operation.js'
import { CASSETTE_VERSION, type Cassette, type Interaction, type StoredBody, type TransportFault } from '../cassettes/schema.js'

type Headers = Record<string, string | string[] | undefined>

export interface RawExchange {
  request: { method: string; url: string; headers: Headers; body: Buffer }
  response: { status: number; headers: Headers; body: Buffer } | null
  transportFault?: TransportFault
  durationMs?: number
}

export interface CassetteRecorder {
  record(exchange: RawExchange): Interaction
  cassette(): Cassette
}

export function createCassetteRecorder(options: { name: string; dialect?: Dialect; clock?: Clock; maxBodyBytes?: number }): CassetteRecorder {
  const interactions: Interaction[] = []
  const counts = new Map<string, number>()
  const clock = options.clock ?? systemClock
  const startedAt = new Date(clock.now()).toISOString()
  return {
    record(exchange) {
      const { request, response } = exchange
      const resolved = resolveOperation({ method: request.method, url: request.url, body: request.body, contentType: first(request.headers['content-type']), accept: first(request.headers['accept']) })
      const countKey = resolved.key + JSON.stringify(resolved.params)
      const occurrence = counts.get(countKey) ?? 0
      counts.set(countKey, occurrence + 1)
      const url = new URL(request.url)
      const interaction: Interaction = {
        id: interactions.length + 1,
        operation: resolved.key,
        documented: resolved.documented,
        params: resolved.params,
        occurrence,
        dialect: options.dialect ?? 'rackspace',
        format: resolved.format,
        request: { method: request.method, origin: url.origin, path: url.pathname, query: [...url.searchParams], headers: flat(request.headers), body: stored(request.body, request.headers) },
        response: response ? { status: response.status, headers: flat(response.headers), body: stored(response.body, response.headers) } : null,
        ...(exchange.transportFault ? { transportFault: exchange.transportFault } : {}),
      }
      interactions.push(interaction)
      return interaction
    },
    cassette: () => ({ version: CASSETTE_VERSION, name: options.name, dialect: options.dialect ?? 'rackspace', recordedAt: startedAt, interactions: [...interactions] }),
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function flat(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
  return out
}

function stored(body: Buffer, headers: Headers): StoredBody | null {
  if (body.length === 0) return null
  let bytes = body
  const coding = first(headers['content-encoding'])
  try {
    if (coding === 'gzip') bytes = zlib.gunzipSync(body)
    else if (coding === 'deflate') bytes = zlib.inflateSync(body)
    else if (coding === 'br') bytes = zlib.brotliDecompressSync(body)
  } catch {
    return { kind: 'base64', base64: body.toString('base64') }
  }
  const text = bytes.toString('utf8')
  const type = first(headers['content-type']) ?? ''
  if (/json/.test(type)) {
    try {
      return { kind: 'json', json: JSON.parse(text) }
    } catch {
      return { kind: 'text', text }
    }
  }
  return /xml/.test(type) ? { kind: 'xml', text } : { kind: 'text', text }
}

export async function saveCassetteFile(path: string, cassette: Cassette): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(cassette, null, 2)}\n`)
  await rename(temporary, path)
}

export async function loadCassetteFile(path: string): Promise<Cassette> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_NOT_FOUND', `No cassette at ${path}.`, { cause: error })
  }
  return JSON.parse(text) as Cassette
}

export function isPlaceholder(value: string): boolean {
  return /^REDACTED-[A-Za-z]+-\d+$/.test(value)
}
