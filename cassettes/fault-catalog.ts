import type { Dialect } from './operation-catalog.js'
import type { BodyFormat } from './resolve-operation.js'

/**
 * A documented synchronous fault: its body root name, HTTP status and the dialects that document
 * it. Transcribed from ../shared/api/faults.tsv (test/cassettes/fault-catalog.test.ts compares);
 * the `nova` column is ours, from what Nova Zed really sends (../shared/nova-local/README.md).
 */
export interface FaultDefinition {
  readonly name: string
  readonly code: number
  readonly dialects: readonly Dialect[]
  /** 001 marks it "expected in all requests". */
  readonly all: boolean
  /** A realistic message, used when a rule gives none. */
  readonly message: string
  readonly notes: string
}

export const FAULTS: readonly FaultDefinition[] = [
  { name: 'computeFault', code: 500, dialects: ['rackspace', 'nova'], all: true, message: 'The server has either erred or is incapable of performing the requested operation.', notes: 'generic root; "500, 400, other codes possible"; verbatim JSON/XML example 001 Ex 1.47/1.48' },
  { name: 'cloudServersFault', code: 500, dialects: ['hp', 'rackspace'], all: false, message: 'The server has either erred or is incapable of performing the requested operation.', notes: "hp's generic root (003 §3.11); named by rackspace rescue/unrescue (001 §2.3.7)" },
  { name: 'badRequest', code: 400, dialects: ['rackspace', 'hp', 'nova'], all: true, message: 'Malformed request body', notes: '' },
  { name: 'unauthorized', code: 401, dialects: ['rackspace', 'hp', 'nova'], all: true, message: 'This server could not verify that you are authorized to access the document you requested.', notes: '' },
  { name: 'forbidden', code: 403, dialects: ['rackspace', 'nova'], all: true, message: 'Policy does not allow this action to be performed.', notes: '' },
  { name: 'resizeNotAllowed', code: 403, dialects: ['rackspace', 'hp'], all: false, message: 'Resize is not allowed for this server.', notes: '' },
  { name: 'itemNotFound', code: 404, dialects: ['rackspace', 'hp', 'nova'], all: false, message: 'The resource could not be found.', notes: 'verbatim examples 001 Ex 1.49/1.50, 003 §3.11' },
  { name: 'badMethod', code: 405, dialects: ['rackspace', 'hp', 'nova'], all: false, message: 'The method specified is not allowed for this resource.', notes: '001 Table 1.6 prints "Method Not Allowed"; per-operation lists and 003 say badMethod' },
  { name: 'buildInProgress', code: 409, dialects: ['rackspace'], all: false, message: 'Server is being built; try again when it is ACTIVE.', notes: '' },
  { name: 'backupOrResizeInProgress', code: 409, dialects: ['rackspace'], all: false, message: 'A backup or resize is in progress for this server.', notes: '' },
  { name: 'rescueOrUnrescueProcessingInProgress', code: 409, dialects: ['rackspace'], all: false, message: 'A rescue or unrescue is in progress for this server.', notes: '001 §2.3.7/2.3.8 only' },
  { name: 'operationNotAllowed', code: 409, dialects: ['rackspace'], all: false, message: 'The operation is not allowed in the current server state.', notes: '001 §2.3.7/2.3.8 only' },
  { name: 'conflictingRequest', code: 409, dialects: ['hp', 'nova'], all: false, message: "Cannot 'reboot' instance while it is in vm_state building", notes: "hp's 409; also 002's 409 row (\"Conflicting request.\")" },
  { name: 'overLimit', code: 413, dialects: ['rackspace', 'hp', 'nova'], all: true, message: 'This request was rate-limited.', notes: 'verbatim examples 001 Ex 1.51/1.52 (retryAt), 003 §3.11 (Retry-After seconds)' },
  { name: 'badMediaType', code: 415, dialects: ['rackspace', 'hp', 'nova'], all: false, message: 'The request media type is not supported by this server.', notes: '' },
  { name: 'notImplemented', code: 501, dialects: ['rackspace', 'hp', 'nova'], all: false, message: 'The requested functionality is not implemented.', notes: '' },
  { name: 'serviceUnavailable', code: 503, dialects: ['rackspace', 'hp', 'nova'], all: true, message: 'The service is unavailable at this time.', notes: '' },
  { name: 'serverCapacityUnavailable', code: 503, dialects: ['rackspace'], all: false, message: 'There is not enough capacity to build the server.', notes: '' },
]

/** XML namespaces of fault bodies: v1.1 in the Rackspace guide (001 §1.11.1), v2 in HP Helion (003 §3.11). */
export const FAULT_NAMESPACES: Readonly<Record<Exclude<Dialect, 'nova'>, string>> = {
  rackspace: 'http://docs.openstack.org/compute/api/v1.1',
  hp: 'http://docs.openstack.org/compute/api/v2',
}

const BY_NAME: ReadonlyMap<string, FaultDefinition> = new Map(FAULTS.map((fault) => [fault.name, fault]))

/** The fault named `name`, whichever dialects document it. */
export function getFault(name: string): FaultDefinition | undefined {
  return BY_NAME.get(name)
}

/** The faults a dialect documents, in catalog order. */
export function faultsForDialect(dialect: Dialect): FaultDefinition[] {
  return FAULTS.filter((fault) => fault.dialects.includes(dialect))
}

export interface RenderFaultOptions {
  readonly name: string
  readonly dialect: Dialect
  readonly format: BodyFormat
  /** Defaults to the catalog's code for the fault. */
  readonly code?: number
  readonly message?: string
  /** Omitted from the body when undefined (Nova never sends details). */
  readonly details?: string
  /** overLimit in the rackspace dialect: the xsd:dateTime equal to the Retry-After time. */
  readonly retryAt?: string
}

export interface RenderedFault {
  readonly status: number
  readonly contentType: string
  readonly body: string
}

/**
 * Renders a fault body as the API sends it: JSON `{"<name>": {"code", "message", "details"}}` or XML
 * `<name xmlns="NS" code="N"><message/><details/></name>` in the dialect's namespace. Nova speaks
 * JSON only, so an XML request still gets JSON, as real Nova does.
 *
 * @example
 * renderFault({ name: 'itemNotFound', dialect: 'rackspace', format: 'xml' }).status // 404
 */
export function renderFault(options: RenderFaultOptions): RenderedFault {
  const definition = getFault(options.name)
  const code = options.code ?? definition?.code ?? 500
  const message = options.message ?? definition?.message ?? 'Fault!'
  const retryAt = options.dialect === 'rackspace' ? options.retryAt : undefined
  if (options.format === 'xml' && options.dialect !== 'nova') {
    return {
      status: code,
      contentType: 'application/xml',
      body: renderXml(options.name, FAULT_NAMESPACES[options.dialect], code, message, options.details, retryAt),
    }
  }
  const fields: Record<string, string | number> = { code, message }
  if (options.details !== undefined) fields['details'] = options.details
  if (retryAt !== undefined) fields['retryAt'] = retryAt
  if (options.dialect === 'nova') return { status: code, contentType: 'application/json; charset=UTF-8', body: pythonJson({ [options.name]: fields }) }
  return { status: code, contentType: 'application/json', body: JSON.stringify({ [options.name]: fields }) }
}

/**
 * JSON as Nova writes it (Python's json.dumps defaults): `", "` and `": "` separators and
 * non-ASCII characters escaped, so an injected fault has the bytes of a real one.
 */
function pythonJson(value: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(value).map(([key, item]) => `${pythonString(key)}: ${pythonValue(item)}`)
  return `{${entries.join(', ')}}`
}

function pythonValue(value: unknown): string {
  if (typeof value === 'string') return pythonString(value)
  if (value !== null && typeof value === 'object') return pythonJson(value as Record<string, unknown>)
  return JSON.stringify(value)
}

function pythonString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function renderXml(name: string, namespace: string, code: number, message: string, details: string | undefined, retryAt: string | undefined): string {
  const retry = retryAt === undefined ? '' : ` retryAt="${escapeXml(retryAt)}"`
  const detailsElement = details === undefined ? '' : `\n  <details>${escapeXml(details)}</details>`
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${name} xmlns="${namespace}" code="${code}"${retry}>\n` +
    `  <message>${escapeXml(message)}</message>${detailsElement}\n` +
    `</${name}>\n`
  )
}

/** Escapes text for XML element content and double-quoted attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char)
}

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }
