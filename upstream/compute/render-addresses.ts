import type { AddressBook, AddressEntry } from '../compute-state.js'
import type { UpstreamDialect } from '../dialects/profile.js'
import { xml, type XmlElement } from '../xml-writer.js'

/**
 * Address JSON. In a server's details HP adds the extended IP fields (OS-EXT-IPS,
 * OS-EXT-IPS-MAC, 003 §4.4.1.7); the `/ips` views print version and address only.
 */
export function addressesJson(book: AddressBook, dialect: UpstreamDialect, extended: boolean): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {}
  for (const [label, entries] of book) out[label] = entries.map((entry) => addressJson(entry, dialect, extended))
  return out
}

function addressJson(entry: AddressEntry, dialect: UpstreamDialect, extended: boolean): Record<string, unknown> {
  if (dialect === 'hp' && extended) {
    return { 'OS-EXT-IPS-MAC:mac_addr': entry.mac ?? '', version: entry.version, addr: entry.addr, 'OS-EXT-IPS:type': 'fixed' }
  }
  return dialect === 'hp' ? { version: entry.version, addr: entry.addr } : { addr: entry.addr, version: entry.version }
}

/** `<addresses><network id="public"><ip version="4" addr="..."/></network></addresses>` (001 Example 2.25). */
export function addressesXml(book: AddressBook, dialect: UpstreamDialect, extended: boolean): XmlElement {
  return xml(
    'addresses',
    undefined,
    [...book].map(([label, entries]) => networkXml(label, entries, dialect, extended)),
  )
}

/** `<network id>` with its `<ip>` elements (001 Example 2.27). */
export function networkXml(label: string, entries: readonly AddressEntry[], dialect: UpstreamDialect, extended: boolean): XmlElement {
  return xml(
    'network',
    { id: label },
    entries.map((entry) =>
      dialect === 'hp' && extended
        ? xml('ip', { 'OS-EXT-IPS:type': 'fixed', version: entry.version, addr: entry.addr, 'OS-EXT-IPS-MAC:mac_addr': entry.mac })
        : xml('ip', { version: entry.version, addr: entry.addr }),
    ),
  )
}

/**
 * One network's addresses as JSON: 001 Example 2.26 wraps them as `{"network": {"id", "ip"}}`,
 * HP prints `{"<label>": [...]}` (003 §4.4.1.21).
 */
export function networkJson(label: string, entries: readonly AddressEntry[], dialect: UpstreamDialect): Record<string, unknown> {
  const addresses = entries.map((entry) => addressJson(entry, dialect, false))
  if (dialect === 'hp') return { [label]: addresses }
  return { network: { id: label, ip: entries.map((entry) => ({ version: entry.version, addr: entry.addr })) } }
}
