import { BoundedSet } from './bounded.js'
import { decodeOrKeep } from './decode-or-keep.js'
import { learnUrl, rewriteUrl, type NormalizedUrl } from './normalize-http.js'
import type { ResolvedOperation } from './resolve-operation.js'
import { ScrubMemo } from './scrub-memo.js'
import type { NormalizeContext } from './scrub-text.js'

const MAX_LEARNED_URLS = 4096

/**
 * Request URLs, learned once and rewritten through a memo: a recording asks the same URLs again
 * and again (every poll). Learning only adds to the map, so a URL learned before has nothing
 * more to teach; a rewrite stays right until the map learns a value the URL holds.
 */
export class UrlNormalizer {
  readonly #learned = new BoundedSet<string>(MAX_LEARNED_URLS)
  readonly #rewritten = new ScrubMemo<NormalizedUrl>()

  constructor(readonly memoize: boolean) {}

  learn(method: string, url: string, resolved: ResolvedOperation, context: NormalizeContext): void {
    if (!this.memoize) return learnUrl(url, resolved, context)
    const key = urlKey(method, url, resolved)
    if (this.#learned.has(key)) return
    learnUrl(url, resolved, context)
    this.#learned.add(key)
  }

  rewrite(method: string, url: string, resolved: ResolvedOperation, context: NormalizeContext): NormalizedUrl {
    if (!this.memoize || url.length > ScrubMemo.MAX_LENGTH) return rewriteUrl(url, resolved, context)
    // Path parameters are looked up decoded: the check covers both spellings.
    return this.#rewritten.scrub(urlKey(method, url, resolved), context.map, () => rewriteUrl(url, resolved, context), () => `${url} ${decodeOrKeep(url)}`)
  }
}

function urlKey(method: string, url: string, resolved: ResolvedOperation): string {
  return `${method}\u0000${resolved.key}\u0000${url}`
}
