import { BoundedMap } from './bounded.js'
import { resolveOperation, type ResolvedOperation, type ResolveOperationInput } from './resolve-operation.js'

const MAX_ENTRIES = 2048

/**
 * Resolves requests without a body once per method, URL, Accept and Content-Type. A recording
 * repeats them (every poll of a server is the same GET); the body only matters to actions, and
 * a request with one is resolved every time.
 */
export class OperationMemo {
  readonly #entries = new BoundedMap<string, ResolvedOperation>(MAX_ENTRIES)

  /** `enabled` false: every request is resolved afresh. */
  constructor(readonly enabled = true) {}

  resolve(input: ResolveOperationInput): ResolvedOperation {
    if (!this.enabled) return resolveOperation(input)
    if (input.body !== null && input.body !== undefined && input.body.length > 0) return resolveOperation(input)
    const key = `${input.method}\u0000${input.url}\u0000${input.accept ?? ''}\u0000${input.contentType ?? ''}`
    const known = this.#entries.get(key)
    if (known !== undefined) return known
    const resolved = resolveOperation(input)
    this.#entries.set(key, resolved)
    return resolved
  }
}
