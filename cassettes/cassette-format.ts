import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import schema from './cassette.schema.json' with { type: 'json' }
import { hasPlainCassetteShape } from './cassette-shape.js'
import { CloudtapeError } from './errors.js'
import { CASSETTE_VERSION, type Cassette, type CassetteHead, type Interaction, type RecordedRequest, type RecordedResponse, type StoredBody, type StoredHeaders } from './schema.js'

/** The published JSON Schema of cassette files (draft-07), also shipped as `cloudtape/cassette.schema.json`. */
export const CASSETTE_SCHEMA: Readonly<Record<string, unknown>> = schema

let validator: ValidateFunction | undefined

/**
 * Compiled on first use, once per process. The schema is ours and checked against the draft-07
 * meta-schema by the tests, so compiling skips that check (it compiled the meta-schema first: about
 * 40% of the compile time, paid by the first cassette a process loads).
 */
function validate(value: unknown): ErrorObject | null {
  validator ??= new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, validateSchema: false }).compile(schema)
  return validator(value) ? null : (validator.errors?.[0] ?? null)
}

/** The first problem found in a cassette file: where (a JSON path, or a line and column), why, and what to do. */
export interface CassetteProblem {
  readonly where: string
  readonly why: string
  readonly todo: string
}

/** What a cassette file's text holds: a valid cassette, or the parsed JSON (if any) and its first problem. */
export type CassetteInspection =
  | { readonly cassette: Cassette }
  | { readonly problem: CassetteProblem; readonly json?: unknown }

const RERECORD = 'Fix it by hand, or re-record it with `cloudtape record --cassette <path>`.'

/**
 * Parses and validates a cassette file's text. Fails with ERR_CLOUDTAPE_CASSETTE_INVALID naming
 * the file, the JSON path of the first problem and what to do.
 *
 * @example
 * const cassette = parseCassette(await readFile(path, 'utf8'), path)
 */
export function parseCassette(text: string, source: string): Cassette {
  const inspection = inspectCassetteText(text)
  if ('cassette' in inspection) return inspection.cassette
  const { where, why, todo } = inspection.problem
  throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_INVALID', `Cassette "${source}" is invalid at ${where}: ${why}. ${todo}`)
}

/** Like parseCassette, but returns the problem instead of throwing (used by `cloudtape lint`). */
export function inspectCassetteText(text: string): CassetteInspection {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { problem: jsonSyntaxProblem(text, error as Error) }
  }
  // The common shape is checked by hand (fast, no validator to compile); the schema finds and names problems.
  const problem = versionProblem(value) ?? (hasPlainCassetteShape(value) ? undefined : schemaProblem(value)) ?? idProblem(value as Cassette)
  return problem ? { problem, json: value } : { cassette: value as Cassette }
}

function schemaProblem(value: unknown): CassetteProblem | undefined {
  const error = validate(value)
  return error ? { where: jsonPath(error.instancePath), why: describe(error), todo: RERECORD } : undefined
}

function idProblem(cassette: Cassette): CassetteProblem | undefined {
  const index = cassette.interactions.findIndex((interaction, at) => interaction.id !== at + 1)
  if (index < 0) return undefined
  return {
    where: `$.interactions[${index}].id`,
    why: `expected ${index + 1} (ids count from 1 in recorded order), found ${cassette.interactions[index]?.id}`,
    todo: 'Renumber the interactions or re-record the cassette.',
  }
}

function jsonSyntaxProblem(text: string, error: Error): CassetteProblem {
  const position = /position (\d+)/.exec(error.message)
  const at = position ? Number(position[1]) : text.length
  const before = text.slice(0, at)
  const line = before.split('\n').length
  const column = at - before.lastIndexOf('\n')
  const why = text.trim() === '' ? 'the file is empty' : /end of (?:JSON )?input|Unterminated/i.test(error.message) ? 'the JSON ends early (a truncated file?)' : `not valid JSON (${error.message})`
  return { where: `line ${line}, column ${column}`, why, todo: 'Restore it from version control, or re-record it with `cloudtape record --cassette <path>`.' }
}

function versionProblem(value: unknown): CassetteProblem | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { where: '$', why: 'expected a JSON object with "version", "name", "dialect", "recordedAt" and "interactions"', todo: 'Is this a cloudtape cassette?' }
  }
  const version = (value as { version?: unknown }).version
  if (version === CASSETTE_VERSION) return undefined
  if (version === undefined) return { where: '$.version', why: 'missing', todo: `Cassettes start with "version": ${CASSETTE_VERSION}; is this a cloudtape cassette?` }
  if (typeof version === 'number' && version > CASSETTE_VERSION) {
    return { where: '$.version', why: `version ${version} was written by a newer cloudtape; this one reads version ${CASSETTE_VERSION}`, todo: 'Upgrade cloudtape (npm install cloudtape@latest).' }
  }
  return { where: '$.version', why: `unknown version ${JSON.stringify(version)}; this cloudtape reads version ${CASSETTE_VERSION}`, todo: 'Re-record the cassette with this cloudtape.' }
}

/** `/interactions/3/request/method` → `$.interactions[3].request.method`. */
export function jsonPath(pointer: string): string {
  if (pointer === '') return '$'
  return (
    '$' +
    pointer
      .split('/')
      .slice(1)
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((part) => (/^\d+$/.test(part) ? `[${part}]` : /^[A-Za-z_$][\w$]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part)}]`))
      .join('')
  )
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>
  if (error.keyword === 'required') return `missing required property "${String(params['missingProperty'])}"`
  if (error.keyword === 'additionalProperties') return `unknown property "${String(params['additionalProperty'])}"`
  if (error.keyword === 'enum') return `${error.message ?? 'invalid value'}: ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
  if (error.keyword === 'const') return `must be ${JSON.stringify(params['allowedValue'])}`
  return error.message ?? 'invalid value'
}

/**
 * The one way cassettes are written: fixed key order, headers sorted, 2-space indent, trailing
 * newline. The same cassette always gives the same bytes, so re-recording gives clean diffs.
 */
export function serializeCassette(cassette: Cassette): string {
  return serializeCassetteHead(cassette) + serializeInteractionsTail(cassette.interactions, true)
}

/**
 * The text of a cassette up to its interactions, ending in `"interactions": [`. A file is this,
 * then the interactions' entries joined by `,`, then INTERACTIONS_END (or `]` and `\n}\n` when
 * empty): serializeCassette's bytes, built so that interactions can be appended to a file
 * without serializing the ones before them.
 */
export function serializeCassetteHead(head: CassetteHead): string {
  const ordered = {
    version: head.version,
    name: head.name,
    dialect: head.dialect,
    recordedAt: head.recordedAt,
    ...(head.meta === undefined ? {} : { meta: head.meta }),
    interactions: [],
  }
  const text = JSON.stringify(ordered, null, 2)
  return text.slice(0, text.length - ']\n}'.length)
}

const ENTRY_OPENING = '{\n  "i": ['
const ENTRY_CLOSING = '\n  ]\n}'

/** How a cassette file with at least one interaction ends: its last entry is right before this. */
export const INTERACTIONS_END = '\n  ]\n}\n'

/**
 * The text that follows a cassette's head or (with `first` false) its last entry: each
 * interaction as an entry of the interactions array, then the end of the file.
 */
export function serializeInteractionsTail(interactions: readonly Interaction[], first: boolean): string {
  return entriesTail(interactions.map(serializeInteractionEntry), first)
}

/** One interaction as an entry of a cassette file's interactions array, with the file's indentation. */
export function serializeInteractionEntry(interaction: Interaction): string {
  const requestBody = reusedBodyText(interaction.request.body)
  const responseBody = interaction.response === null ? undefined : reusedBodyText(interaction.response.body)
  if (requestBody === undefined && responseBody === undefined) return entryText(orderInteraction(interaction))
  const text = entryText(orderInteraction(interaction, requestBody !== undefined, responseBody !== undefined))
  const spliced = spliceBody(spliceBody(text, REQUEST_BODY_SLOT, requestBody), RESPONSE_BODY_SLOT, responseBody)
  // A slot's text found anywhere else (a request's query can decode to anything): no shortcut.
  return spliced ?? entryText(orderInteraction(interaction))
}

function entryText(ordered: Interaction): string {
  // Serialized inside a one-element array two levels deep, an entry gets the file's indentation.
  const wrapped = JSON.stringify({ i: [ordered] }, null, 2)
  return wrapped.slice(ENTRY_OPENING.length, wrapped.length - ENTRY_CLOSING.length)
}

/**
 * Bodies the recorder stores again and again (the same poll answer): each is serialized once,
 * with the indentation a body has in an entry, and spliced into the entries that hold it.
 */
const reusedBodies = new WeakMap<StoredBody, string | null>()

/** Marks a stored body as one that many interactions will share, so its text is made only once. */
export function shareSerializedBody(body: StoredBody): void {
  if (!reusedBodies.has(body)) reusedBodies.set(body, null)
}

function reusedBodyText(body: StoredBody | null): string | undefined {
  if (body === null) return undefined
  const text = reusedBodies.get(body)
  if (text !== null) return text
  // A body sits four levels deep in an entry: its lines after the first are indented by 8 more.
  const made = JSON.stringify(orderBody(body), null, 2).replaceAll('\n', '\n        ')
  reusedBodies.set(body, made)
  return made
}

const REQUEST_BODY_SLOT = '\u0000cloudtape:request-body'
const RESPONSE_BODY_SLOT = '\u0000cloudtape:response-body'
/** How each slot reads in an entry's text. */
const QUOTED_SLOTS: ReadonlyMap<string, string> = new Map([REQUEST_BODY_SLOT, RESPONSE_BODY_SLOT].map((slot) => [slot, JSON.stringify(slot)]))

/** The text with the slot's one occurrence replaced by `body`; null when the slot is not there exactly once. */
function spliceBody(text: string | null, slot: string, body: string | undefined): string | null {
  if (text === null || body === undefined) return text
  const quoted = QUOTED_SLOTS.get(slot) as string
  const at = text.indexOf(quoted)
  if (at < 0 || text.indexOf(quoted, at + 1) >= 0) return null
  return text.slice(0, at) + body + text.slice(at + quoted.length)
}

/** serializeInteractionsTail for entries already serialized (serializeInteractionEntry). */
export function entriesTail(entries: readonly string[], first: boolean): string {
  if (entries.length === 0) return first ? ']\n}\n' : INTERACTIONS_END
  return (first ? '' : ',') + entries.join(',') + INTERACTIONS_END
}

/** The interaction with its keys in file order; a body given a slot is serialized as the slot's string. */
function orderInteraction(interaction: Interaction, requestSlot = false, responseSlot = false): Interaction {
  return {
    id: interaction.id,
    operation: interaction.operation,
    documented: interaction.documented,
    params: interaction.params,
    occurrence: interaction.occurrence,
    dialect: interaction.dialect,
    format: interaction.format,
    request: orderRequest(interaction.request, requestSlot ? REQUEST_BODY_SLOT : null),
    response: interaction.response === null ? null : orderResponse(interaction.response, responseSlot ? RESPONSE_BODY_SLOT : null),
    ...(interaction.transportFault ? { transportFault: { kind: interaction.transportFault.kind, message: interaction.transportFault.message } } : {}),
    ...(interaction.timing ? { timing: { durationMs: interaction.timing.durationMs } } : {}),
  }
}

function orderRequest(request: RecordedRequest, slot: string | null): RecordedRequest {
  const { method, origin, path, query, headers, body } = request
  return { method, origin, path, query, headers: sortHeaders(headers), body: slot === null ? orderBody(body) : (slot as unknown as StoredBody) }
}

function orderResponse(response: RecordedResponse, slot: string | null): RecordedResponse {
  return { status: response.status, headers: sortHeaders(response.headers), body: slot === null ? orderBody(response.body) : (slot as unknown as StoredBody) }
}

function sortHeaders(headers: StoredHeaders): StoredHeaders {
  const names = Object.keys(headers).sort()
  return Object.fromEntries(names.map((name) => [name, headers[name] as string]))
}

function orderBody(body: StoredBody | null): StoredBody | null {
  if (body === null) return null
  const truncated = body.truncated ? { truncated: { originalBytes: body.truncated.originalBytes, keptBytes: body.truncated.keptBytes } } : {}
  switch (body.kind) {
    case 'json':
      return { kind: 'json', json: body.json, ...truncated }
    case 'xml':
    case 'text':
      return { kind: body.kind, text: body.text, ...truncated }
    case 'base64':
      return { kind: 'base64', base64: body.base64, ...truncated }
  }
}
