// Temporary stand-ins for what issue 3 (`core`) adds to cassettes/: deleted when it lands.
import { readFile } from 'node:fs/promises'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { CASSETTE_VERSION, CloudtapeError, DIALECTS } from '../cassettes/index.js'
import type { Cassette, JsonValue, StoredBody } from '../cassettes/index.js'

const PLACEHOLDER = /^(?:\[redacted[^\]]*\]|0{8}-0{4}-0{4}-0{4}-\d{12}|9{4}\d{4,}|ct-[a-z]+-\d+|.*\.cloudtape\.invalid)$/i

/** Stand-in: a value the recorder minted (secret or id). */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value)
}

/** Stand-in: the bytes of a stored body as the client receives them. */
export function encodeStoredBody(body: StoredBody | null): Buffer {
  if (body === null) return Buffer.alloc(0)
  switch (body.kind) {
    case 'json':
      return Buffer.from(JSON.stringify(body.json))
    case 'xml':
    case 'text':
      return Buffer.from(body.text)
    case 'base64':
      return Buffer.from(body.base64, 'base64')
  }
}

/** Stand-in: validates a cassette's outline. */
export function parseCassette(text: string, source: string): Cassette {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw invalid(source, `is not JSON (${(error as Error).message})`)
  }
  if (typeof value !== 'object' || value === null) throw invalid(source, 'is not a JSON object')
  const record = value as Record<string, unknown>
  if (record['version'] !== CASSETTE_VERSION) {
    throw invalid(source, `has version ${JSON.stringify(record['version'])}; this cloudtape reads version ${CASSETTE_VERSION}`)
  }
  if (!Array.isArray(record['interactions'])) throw invalid(source, 'has no "interactions" array ($.interactions)')
  if (!(DIALECTS as readonly unknown[]).includes(record['dialect'])) {
    throw invalid(source, `has dialect ${JSON.stringify(record['dialect'])} at $.dialect; expected one of ${DIALECTS.join(', ')}`)
  }
  return value as Cassette
}

function invalid(source: string, why: string): CloudtapeError {
  return new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_INVALID', `The cassette "${source}" ${why}. Re-record it with \`cloudtape record --cassette ${source}\`.`)
}

/** Stand-in: reads and validates a cassette file. */
export async function loadCassetteFile(path: string): Promise<Cassette> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_NOT_FOUND', `No cassette at "${path}". Record it with \`cloudtape record --cassette ${path}\`.`, { cause: error })
    }
    throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_INVALID', `Cannot read the cassette "${path}": ${(error as Error).message}.`, { cause: error })
  }
  return parseCassette(text, path)
}

const XML = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
})

/** Stand-in: XML parsed for matching (namespace prefixes and declarations dropped), or null when malformed. */
export function canonicalXml(text: string): JsonValue | null {
  if (XMLValidator.validate(text) !== true) return null
  return dropNamespaceDeclarations(XML.parse(text) as JsonValue)
}

function dropNamespaceDeclarations(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(dropNamespaceDeclarations)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, JsonValue> = {}
  for (const [key, child] of Object.entries(value)) {
    if (key === '@xmlns' || key.startsWith('@xmlns:')) continue
    out[key] = dropNamespaceDeclarations(child)
  }
  return out
}
