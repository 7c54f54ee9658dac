import type { Cassette, Interaction, NormalizationSummary } from '../../cassettes/index.js'
import { abbreviate } from './client.js'

/** One before → after pair: a real value the client saw, and what the cassette holds instead. */
export interface RedactionExample {
  readonly kind: string
  /** The real value, shortened when it is a secret (never printed in full). */
  readonly before: string
  readonly after: string
}

/** The real values the client saw while recording, the ones the examples start from. */
export interface RealValues {
  readonly token: string
  readonly tenantId: string
  readonly serverId: string
}

/** `token 1, password 1, adminPass 1` (distinct values replaced, by kind). */
export function describeCounts(counts: Readonly<Partial<Record<string, number>>>): string {
  const parts = Object.entries(counts).filter(([, count]) => (count ?? 0) > 0).map(([kind, count]) => `${kind} ${count}`)
  return parts.length === 0 ? 'none' : parts.join(', ')
}

/** Total of a by-kind count. */
export function total(counts: Readonly<Partial<Record<string, number>>>): number {
  return Object.values(counts).reduce<number>((sum, count) => sum + (count ?? 0), 0)
}

/** The summary's lines: which secret kinds were replaced and how many ids of each kind were mapped. */
export function summaryLines(summary: NormalizationSummary): Array<[label: string, value: string]> {
  return [
    ['secrets', `${describeCounts(summary.secrets)} replaced (${summary.secretReplacements} places)`],
    ['ids', `${total(summary.ids)} mapped to stable placeholders: ${describeCounts(summary.ids)}`],
    ['volatile', `${summary.volatileValues} values normalized (Date headers, request ids, timestamps, token expiry)`],
  ]
}

/**
 * Before → after pairs read from the cassette at the places the client read the real values:
 * the token (shown as its first 4 characters only), the tenant id and the server id.
 */
export function redactionExamples(cassette: Cassette, real: RealValues): RedactionExample[] {
  const token = responseJson(cassette, 'identity.tokens.create')
  const created = responseJson(cassette, 'servers.create')
  const examples: RedactionExample[] = []
  const add = (kind: string, before: string, after: unknown): void => {
    if (typeof after === 'string' && after !== before) examples.push({ kind, before, after })
  }
  add('token', `${abbreviate(real.token)} (${real.token.length} chars)`, at(token, 'access', 'token', 'id'))
  add('tenant', real.tenantId, at(token, 'access', 'token', 'tenant', 'id'))
  add('server', real.serverId, at(created, 'server', 'id'))
  return examples
}

/** The secrets (of those given) that occur in the text; empty when redaction held. */
export function survivingSecrets(text: string, secrets: Readonly<Record<string, string | null>>): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => value !== null && value !== '' && text.includes(value))
    .map(([name]) => name)
}

function responseJson(cassette: Cassette, operation: string): unknown {
  const interaction: Interaction | undefined = cassette.interactions.find((candidate) => candidate.operation === operation && candidate.response?.body?.kind === 'json')
  const body = interaction?.response?.body
  return body?.kind === 'json' ? body.json : undefined
}

function at(value: unknown, ...path: string[]): unknown {
  let current = value
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}
