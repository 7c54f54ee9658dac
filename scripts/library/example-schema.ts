import { CloudtapeError } from '../../cassettes/errors.js'
import { HTTP_METHODS } from '../../cassettes/operation-catalog.js'

/**
 * The curated source data of the cassette library: one documented exchange per operation and
 * format (`examples/<dialect>/<operation>.<format>.json`) and ordered stories
 * (`scenarios/<name>.json`), taken from the API documents and repaired where the text dumps broke
 * them. The cassette builder turns them into cassettes; they are not shipped themselves.
 */

export const EXAMPLE_DIALECTS = ['rackspace', 'hp'] as const
export type ExampleDialect = (typeof EXAMPLE_DIALECTS)[number]

export const EXAMPLE_FORMATS = ['json', 'xml'] as const
export type ExampleFormat = (typeof EXAMPLE_FORMATS)[number]

/** Where an exchange comes from, and every change made to the document's text. */
export interface ExampleSource {
  /** The seed document number, e.g. `001`. */
  readonly document: string
  /** Section and example numbers, e.g. `§2.1.2 Example 2.7, 2.8`. */
  readonly section: string
  /** What was repaired or built, one entry per change; empty when the example is verbatim. */
  readonly repairs: readonly string[]
}

export interface ExampleRequest {
  readonly method: string
  /** Absolute URL as documented, with the query if any. */
  readonly url: string
  /** Lowercase header names. */
  readonly headers: Readonly<Record<string, string>>
  /** The exact body text, or null when the request has none. */
  readonly body: string | null
}

export interface ExampleResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | null
}

/** One documented request and its answer. */
export interface ExampleExchange {
  readonly request: ExampleRequest
  readonly response: ExampleResponse
}

/** `examples/<dialect>/<operation>.<format>.json`: the documented example of one operation. */
export interface OperationExample extends ExampleExchange {
  readonly operation: string
  readonly dialect: ExampleDialect
  readonly format: ExampleFormat
  readonly sources: readonly ExampleSource[]
}

/** One step of a scenario: an exchange and the operation it is. */
export interface ScenarioExchange extends ExampleExchange {
  readonly operation: string
}

/** `scenarios/<name>.json`: a story users test often, as ordered exchanges with consistent ids. */
export interface ScenarioExample {
  readonly name: string
  readonly description: string
  readonly dialect: ExampleDialect
  readonly format: ExampleFormat
  readonly sources: readonly ExampleSource[]
  readonly exchanges: readonly ScenarioExchange[]
}

type JsonObject = Record<string, unknown>

/** Parses and validates an operation example file; fails with the JSON path of the first problem. */
export function parseOperationExample(text: string, file: string): OperationExample {
  const root = parseRoot(text, file)
  const check = new Checker(file)
  check.keys(root, '$', ['operation', 'dialect', 'format', 'sources', 'request', 'response'])
  check.nonEmptyString(root['operation'], '$.operation')
  check.oneOf(root['dialect'], '$.dialect', EXAMPLE_DIALECTS)
  check.oneOf(root['format'], '$.format', EXAMPLE_FORMATS)
  check.sources(root['sources'], '$.sources')
  check.request(root['request'], '$.request')
  check.response(root['response'], '$.response')
  return root as unknown as OperationExample
}

/** Parses and validates a scenario file; fails with the JSON path of the first problem. */
export function parseScenarioExample(text: string, file: string): ScenarioExample {
  const root = parseRoot(text, file)
  const check = new Checker(file)
  check.keys(root, '$', ['name', 'description', 'dialect', 'format', 'sources', 'exchanges'])
  check.nonEmptyString(root['name'], '$.name')
  check.nonEmptyString(root['description'], '$.description')
  check.oneOf(root['dialect'], '$.dialect', EXAMPLE_DIALECTS)
  check.oneOf(root['format'], '$.format', EXAMPLE_FORMATS)
  check.sources(root['sources'], '$.sources')
  const exchanges = check.nonEmptyArray(root['exchanges'], '$.exchanges')
  exchanges.forEach((exchange, index) => {
    const path = `$.exchanges[${index}]`
    const object = check.object(exchange, path)
    check.keys(object, path, ['operation', 'request', 'response'])
    check.nonEmptyString(object['operation'], `${path}.operation`)
    check.request(object['request'], `${path}.request`)
    check.response(object['response'], `${path}.response`)
  })
  return root as unknown as ScenarioExample
}

function parseRoot(text: string, file: string): JsonObject {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw invalid(file, '$', `is not JSON (${(error as Error).message})`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalid(file, '$', 'must be a JSON object')
  }
  return parsed as JsonObject
}

function invalid(file: string, path: string, problem: string): CloudtapeError {
  return new CloudtapeError(
    'ERR_CLOUDTAPE_CASSETTE_INVALID',
    `Invalid library example ${file}: ${path} ${problem}. Fix the file by hand; scripts/library/README.md describes the format.`,
  )
}

/** Field checks that throw on the first problem, naming the file and JSON path. */
class Checker {
  constructor(private readonly file: string) {}

  fail(path: string, problem: string): never {
    throw invalid(this.file, path, problem)
  }

  object(value: unknown, path: string): JsonObject {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, 'must be an object')
    return value as JsonObject
  }

  keys(object: JsonObject, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) this.fail(`${path}.${key}`, `is not a known field (expected: ${allowed.join(', ')})`)
    }
    for (const key of allowed) {
      if (!(key in object)) this.fail(`${path}.${key}`, 'is missing')
    }
  }

  nonEmptyString(value: unknown, path: string): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(path, 'must be a non-empty string')
    return value
  }

  oneOf(value: unknown, path: string, allowed: readonly string[]): void {
    if (typeof value !== 'string' || !allowed.includes(value)) {
      this.fail(path, `must be one of: ${allowed.join(', ')} (got ${JSON.stringify(value)})`)
    }
  }

  nonEmptyArray(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value) || value.length === 0) this.fail(path, 'must be a non-empty array')
    return value
  }

  sources(value: unknown, path: string): void {
    this.nonEmptyArray(value, path).forEach((entry, index) => {
      const at = `${path}[${index}]`
      const source = this.object(entry, at)
      this.keys(source, at, ['document', 'section', 'repairs'])
      if (typeof source['document'] !== 'string' || !/^\d{3}$/.test(source['document'])) {
        this.fail(`${at}.document`, 'must be a seed document number such as "001"')
      }
      this.nonEmptyString(source['section'], `${at}.section`)
      const repairs = source['repairs']
      if (!Array.isArray(repairs)) this.fail(`${at}.repairs`, 'must be an array of strings (empty when verbatim)')
      repairs.forEach((repair, item) => this.nonEmptyString(repair, `${at}.repairs[${item}]`))
    })
  }

  request(value: unknown, path: string): void {
    const request = this.object(value, path)
    this.keys(request, path, ['method', 'url', 'headers', 'body'])
    this.oneOf(request['method'], `${path}.method`, HTTP_METHODS)
    const url = this.nonEmptyString(request['url'], `${path}.url`)
    if (!/^https?:\/\/[^/\s]+\/\S*$/.test(url)) this.fail(`${path}.url`, 'must be an absolute http(s) URL with a path')
    this.headers(request['headers'], `${path}.headers`)
    this.body(request['body'], `${path}.body`)
  }

  response(value: unknown, path: string): void {
    const response = this.object(value, path)
    this.keys(response, path, ['status', 'headers', 'body'])
    const status = response['status']
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
      this.fail(`${path}.status`, 'must be an HTTP status code (an integer from 100 to 599)')
    }
    this.headers(response['headers'], `${path}.headers`)
    this.body(response['body'], `${path}.body`)
  }

  headers(value: unknown, path: string): void {
    const headers = this.object(value, path)
    for (const [name, header] of Object.entries(headers)) {
      if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) this.fail(`${path}.${name}`, 'must be a lowercase header name')
      if (typeof header !== 'string') this.fail(`${path}.${name}`, 'must be a string')
    }
  }

  body(value: unknown, path: string): void {
    if (value !== null && typeof value !== 'string') this.fail(path, 'must be the body text or null')
    if (value === '') this.fail(path, 'must be null rather than empty')
  }
}
