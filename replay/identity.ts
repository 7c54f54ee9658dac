import type { Clock, Interaction, JsonValue } from '../cassettes/index.js'
import { canonicalXmlTree, encodeStoredBody } from '../cassettes/index.js'
import type { CanonicalXmlElement } from '../cassettes/index.js'
import type { CassetteIndex } from './cassette-index.js'
import type { StrictCredentials } from './options.js'

/** Tokens live 24 hours (001 §1.3: "the authentication token expires after 24 hours"). */
export const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000

/** What a token request claims: the fields strict mode checks. */
interface PresentedCredentials {
  username?: string
  password?: string
  apiKey?: string
  token?: string
}

/** Every token the cassette's identity answers issued, and the X-Auth-Token values its requests sent. */
export function recordedTokens(index: CassetteIndex): Set<string> {
  const tokens = new Set<string>()
  for (const position of index.identity) {
    const text = encodeStoredBody(index.cassette.interactions[position]?.response?.body ?? null).toString('utf8')
    const json = /"token"\s*:\s*\{[^}]*?"id"\s*:\s*"([^"]+)"/.exec(text)
    const xml = /<(?:\w+:)?token\b[^>]*?\sid="([^"]+)"/.exec(text)
    const id = json?.[1] ?? xml?.[1]
    if (id !== undefined) tokens.add(id)
  }
  for (const interaction of index.cassette.interactions) {
    const token = interaction.request.headers['x-auth-token']
    if (token !== undefined && interaction.operation !== 'identity.tokens.create') tokens.add(token)
  }
  return tokens
}

/** Why strict mode refuses a token request, or null when it accepts it. */
export function refuseCredentials(body: Buffer | null, contentType: string | undefined, expected: StrictCredentials, tokens: ReadonlySet<string>): string | null {
  const presented = readCredentials(body, contentType)
  if (presented === null) return 'the token request carries no auth credentials'
  if (presented.token !== undefined) return tokens.has(presented.token) ? null : 'the token in the auth request is unknown'
  if (!presented.username) return 'the auth request has no username'
  if (!presented.password && !presented.apiKey) return 'the auth request has neither a password nor an API key'
  if (expected.username !== undefined && presented.username !== expected.username) return `username "${presented.username}" is not the expected one`
  if (expected.password !== undefined && presented.password !== expected.password) return 'the password is wrong'
  if (expected.apiKey !== undefined && presented.apiKey !== expected.apiKey) return 'the API key is wrong'
  return null
}

/** Why strict mode refuses a compute request's token, or null when it accepts it. */
export function refuseToken(token: string | undefined, tokens: ReadonlySet<string>): string | null {
  if (tokens.size === 0) return null
  if (token === undefined || token === '') return 'the request has no X-Auth-Token'
  return tokens.has(token) ? null : 'the X-Auth-Token is not one this replay issued'
}

function readCredentials(body: Buffer | null, contentType: string | undefined): PresentedCredentials | null {
  if (body === null || body.length === 0) return null
  const text = body.toString('utf8')
  const isXml = /xml/i.test(contentType ?? '') || text.trimStart().startsWith('<')
  const found: PresentedCredentials = {}
  try {
    if (isXml) collectXml(canonicalXmlTree(text), found)
    else collect(JSON.parse(text) as JsonValue, found, null)
  } catch {
    return null
  }
  return Object.keys(found).length === 0 ? null : found
}

function collect(value: JsonValue | null, found: PresentedCredentials, parent: string | null): void {
  if (value === null || typeof value !== 'object') return
  for (const [rawKey, child] of Object.entries(value)) {
    const key = rawKey.replace(/^@/, '')
    if (typeof child === 'string') {
      if (key === 'username' || key === 'password' || key === 'apiKey') found[key] = child
      if (key === 'id' && parent === 'token') found.token = child
    } else {
      collect(child as JsonValue, found, key)
    }
  }
}

function collectXml(element: CanonicalXmlElement, found: PresentedCredentials): void {
  const local = element.name.replace(/^\{[^}]*\}/, '')
  for (const [name, value] of element.attributes) {
    if (name === 'username' || name === 'password' || name === 'apiKey') found[name] = value
    if (name === 'id' && local === 'token') found.token = value
  }
  for (const child of element.children) if (typeof child !== 'string') collectXml(child, found)
}

/** The recorded token answer with its expiry moved to now + 24 h (JSON `access.token.expires` or XML `expires`). */
export function freshTokenBody(interaction: Interaction, clock: Clock): Buffer {
  const body = interaction.response?.body ?? null
  const expires = new Date(clock.now() + TOKEN_LIFETIME_MS).toISOString()
  if (body?.kind === 'json') return Buffer.from(JSON.stringify(withExpiry(body.json, expires)))
  const text = encodeStoredBody(body).toString('utf8')
  return Buffer.from(text.replace(/(<(?:\w+:)?token\b[^>]*?\sexpires=")[^"]*(")/, `$1${expires}$2`))
}

function withExpiry(json: JsonValue, expires: string): JsonValue {
  const access = objectAt(json, 'access')
  const token = access ? objectAt(access, 'token') : null
  if (!access || !token) return json
  return { ...(json as Record<string, JsonValue>), access: { ...access, token: { ...token, expires } } }
}

function objectAt(value: JsonValue, key: string): Record<string, JsonValue> | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null
  const child = value[key]
  return child !== null && typeof child === 'object' && !Array.isArray(child) ? child : null
}
