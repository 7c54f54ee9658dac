import { CloudtapeError } from '../../cassettes/errors.js'
import { HTTP_METHODS } from '../../cassettes/operation-catalog.js'
import type { BodyFormat } from '../../cassettes/resolve-operation.js'

/** The dialects whose documents the library examples are transcribed from. */
export const EXAMPLE_DIALECTS = ['rackspace', 'hp'] as const
export type ExampleDialect = (typeof EXAMPLE_DIALECTS)[number]

const FORMATS: readonly BodyFormat[] = ['json', 'xml']

/** Where an example comes from, and every change made to the document's text. */
export interface ExampleSource {
  /** Seed document number, e.g. `003`. */
  readonly document: string
  /** Section of that document, e.g. `§4.4.1.6`. */
  readonly section: string
  readonly repairs: readonly string[]
}

/** A request as the documents show it; header names lowercase, bodies as exact text. */
export interface ExampleRequest {
  readonly method: string
  /** Absolute URL with the endpoint host and tenant the document uses. */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | null
}

export interface ExampleResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | null
}

/** One documented exchange for one operation, dialect and format: the source of a library cassette. */
export interface LibraryExample {
  readonly operation: string
  readonly dialect: ExampleDialect
  readonly format: BodyFormat
  readonly sources: readonly ExampleSource[]
  readonly request: ExampleRequest
  readonly response: ExampleResponse
}

const TOP_KEYS = ['operation', 'dialect', 'format', 'sources', 'request', 'response']

type Json = Record<string, unknown>

class ShapeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message)
  }
}

function object(value: unknown, path: string, keys: readonly string[]): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ShapeError(path, 'must be an object')
  const extra = Object.keys(value).filter((key) => !keys.includes(key))
  if (extra.length > 0) throw new ShapeError(`${path}.${extra[0]}`, `is not a field of this object (fields: ${keys.join(', ')})`)
  return value as Json
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw new ShapeError(path, 'must be a non-empty string')
  return value
}

function textOrNull(value: unknown, path: string): string | null {
  if (value === null) return null
  if (typeof value !== 'string') throw new ShapeError(path, 'must be a string or null')
  return value
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ShapeError(path, `must be one of: ${allowed.join(', ')}`)
  }
  return value as T
}

function headers(value: unknown, path: string): Record<string, string> {
  const fields = object(value, path, Object.keys(value ?? {}))
  for (const [name, headerValue] of Object.entries(fields)) {
    if (name !== name.toLowerCase()) throw new ShapeError(`${path}.${name}`, 'header names must be lowercase')
    text(headerValue, `${path}.${name}`)
  }
  return fields as Record<string, string>
}

function source(value: unknown, path: string): ExampleSource {
  const fields = object(value, path, ['document', 'section', 'repairs'])
  const repairs = fields['repairs']
  if (!Array.isArray(repairs)) throw new ShapeError(`${path}.repairs`, 'must be an array of strings (empty when the example is verbatim)')
  repairs.forEach((repair, index) => text(repair, `${path}.repairs[${index}]`))
  return { document: text(fields['document'], `${path}.document`), section: text(fields['section'], `${path}.section`), repairs }
}

function request(value: unknown, path: string): ExampleRequest {
  const fields = object(value, path, ['method', 'url', 'headers', 'body'])
  const url = text(fields['url'], `${path}.url`)
  if (!/^https?:\/\/[^/]+\//.test(url)) throw new ShapeError(`${path}.url`, 'must be an absolute http(s) URL with a path')
  return {
    method: oneOf(fields['method'], `${path}.method`, HTTP_METHODS),
    url,
    headers: headers(fields['headers'], `${path}.headers`),
    body: textOrNull(fields['body'], `${path}.body`),
  }
}

function response(value: unknown, path: string): ExampleResponse {
  const fields = object(value, path, ['status', 'headers', 'body'])
  const status = fields['status']
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new ShapeError(`${path}.status`, 'must be an HTTP status code (an integer from 100 to 599)')
  }
  return { status, headers: headers(fields['headers'], `${path}.headers`), body: textOrNull(fields['body'], `${path}.body`) }
}

function example(value: unknown): LibraryExample {
  const fields = object(value, '$', TOP_KEYS)
  const sources = fields['sources']
  if (!Array.isArray(sources) || sources.length === 0) throw new ShapeError('$.sources', 'must list at least one source document')
  return {
    operation: text(fields['operation'], '$.operation'),
    dialect: oneOf(fields['dialect'], '$.dialect', EXAMPLE_DIALECTS),
    format: oneOf(fields['format'], '$.format', FORMATS),
    sources: sources.map((entry, index) => source(entry, `$.sources[${index}]`)),
    request: request(fields['request'], '$.request'),
    response: response(fields['response'], '$.response'),
  }
}

/**
 * Parses and validates one example file (`scripts/library/examples/<dialect>/<operation>.<format>.json`).
 * Fails with ERR_CLOUDTAPE_CASSETTE_INVALID naming the file and the JSON path of the problem.
 */
export function parseLibraryExample(fileText: string, sourceName: string): LibraryExample {
  let value: unknown
  try {
    value = JSON.parse(fileText)
  } catch (error) {
    throw new CloudtapeError(
      'ERR_CLOUDTAPE_CASSETTE_INVALID',
      `Library example ${sourceName} is not valid JSON: ${(error as Error).message}. Fix the file; it must be one JSON object.`,
      { cause: error },
    )
  }
  try {
    return example(value)
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error
    throw new CloudtapeError(
      'ERR_CLOUDTAPE_CASSETTE_INVALID',
      `Library example ${sourceName} is invalid at ${error.path}: it ${error.message}. See scripts/library/example-schema.ts for the shape.`,
    )
  }
}
