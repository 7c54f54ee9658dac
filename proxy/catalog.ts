/**
 * Endpoint fields of an Identity v2.0 service catalog (001 §1.3.3; 003 §3.3). `adminURL` is not in
 * the documents but Keystone sends it.
 */
export const CATALOG_URL_FIELDS = ['publicURL', 'internalURL', 'adminURL', 'versionInfo', 'versionList'] as const

// One expression serves JSON (`"publicURL": "..."`) and XML (`publicURL="..."`), so a catalog is
// read without parsing and even when the body is not quite well formed.
const CATALOG_URL = new RegExp(`["\\s](?:${CATALOG_URL_FIELDS.join('|')})"?\\s*[:=]\\s*["'](https?:(?:\\\\?/){2}[^"'\\s<>]+)`, 'gi')

/** True when a response body may carry a service catalog (cheap test before reading it). */
export function mayHoldCatalog(text: string): boolean {
  return text.includes('serviceCatalog')
}

/**
 * The endpoint URLs of every service in a token response (JSON or XML), in document order.
 * The proxy allows their origins and mounts them, so the client's next calls come back through it.
 *
 * @example
 * catalogUrls('{"access":{"serviceCatalog":[{"endpoints":[{"publicURL":"https://dfw.servers.api.rackspacecloud.com/v2/010101"}]}]}}')
 * // → ['https://dfw.servers.api.rackspacecloud.com/v2/010101']
 */
export function catalogUrls(text: string): string[] {
  if (!mayHoldCatalog(text)) return []
  const urls: string[] = []
  for (const match of text.matchAll(CATALOG_URL)) {
    urls.push((match[1] as string).replaceAll('\\/', '/'))
  }
  return urls
}
