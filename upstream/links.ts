import type { RegionState } from './compute-state.js'
import { xml, type XmlElement } from './xml-writer.js'

/** A link of a resource (001 §1.5). */
export interface Link {
  readonly href: string
  readonly rel: string
  readonly type?: string
}

/** The versioned `self` link of a resource (001 §1.5). */
export function selfHref(region: RegionState, tenantId: string, collection: string, id: string): string {
  return `${region.origin}/v2/${tenantId}/${collection}/${encodeURIComponent(id)}`
}

/** The unversioned `bookmark` link, for long-term storage (001 §1.5). */
export function bookmarkHref(region: RegionState, tenantId: string, collection: string, id: string): string {
  return `${region.origin}/${tenantId}/${collection}/${encodeURIComponent(id)}`
}

/** `self` and `bookmark`, in that order, as the documents print them. */
export function resourceLinks(region: RegionState, tenantId: string, collection: string, id: string): Link[] {
  return [
    { href: selfHref(region, tenantId, collection, id), rel: 'self' },
    { href: bookmarkHref(region, tenantId, collection, id), rel: 'bookmark' },
  ]
}

/** Links as `atom:link` elements. */
export function atomLinks(links: readonly Link[]): XmlElement[] {
  return links.map((link) => xml('atom:link', { href: link.href, ...(link.type ? { type: link.type } : {}), rel: link.rel }))
}
