import { ApiFault } from '../http/api-fault.js'
import { documentReply, type Reply } from '../http/reply.js'
import { computeNamespaces, type XmlPrefix } from '../xml-namespaces.js'
import { xml, type XmlElement } from '../xml-writer.js'
import { queryValue, type ComputeRequest } from './request.js'

/** Collections return at most this many items (001 §1.6; 003 §3.6). */
export const MAX_PAGE_SIZE = 1000

/** One page of a collection. */
export interface Page<T> {
  readonly items: readonly T[]
  /** The `next` link when more items follow (001 Examples 1.17 to 1.19). */
  readonly next: string | null
}

/**
 * Cuts one page out of a sorted collection with `limit` and `marker` (the id of the last item of
 * the previous page). A marker that names nothing is itemNotFound in 001 and badRequest in 003.
 */
export function paginate<T extends { readonly id: string }>(request: ComputeRequest, items: readonly T[], collectionPath: string): Page<T> {
  const limit = parseLimit(queryValue(request, 'limit'))
  const marker = queryValue(request, 'marker')
  let start = 0
  if (marker !== undefined) {
    const index = items.findIndex((item) => item.id === marker)
    if (index < 0) throw new ApiFault(request.runtime.profile.badMarkerFault, `marker [${marker}] not found`)
    start = index + 1
  }
  const size = Math.min(limit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE)
  const page = items.slice(start, start + size)
  const last = page.at(-1)
  const next = last !== undefined && start + size < items.length ? nextHref(request, collectionPath, size, last.id) : null
  return { items: page, next }
}

function parseLimit(text: string | undefined): number | null {
  if (text === undefined) return null
  if (!/^\d{1,9}$/.test(text)) throw new ApiFault('badRequest', `limit param must be a whole number of at least 0, got ${JSON.stringify(text)}`)
  return Number(text)
}

function nextHref(request: ComputeRequest, collectionPath: string, limit: number, marker: string): string {
  const query = new URLSearchParams()
  for (const [key, value] of request.query) if (key !== 'limit' && key !== 'marker') query.append(key, value)
  query.set('limit', String(limit))
  query.set('marker', marker)
  return `${request.region.origin}/v2/${request.runtime.account.tenantId}/${collectionPath}?${query.toString()}`
}

/**
 * `changes-since` as 001 §1.7 defines it: ISO 8601, seconds and zone optional, UTC when no zone
 * is given. Null when absent; badRequest when it cannot be read.
 */
export function changesSince(request: ComputeRequest): number | null {
  const text = queryValue(request, 'changes-since')
  if (text === undefined) return null
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim())
  const zone = (match?.[3] ?? 'Z').replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')
  const time = match ? Date.parse(`${match[1]}${match[2] ?? ':00'}${zone}`) : Number.NaN
  if (Number.isNaN(time)) throw new ApiFault('badRequest', `Invalid changes-since value ${JSON.stringify(text)}: use an ISO 8601 dateTime such as 2011-01-24T17:08:00Z.`)
  return time
}

/** A paginated collection document: `{"<name>": [...], "<name>_links": [next]}` or its XML form. */
export function collectionReply<T>(
  request: ComputeRequest,
  name: string,
  page: Page<T>,
  render: { json: (item: T) => unknown; xml: (item: T) => XmlElement; prefixes: readonly XmlPrefix[] },
): Reply {
  return documentReply(
    200,
    {
      json: () => ({
        [name]: page.items.map(render.json),
        ...(page.next ? { [`${name}_links`]: [{ href: page.next, rel: 'next' }] } : {}),
      }),
      xml: () =>
        xml(name, computeNamespaces(request.runtime.profile.dialect, render.prefixes), [
          ...page.items.map(render.xml),
          ...(page.next ? [xml('atom:link', { rel: 'next', href: page.next })] : []),
        ]),
    },
    { chunked: true },
  )
}
