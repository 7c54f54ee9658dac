import type { ClassifiedBody } from './body.js'
import { BoundedMap } from './bounded.js'
import { shareSerializedBody } from './cassette-format.js'
import type { IdentifierMap } from './identifier-map.js'
import type { StoredBody } from './schema.js'
import { countedRun, unaffectedBy } from './scrub-memo.js'

/** What one body text was classified and stored as. */
interface CachedBody {
  readonly contentType: string | undefined
  readonly classified: ClassifiedBody | null
  stored: StoredBody | null
  /** The secret replacements and volatile values its rewrite counted (a hit counts them again). */
  replacements: number
  volatile: number
  /** The map version `stored` is known right for. */
  version: number
}

/** A body as the memo knows it: `known` when the same text came before, so it was learned from then. */
export interface RememberedBody {
  readonly key: string | null
  readonly classified: ClassifiedBody | null
  readonly known: boolean
}

/**
 * Remembers whole bodies: a poll gets the same answer again and again, and parsing it, walking it
 * twice and storing it again was most of what recording an exchange cost. The same reasoning as
 * ScrubMemo's holds for a body: learning from a body a second time teaches nothing new, and its
 * rewrite stays right until the map learns a value that occurs in its text. So a known body is
 * not learned from again, and its stored form is reused unless something learned since occurs in it.
 */
export class BodyMemo {
  /** Longer bodies are handled every time: listings this big rarely repeat byte for byte. */
  static readonly MAX_BYTES = 64 * 1024
  static readonly MAX_ENTRIES = 256
  /** More values learned than this since an entry was stored: store it afresh rather than check them all. */
  static readonly MAX_CHECKS = 16
  /** While fewer than one lookup in this many hits, only one body in this many is looked up. */
  static readonly SPARSE = 16
  readonly #entries = new BoundedMap<string, CachedBody>(BodyMemo.MAX_ENTRIES)
  #lookups = 0
  #hits = 0
  #skipped = 0

  /** The body classified, from the memo when the same text with the same content type came before. */
  classify(decoded: Buffer, contentType: string | undefined, classify: () => ClassifiedBody | null): RememberedBody {
    if (decoded.length === 0 || decoded.length > BodyMemo.MAX_BYTES || this.#skip()) return { key: null, classified: classify(), known: false }
    // latin1 maps bytes to characters one to one: the key is exact, and cheap to make.
    const key = decoded.toString('latin1')
    const entry = this.#entries.get(key)
    const known = entry !== undefined && entry.contentType === contentType
    // Only a body that is reused counts as a hit: the same text under another content type is not.
    this.#count(known)
    if (known) return { key, classified: entry.classified, known: true }
    const classified = classify()
    this.#entries.set(key, { contentType, classified, stored: null, replacements: 0, volatile: 0, version: -1 })
    return { key, classified, known: false }
  }

  /** The stored form of a body classify() saw: reused while still right, else made by `store` and kept. */
  store(body: RememberedBody, map: IdentifierMap, store: () => StoredBody | null): StoredBody | null {
    const entry = body.key === null ? undefined : this.#entries.get(body.key)
    if (entry === undefined || entry.classified !== body.classified) return store()
    if (entry.stored !== null && this.#stillRight(entry, body.key as string, map)) {
      map.addCounts(entry.replacements, entry.volatile)
      // Used a second time: from now on its text is made once and spliced into each entry. A body
      // seen once (a new id in every answer) is serialized with its entry, as before.
      shareSerializedBody(entry.stored)
      return entry.stored
    }
    const run = countedRun(map, store)
    if (run.reusable) {
      entry.stored = run.value
      entry.replacements = run.replacements
      entry.volatile = run.volatile
      entry.version = run.version
    }
    return run.value
  }

  /**
   * Bodies that never repeat (a new id in every answer) would only fill the memo, costing a key,
   * a lookup and old-generation garbage each. While hits are rare, most bodies skip the memo; the
   * sampled ones still notice when bodies start repeating.
   */
  #skip(): boolean {
    if (this.#lookups < 64 || this.#hits * BodyMemo.SPARSE >= this.#lookups) return false
    this.#skipped = (this.#skipped + 1) % BodyMemo.SPARSE
    return this.#skipped !== 0
  }

  #count(hit: boolean): void {
    this.#lookups += 1
    if (hit) this.#hits += 1
    // A moving window: what the last few hundred bodies did counts, not the whole recording.
    if (this.#lookups >= 512) {
      this.#lookups /= 2
      this.#hits /= 2
    }
  }

  #stillRight(entry: CachedBody, key: string, map: IdentifierMap): boolean {
    if (entry.version === map.version) return true
    const learned = map.learnedSince(entry.version)
    // The key holds the body's UTF-8 bytes as latin1 characters: only an ASCII value reads the same there.
    if (learned?.some((value) => !ASCII.test(value))) return false
    if (!unaffectedBy(learned, () => key, BodyMemo.MAX_CHECKS)) return false
    entry.version = map.version
    return true
  }
}

// eslint-disable-next-line no-control-regex
const ASCII = /^[\u0000-\u007f]*$/
