import { describe, expect, test } from 'vitest'
import { OPERATIONS, type Operation } from '../../cassettes/operation-catalog.js'
import { isFallbackKey, resolveOperation } from '../../cassettes/resolve-operation.js'

const SAMPLE_VALUES: Record<string, string> = {
  tenant_id: '010101',
  server_id: '52415800-8b69-11e0-9b19-734f000004d2',
  image_id: '52415800-8b69-11e0-9b19-734f5736d2a2',
  flavor_id: '2',
  network_id: 'public',
  key: 'Server Label',
  alias: 'os-keypairs',
  attachment_id: 'a26887c6-c47b-4654-abb5-dfadf7d3f803',
  action_id: 'req-3293a3f1-b44c-4609-b8fa-fb5e7a9d0a11',
  interface_id: 'b7e6ff22-6b5b-4a2f-9f0d-1b2d3c4e5f60',
  keypair_name: 'my-key',
  target_tenant_id: '020202',
  floating_ip_id: '1',
  security_group_id: '3',
  rule_id: '7',
  volume_id: '55',
  snapshot_id: '66',
  volume_type_id: '1',
}

function concretePath(operation: Operation): { path: string; params: Record<string, string> } {
  const params: Record<string, string> = {}
  const path = operation.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = SAMPLE_VALUES[name]
    if (value === undefined) throw new Error(`no sample value for {${name}}`)
    params[name] = value
    return encodeURIComponent(value)
  })
  return { path, params }
}

function actionBody(operation: Operation, format: 'json' | 'xml', namespace: string): string {
  if (format === 'json') return JSON.stringify({ [operation.action ?? '']: { type: 'HARD' } })
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${operation.action} xmlns="${namespace}" type="HARD"/>`
}

const V11 = 'http://docs.openstack.org/compute/api/v1.1'
const V2 = 'http://docs.openstack.org/compute/api/v2'

describe('resolveOperation: every catalog row', () => {
  for (const operation of OPERATIONS) {
    const { path, params } = concretePath(operation)
    const body = operation.action ? actionBody(operation, 'json', V11) : undefined
    const contentType = operation.action ? 'application/json' : undefined

    test(`resolves ${operation.method} ${operation.template} to ${operation.key}`, () => {
      const resolved = resolveOperation({ method: operation.method, url: path, body, contentType })
      expect(resolved).toMatchObject({ key: operation.key, documented: true, params, format: 'json' })
      expect(resolved.reason).toBeUndefined()
    })

    test(`resolves ${operation.key} with .json and .xml suffixes, a host and a trailing slash`, () => {
      if (path === '/') return
      const host = 'https://dfw.servers.api.rackspacecloud.com'
      expect(resolveOperation({ method: operation.method, url: `${host}${path}.json`, body, contentType })).toMatchObject({ key: operation.key, params, format: 'json' })
      expect(resolveOperation({ method: operation.method, url: `${host}${path}.xml?x=1`, body, contentType })).toMatchObject({ key: operation.key, params, format: 'xml' })
      expect(resolveOperation({ method: operation.method.toLowerCase(), url: `${path}/`, body, contentType })).toMatchObject({ key: operation.key, params })
    })

    if (operation.action) {
      test(`resolves ${operation.key} from an XML body in the v1.1 (Rackspace) and v2 (HP) namespaces`, () => {
        for (const namespace of [V11, V2]) {
          const xml = actionBody(operation, 'xml', namespace)
          const resolved = resolveOperation({ method: 'POST', url: path, body: xml, contentType: 'application/xml', accept: 'application/xml' })
          expect(resolved).toMatchObject({ key: operation.key, documented: true, format: 'xml' })
        }
      })
    }
  }
})

describe('resolveOperation: URL forms', () => {
  test('reads the issue example: a reboot on the DFW endpoint', () => {
    const resolved = resolveOperation({
      method: 'POST',
      url: 'https://dfw.servers.api.rackspacecloud.com/v2/010101/servers/abc/action',
      body: '{"reboot": {"type": "SOFT"}}',
    })
    expect(resolved).toMatchObject({ key: 'servers.action.reboot', params: { tenant_id: '010101', server_id: 'abc' }, apiVersion: 'v2' })
  })

  test('decodes percent-encoded segments into params', () => {
    const resolved = resolveOperation({ method: 'GET', url: '/v2/010101/servers/abc/metadata/Server%20Label%2F1' })
    expect(resolved).toMatchObject({ key: 'servers.metadata.get', params: { key: 'Server Label/1' } })
  })

  test('parses the query string and keeps it out of the key', () => {
    const resolved = resolveOperation({ method: 'GET', url: '/v2/010101/servers/detail?limit=2&marker=x&status=ACTIVE' })
    expect(resolved.key).toBe('servers.listDetail')
    expect(resolved.query).toEqual([['limit', '2'], ['marker', 'x'], ['status', 'ACTIVE']])
  })

  test('resolves Nova /v2.1 paths with and without the project segment', () => {
    expect(resolveOperation({ method: 'GET', url: 'http://127.0.0.1:8774/v2.1/servers' })).toMatchObject({ key: 'servers.list', params: {}, apiVersion: 'v2.1' })
    expect(resolveOperation({ method: 'GET', url: '/v2.1/servers/detail' })).toMatchObject({ key: 'servers.listDetail', params: {} })
    expect(resolveOperation({ method: 'GET', url: '/v2.1/6f70656e737461636b20342065766572/flavors' })).toMatchObject({
      key: 'flavors.list',
      params: { tenant_id: '6f70656e737461636b20342065766572' },
    })
    expect(resolveOperation({ method: 'GET', url: '/v2.1/servers/abc' })).toMatchObject({ key: 'servers.get', params: { server_id: 'abc' } })
  })

  test('never reads a version segment as the tenant (novaclient asks Glance paths at Nova)', () => {
    expect(resolveOperation({ method: 'GET', url: 'http://127.0.0.1:8774/v2.1/v2/images/155d900f-4e14-4e4c-a73d-069cbf4541e6' })).toMatchObject({
      key: 'unknown:GET:/v2.1/v2/images/{id1}',
      documented: false,
      params: { id1: '155d900f-4e14-4e4c-a73d-069cbf4541e6' },
    })
    expect(resolveOperation({ method: 'GET', url: '/v2/v2.1/flavors' }).params).not.toHaveProperty('tenant_id')
    expect(resolveOperation({ method: 'GET', url: '/v2.1/6f70656e737461636b20342065766572/images/abc' })).toMatchObject({ key: 'images.get', params: { image_id: 'abc' } })
  })

  test('gives Nova-only requests of real clients a fallback key that names their shape', () => {
    expect(resolveOperation({ method: 'PUT', url: '/v2.1/os-quota-sets/0123456789abcdef0123456789abcdef' })).toMatchObject({
      key: 'unknown:PUT:/v2.1/os-quota-sets/{id1}',
      params: { id1: '0123456789abcdef0123456789abcdef' },
    })
    expect(resolveOperation({ method: 'GET', url: '/v2.1/flavors/1/os-extra_specs' })).toMatchObject({ key: 'flavors.extraSpecs.list', params: { flavor_id: '1' } })
    expect(resolveOperation({ method: 'GET', url: '/v2.1/servers?name=osc-vm' })).toMatchObject({ key: 'servers.list', query: [['name', 'osc-vm']] })
    expect(resolveOperation({ method: 'GET', url: '/v2.1/flavors/detail?is_public=None' })).toMatchObject({ key: 'flavors.listDetail' })
    expect(resolveOperation({ method: 'DELETE', url: '/v2.1/servers/abc/metadata/role' })).toMatchObject({ key: 'servers.metadata.delete', params: { server_id: 'abc', key: 'role' } })
    // OpenStackClient's image list and lookups under admin_token go through Nova's image proxy.
    expect(resolveOperation({ method: 'GET', url: 'http://127.0.0.1:8774/v2.1/images' })).toMatchObject({ key: 'images.list', params: {} })
    expect(resolveOperation({ method: 'GET', url: '/v2.1/images/155d900f-4e14-4e4c-a73d-069cbf4541e6' })).toMatchObject({ key: 'images.get' })
    expect(resolveOperation({ method: 'GET', url: 'http://127.0.0.1:8774/v2.1/' })).toMatchObject({ key: 'versions.get', apiVersion: 'v2.1' })
  })

  test('resolves version documents at /, /v2 and /v2.1, and identity behind a mount prefix', () => {
    expect(resolveOperation({ method: 'GET', url: 'http://127.0.0.1:8774/' }).key).toBe('versions.list')
    expect(resolveOperation({ method: 'GET', url: '/v2/' }).key).toBe('versions.get')
    expect(resolveOperation({ method: 'GET', url: '/v2.1' })).toMatchObject({ key: 'versions.get', apiVersion: 'v2.1' })
    expect(resolveOperation({ method: 'POST', url: 'http://127.0.0.1:5000/identity/v2.0/tokens' }).key).toBe('identity.tokens.create')
  })

  test('resolves the version documents with the suffix in a segment of its own (001 Examples 1.28, 1.33)', () => {
    expect(resolveOperation({ method: 'GET', url: 'https://dfw.servers.api.rackspacecloud.com/.xml' })).toMatchObject({ key: 'versions.list', format: 'xml' })
    expect(resolveOperation({ method: 'GET', url: 'https://dfw.servers.api.rackspacecloud.com/v2/.xml' })).toMatchObject({ key: 'versions.get', format: 'xml' })
    expect(resolveOperation({ method: 'GET', url: '/v2/1/servers/.json', accept: 'application/xml' })).toMatchObject({ key: 'servers.list', format: 'json' })
  })

  test('picks the format from the suffix, then Accept, else JSON whatever the body type (001 §1.4)', () => {
    expect(resolveOperation({ method: 'GET', url: '/v2/1/flavors', accept: 'application/xml' }).format).toBe('xml')
    expect(resolveOperation({ method: 'GET', url: '/v2/1/flavors.json', accept: 'application/xml' }).format).toBe('json')
    expect(resolveOperation({ method: 'GET', url: '/v2/1/flavors', accept: 'application/json, application/xml' }).format).toBe('json')
    expect(resolveOperation({ method: 'POST', url: '/v2/1/servers', contentType: 'application/xml' }).format).toBe('json')
  })

  test('marks an action nobody documented as servers.action.<key>, undocumented', () => {
    const resolved = resolveOperation({ method: 'POST', url: '/v2/1/servers/abc/action', body: '{"os-resetState": {"state": "active"}}' })
    expect(resolved).toMatchObject({ key: 'servers.action.os-resetState', documented: false })
    expect(resolved.reason).toContain('not documented')
  })

  test('reads the action key from a large body without parsing all of it', () => {
    const contents = 'A'.repeat(3 * 1024 * 1024)
    const body = `{"rebuild": {"imageRef": "x", "personality": [{"path": "/etc/motd", "contents": "${contents}"}]}}`
    expect(resolveOperation({ method: 'POST', url: '/v2/1/servers/abc/action', body }).key).toBe('servers.action.rebuild')
  })
})

describe('resolveOperation: fallback keys', () => {
  test('builds the same key for every id in an unknown path', () => {
    const a = resolveOperation({ method: 'GET', url: '/v2/010101/os-widgets/52415800-8b69-11e0-9b19-734f000004d2/parts' })
    const b = resolveOperation({ method: 'GET', url: '/v2/999/os-widgets/1234/parts' })
    expect(a.key).toBe('unknown:GET:/v2/{tenant_id}/os-widgets/{id1}/parts')
    expect(b.key).toBe(a.key)
    expect(isFallbackKey(a.key)).toBe(true)
    expect(a).toMatchObject({ documented: false, params: { tenant_id: '010101', id1: '52415800-8b69-11e0-9b19-734f000004d2' } })
    expect(a.reason).toContain('no documented operation')
  })

  test('gives a fallback key for a documented path with an undocumented method', () => {
    const resolved = resolveOperation({ method: 'PATCH', url: '/v2/1/servers/abc' })
    expect(resolved.key).toBe('unknown:PATCH:/v2/{tenant_id}/servers/abc')
    expect(resolved.reason).toContain('PATCH is not documented')
  })
})

describe('resolveOperation: bad input never throws', () => {
  const action = '/v2/010101/servers/abc/action'
  const cases: Array<[string, string | Uint8Array | undefined, string | undefined, string]> = [
    ['malformed JSON', '{"reboot": {"type": ', 'application/json', 'not valid JSON'],
    ['malformed XML', '<reboot xmlns="x" type="HARD"><oops></reboot>', 'application/xml', 'not valid XML'],
    ['an empty body', '', 'application/json', 'empty'],
    ['no body', undefined, undefined, 'empty'],
    ['a JSON array', '[1, 2]', 'application/json', 'not a JSON object'],
    ['two top-level keys', '{"reboot": {}, "resize": {}}', 'application/json', 'exactly one top-level key'],
    ['binary garbage', new Uint8Array([0xff, 0xfe, 0x00, 0x01]), 'application/octet-stream', 'not valid JSON'],
    ['a 5 MB unterminated string', `{"${'x'.repeat(5 * 1024 * 1024)}`, 'application/json', 'does not end'],
    ['an absurd action key', `{"${'<'.repeat(100)}": 1}`, 'application/json', 'not a plausible action name'],
  ]
  for (const [label, body, contentType, reason] of cases) {
    test(`gives a fallback key and a reason for ${label}`, () => {
      const resolved = resolveOperation({ method: 'POST', url: action, body, contentType })
      expect(resolved.key).toBe('unknown:POST:/v2/{tenant_id}/servers/abc/action')
      expect(resolved.documented).toBe(false)
      expect(resolved.reason).toContain(reason)
    })
  }

  test('gives a fallback key for an absurd path', () => {
    const url = '/v2/1/' + 'a/'.repeat(10_000) + '%zz%'
    const resolved = resolveOperation({ method: 'GET', url })
    expect(resolved.key.startsWith('unknown:GET:/')).toBe(true)
    expect(resolved.reason).toContain('too long')
  })

  test('does not throw on an empty URL or a bogus method', () => {
    expect(resolveOperation({ method: 'BREW', url: '' }).key).toBe('unknown:BREW:/')
    expect(resolveOperation({ method: 'GET', url: '?only=query' }).key).toBe('versions.list')
  })
})
