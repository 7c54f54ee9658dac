import type { OutgoingHttpHeaders } from 'node:http'
import type { Cassette, Interaction, StoredBody } from '../cassettes/schema.js'
import { isPlaceholder } from '../cassettes/placeholders.js'
import type { UpstreamMount } from './mounts.js'

/** A recorded answer, ready to send. */
export interface ReplayedAnswer {
  readonly status: number
  readonly headers: OutgoingHttpHeaders
  readonly body: Buffer
}

/**
 * `once` mode's view of the cassette that was already there: which recorded interaction answers
 * a live request. Deliberately simple (the replay layer has the full matcher): same operation
 * key, same path parameters (a recorded placeholder matches any live value), same occurrence.
 */
export class OnceCassette {
  readonly #byOperation = new Map<string, Interaction[]>()
  readonly #seen = new Map<string, number>()
  readonly #used = new Set<Interaction>()
  /** Recorded (placeholder) origins → the live mount requests for them arrived on. */
  readonly #origins = new Map<string, UpstreamMount>()

  constructor(readonly existing: Cassette) {
    for (const interaction of existing.interactions) {
      const list = this.#byOperation.get(interaction.operation) ?? []
      list.push(interaction)
      this.#byOperation.set(interaction.operation, list)
    }
  }

  /** The recorded interaction for this live request, or null when the cassette lacks it. */
  match(operation: string, params: Readonly<Record<string, string>>): Interaction | null {
    const liveKey = `${operation}\u0000${JSON.stringify(params)}`
    const occurrence = this.#seen.get(liveKey) ?? 0
    this.#seen.set(liveKey, occurrence + 1)
    const candidates = this.#byOperation.get(operation) ?? []
    const hit = candidates.find((recorded) => !this.#used.has(recorded) && recorded.occurrence === occurrence && paramsMatch(recorded.params, params))
    if (!hit) return null
    this.#used.add(hit)
    return hit
  }

  /** Remembers which live upstream a recorded origin stands for, so replayed links lead there. */
  learnOrigin(recordedOrigin: string, mount: UpstreamMount): void {
    this.#origins.set(recordedOrigin, mount)
  }

  /** The recorded answer as bytes, its links to known recorded origins pointing at the proxy. */
  answer(interaction: Interaction, proxyOrigin: string): ReplayedAnswer | null {
    const response = interaction.response
    if (!response || interaction.transportFault) return null
    const headers: OutgoingHttpHeaders = {}
    for (const [name, value] of Object.entries(response.headers)) {
      if (name === 'content-length' || name === 'content-encoding' || name === 'transfer-encoding') continue
      headers[name] = this.#relink(value, proxyOrigin)
    }
    const body = response.body ? this.#bodyBytes(response.body, proxyOrigin) : Buffer.alloc(0)
    headers['content-length'] = body.length
    return { status: response.status, headers, body }
  }

  #bodyBytes(body: StoredBody, proxyOrigin: string): Buffer {
    switch (body.kind) {
      case 'json':
        return Buffer.from(this.#relink(JSON.stringify(body.json), proxyOrigin))
      case 'base64':
        return Buffer.from(body.base64, 'base64')
      default:
        return Buffer.from(this.#relink(body.text, proxyOrigin))
    }
  }

  #relink(text: string, proxyOrigin: string): string {
    let result = text
    for (const [recorded, mount] of this.#origins) {
      result = result.replace(new RegExp(`${escapeRegExp(recorded)}(?=[/?#"'<\\s]|$)`, 'g'), proxyOrigin + mount.prefix)
    }
    return result
  }
}

function paramsMatch(recorded: Readonly<Record<string, string>>, live: Readonly<Record<string, string>>): boolean {
  const names = Object.keys(recorded)
  if (names.length !== Object.keys(live).length) return false
  return names.every((name) => {
    const value = recorded[name] as string
    return live[name] !== undefined && (value === live[name] || isPlaceholder(value))
  })
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
