import { BoundedMap } from './bounded.js'
import type { Dialect } from './operation-catalog.js'

/** What one exchange tells about the dialect, read from the live values before redaction. */
export interface DialectEvidence {
  readonly path: string
  readonly host: string
  readonly requestHeaders: ReadonlyMap<string, string>
  readonly responseHeaders: ReadonlyMap<string, string> | null
  /** Request and response bodies as decoded bytes. */
  readonly bodies: readonly Buffer[]
}

interface Clue {
  readonly dialect: Dialect
  readonly weight: number
  readonly test: (evidence: DialectEvidence, bodies: readonly string[]) => boolean
  /** What a body clue looks for (its test is then `in some body`): looked for once per distinct body. */
  readonly needle?: string
}

const inBodies = (needle: string) => ({ needle, test: (_evidence: DialectEvidence, bodies: readonly string[]) => bodies.some((body) => body.includes(needle)) })

/**
 * Clues, strongest first: Nova's microversion headers and noauth tokens, the documents' fault
 * namespaces (v1.1 rackspace, v2 hp; 001 §1.11.1, 003 §3.11), catalog and extension names.
 */
const CLUES: readonly Clue[] = [
  { dialect: 'nova', weight: 5, test: (e) => e.responseHeaders?.has('x-openstack-nova-api-version') === true || e.responseHeaders?.has('openstack-api-version') === true },
  { dialect: 'nova', weight: 3, test: (e) => /^[^:\s]+:[0-9a-f-]{8,}$/i.test(e.requestHeaders.get('x-auth-token') ?? '') },
  { dialect: 'nova', weight: 2, test: (e) => /(?:^|\/)v2\.1(?:\/|$)/.test(e.path) },
  { dialect: 'hp', weight: 4, test: (e) => /hpcloud/i.test(e.host) || /^HPAuth_/.test(e.requestHeaders.get('x-auth-token') ?? '') },
  { dialect: 'hp', weight: 3, ...inBodies('"http://docs.openstack.org/compute/api/v2"') },
  { dialect: 'hp', weight: 3, ...inBodies('apiAccessKeyCredentials') },
  { dialect: 'hp', weight: 2, ...inBodies('HPAuth_') },
  { dialect: 'rackspace', weight: 4, test: (e) => /rackspacecloud\.com|rackspace\.com/i.test(e.host) },
  { dialect: 'rackspace', weight: 3, ...inBodies('cloudServersOpenStack') },
  { dialect: 'rackspace', weight: 2, ...inBodies('RAX-') },
  { dialect: 'rackspace', weight: 2, ...inBodies('http://docs.openstack.org/compute/api/v1.1') },
  { dialect: 'rackspace', weight: 1, ...inBodies('rax-') },
]

const BODY_CLUES = CLUES.filter((clue) => clue.needle !== undefined)
const NO_BODIES: readonly string[] = []
const MAX_REMEMBERED_BODIES = 256
const MAX_REMEMBERED_BODY_LENGTH = 64 * 1024

/** Tallies clues over a recording; the dialect with the most weight wins, rackspace when nothing says. */
export class DialectDetector {
  private readonly scores = new Map<Dialect, number>()
  /** The body clues each distinct body holds: a recording repeats its answers, and their clues with them. */
  private readonly bodyClues = new BoundedMap<string, ReadonlySet<Clue>>(MAX_REMEMBERED_BODIES)

  observe(evidence: DialectEvidence): void {
    // The clues are ASCII: searched in latin1 strings, which is several times faster than Buffer#includes per clue.
    const found = evidence.bodies.map((body) => this.cluesIn(body.toString('latin1')))
    for (const clue of CLUES) {
      // A body clue counts once per exchange, however many of its bodies hold it.
      const holds = clue.needle === undefined ? clue.test(evidence, NO_BODIES) : found.some((clues) => clues.has(clue))
      if (holds) this.scores.set(clue.dialect, (this.scores.get(clue.dialect) ?? 0) + clue.weight)
    }
  }

  private cluesIn(text: string): ReadonlySet<Clue> {
    let found = this.bodyClues.get(text)
    if (found === undefined) {
      found = new Set(BODY_CLUES.filter((clue) => text.includes(clue.needle as string)))
      if (text.length <= MAX_REMEMBERED_BODY_LENGTH) this.bodyClues.set(text, found)
    }
    return found
  }

  /** The best guess so far. */
  get dialect(): Dialect {
    let best: Dialect = 'rackspace'
    let bestScore = 0
    for (const [dialect, score] of this.scores) {
      if (score > bestScore) {
        best = dialect
        bestScore = score
      }
    }
    return best
  }
}
