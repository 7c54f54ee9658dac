import { expect } from 'vitest'
import { documentedCodes, getOperation } from '../../cassettes/operation-catalog.js'
import { resolveOperation } from '../../cassettes/resolve-operation.js'
import type { ExampleExchange } from '../../scripts/library/example-schema.js'
import { checkBody, findBadPersonality, findBadUuids, findBrokenUrls, findDebris, linkTenants, type XmlRoot } from './example-checks.js'

const COMPUTE_V11 = 'http://docs.openstack.org/compute/api/v1.1'
const COMMON_V10 = 'http://docs.openstack.org/common/api/v1.0'

/**
 * Root namespaces that differ from the compute v1.1 one, exactly as the documents print them
 * (`null`: the document's body declares none). Everything else must be in compute v1.1.
 */
const DOCUMENTED_NAMESPACES: Readonly<Record<string, { request?: string | null; response?: string | null }>> = {
  'versions.list': { response: COMMON_V10 }, // 001 Example 1.29
  'versions.get': { response: COMMON_V10 }, // 001 Example 1.34
  'extensions.list': { response: COMMON_V10 }, // 001 Example 1.38
  'extensions.get': { response: COMMON_V10 }, // 001 Example 1.42
  'limits.get': { response: COMMON_V10 }, // 001 Example 1.24
  'servers.action.rescue': { request: 'http://docs.openstack.org/compute/ext/rescue/api/v1.1', response: null }, // 001 Ex 2.44/2.45, 3.9/3.10
  'servers.action.unrescue': { request: 'http://docs.rackspacecloud.com/servers/api/v1.1' }, // 001 Ex 2.48, 3.11
  'servers.volumeAttachments.create': { response: null }, // 001 Example 2.55
  'servers.volumeAttachments.list': { response: null }, // 001 Example 2.57
  'servers.volumeAttachments.get': { response: null }, // 001 Example 2.59
}

/** The namespace an XML body of this operation must declare for its root element. */
export function expectedNamespace(operation: string, side: 'request' | 'response'): string | null {
  const documented = DOCUMENTED_NAMESPACES[operation]?.[side]
  return documented === undefined ? COMPUTE_V11 : documented
}

/** Checks every documented example and scenario step shares: resolution, codes, bodies, debris, ids. */
export function checkExchange(operation: string, format: 'json' | 'xml', exchange: ExampleExchange): void {
  const { request, response } = exchange
  const resolved = resolveOperation({
    method: request.method,
    url: request.url,
    body: request.body,
    contentType: request.headers['content-type'],
    accept: request.headers['accept'],
  })
  expect(resolved.key, `${request.method} ${request.url} resolves to ${resolved.key} (${resolved.reason ?? ''})`).toBe(operation)
  expect(resolved.format, 'the format the request asks for').toBe(format)
  const documented = getOperation(operation)
  expect(documented?.dialects, `${operation} is a rackspace operation`).toContain('rackspace')
  expect(documentedCodes(documented!, 'rackspace')).toContain(response.status)
  for (const side of ['request', 'response'] as const) {
    const { body, headers } = exchange[side]
    if (body === null) continue
    const root: XmlRoot | null = checkBody(body, headers)
    if (root) expect(root.namespace, `${side} root <${root.name}> namespace`).toBe(expectedNamespace(operation, side))
  }
  expect(findDebris(exchange), 'text-dump debris').toEqual([])
  expect(findBadUuids(JSON.stringify(exchange)), 'UUID-shaped values that are not hex').toEqual([])
  expect(findBrokenUrls(JSON.stringify(exchange)), 'URLs with whitespace inside').toEqual([])
  expect(findBadPersonality(request.body ?? ''), 'personality contents that are not base64').toEqual([])
  const tenant = resolved.params['tenant_id']
  if (tenant !== undefined && response.body !== null) {
    expect(linkTenants(response.body).filter((linked) => linked !== tenant), 'links to another tenant').toEqual([])
  }
  checkSelfId(operation, resolved.params, exchange)
}

const SELF_ID: Readonly<Record<string, readonly [param: string, root: string]>> = {
  'servers.get': ['server_id', 'server'],
  'servers.update': ['server_id', 'server'],
  'servers.action.rebuild': ['server_id', 'server'],
  'images.get': ['image_id', 'image'],
  'flavors.get': ['flavor_id', 'flavor'],
  'extensions.get': ['alias', 'extension'],
}

/** A representation of one resource carries the id its URL names; a created one, its Location's. */
function checkSelfId(operation: string, params: Readonly<Record<string, string>>, exchange: ExampleExchange): void {
  const body = exchange.response.body
  if (body === null) return
  const selfId = SELF_ID[operation]
  const id = selfId ? params[selfId[0]] : undefined
  const bodyId = (attribute: string): string | undefined =>
    body.trimStart().startsWith('<')
      ? new RegExp(`<(?:\\w+:)?\\w+\\s[^>]*?\\b${attribute}="([^"]+)"`).exec(body)?.[1]
      : (Object.values(JSON.parse(body) as Record<string, Record<string, string>>)[0]?.[attribute])
  if (selfId && id !== undefined) expect(bodyId(selfId[1] === 'extension' ? 'alias' : 'id'), 'the id in the body').toBe(id)
  const location = exchange.response.headers['location']
  if (location !== undefined && operation === 'servers.create') expect(location.endsWith(`/${bodyId('id')}`)).toBe(true)
}
