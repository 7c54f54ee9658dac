import { describe, expect, test } from 'vitest'
import { catalogUrls } from '../../proxy/catalog.js'
import { MountTable } from '../../proxy/mounts.js'
import { LinkRewriter } from '../../proxy/rewrite.js'

const PROXY = 'http://127.0.0.1:4000'
const DFW = 'https://dfw.servers.api.rackspacecloud.com'
const DFW_AT_PROXY = `${PROXY}/_upstream/https/dfw.servers.api.rackspacecloud.com`

function rewriter(): LinkRewriter {
  const table = new MountTable([new URL('https://identity.api.rackspacecloud.com/v2.0')])
  table.add(`${DFW}/v2/010101`, 'catalog')
  return new LinkRewriter(table)
}

// The token response of 001 Example 1.5, trimmed.
const TOKEN_JSON = `{
  "access": {
    "serviceCatalog": [
      { "endpoints": [
          { "publicURL": "https://dfw.servers.api.rackspacecloud.com/v2/010101", "region": "DFW", "tenantId": "010101",
            "versionId": "2", "versionInfo": "https://dfw.servers.api.rackspacecloud.com/v2", "versionList": "https://dfw.servers.api.rackspacecloud.com/" },
          { "publicURL": "https://ord.servers.api.rackspacecloud.com/v2/010101", "region": "ORD" },
          { "internalURL": "https://snet-storage101.dfw1.clouddrive.com/v1/MossoCloudFS_530f", "publicURL": "https://storage101.dfw1.clouddrive.com/v1/MossoCloudFS_530f" }
        ],
        "name": "cloudServersOpenStack", "type": "compute" }
    ],
    "token": { "expires": "2012-09-14T15:11:57.585-05:00", "id": "858fb4c2-bf15-4dac-917d-8ec750ae9baa" }
  }
}`

describe('catalogUrls', () => {
  test('reads every endpoint URL of a JSON token response', () => {
    expect(catalogUrls(TOKEN_JSON)).toEqual([
      'https://dfw.servers.api.rackspacecloud.com/v2/010101',
      'https://dfw.servers.api.rackspacecloud.com/v2',
      'https://dfw.servers.api.rackspacecloud.com/',
      'https://ord.servers.api.rackspacecloud.com/v2/010101',
      'https://snet-storage101.dfw1.clouddrive.com/v1/MossoCloudFS_530f',
      'https://storage101.dfw1.clouddrive.com/v1/MossoCloudFS_530f',
    ])
  })

  test('reads endpoint attributes of an XML token response', () => {
    const xml = `<access xmlns="http://docs.openstack.org/identity/api/v2.0"><serviceCatalog><service type="compute" name="cloudServersOpenStack">
      <endpoint region="DFW" tenantId="010101" publicURL="https://dfw.servers.api.rackspacecloud.com/v2/010101" versionInfo='https://dfw.servers.api.rackspacecloud.com/v2'/>
    </service></serviceCatalog></access>`
    expect(catalogUrls(xml)).toEqual(['https://dfw.servers.api.rackspacecloud.com/v2/010101', 'https://dfw.servers.api.rackspacecloud.com/v2'])
  })

  test('reads escaped slashes and ignores bodies without a catalog', () => {
    expect(catalogUrls('{"serviceCatalog":[{"endpoints":[{"publicURL":"https:\\/\\/a.example.com\\/v2"}]}]}')).toEqual(['https://a.example.com/v2'])
    expect(catalogUrls('{"publicURL":"https://a.example.com/v2"}')).toEqual([])
  })
})

describe('LinkRewriter', () => {
  test('rewrites catalog endpoints of known origins and leaves everything else byte for byte', () => {
    const out = rewriter().rewriteBody(TOKEN_JSON, 'json', PROXY)
    expect(out).toBe(
      TOKEN_JSON.replace(`"publicURL": "${DFW}/v2/010101"`, `"publicURL": "${DFW_AT_PROXY}/v2/010101"`)
        .replace(`"versionInfo": "${DFW}/v2"`, `"versionInfo": "${DFW_AT_PROXY}/v2"`)
        .replace(`"versionList": "${DFW}/"`, `"versionList": "${DFW_AT_PROXY}/"`),
    )
  })

  test('rewrites self, bookmark and next hrefs in JSON, keeping escaped slashes escaped', () => {
    const body = `{"server":{"id":"abc","links":[{"href":"${DFW}/v2/010101/servers/abc","rel":"self"},{"href":"${DFW.toUpperCase()}:443/010101/servers/abc","rel":"bookmark"}]},` +
      `"servers_links":[{"href":"https:\\/\\/dfw.servers.api.rackspacecloud.com\\/v2\\/010101\\/servers?marker=abc","rel":"next"}],"name":"${DFW}/not-a-link"}`
    const out = rewriter().rewriteBody(body, 'json', PROXY)
    expect(out).toContain(`"href":"${DFW_AT_PROXY}/v2/010101/servers/abc"`)
    expect(out).toContain(`"href":"${DFW_AT_PROXY}/010101/servers/abc"`)
    expect(out).toContain(`"href":"${DFW_AT_PROXY.replaceAll('/', '\\/')}\\/v2\\/010101\\/servers?marker=abc"`)
    expect(out).toContain(`"name":"${DFW}/not-a-link"`)
  })

  test('rewrites atom:link hrefs in XML and not hosts that merely share a prefix', () => {
    const xml = `<server xmlns:atom="http://www.w3.org/2005/Atom" id="abc"><atom:link href="${DFW}/v2/010101/servers/abc" rel="self"/>` +
      `<atom:link rel="bookmark" href = '${DFW}/010101/servers/abc'/><atom:link href="${DFW}.evil.com/x" rel="alternate"/></server>`
    const out = rewriter().rewriteBody(xml, 'xml', PROXY)
    expect(out).toContain(`href="${DFW_AT_PROXY}/v2/010101/servers/abc"`)
    expect(out).toContain(`href = '${DFW_AT_PROXY}/010101/servers/abc'`)
    expect(out).toContain(`href="${DFW}.evil.com/x"`)
  })

  test('serves the first target at the proxy root', () => {
    const out = rewriter().rewriteHeader('https://identity.api.rackspacecloud.com/v2.0/tokens', PROXY)
    expect(out).toBe(`${PROXY}/v2.0/tokens`)
  })

  test('returns null when there is nothing to rewrite', () => {
    expect(rewriter().rewriteBody('{"href":"https://elsewhere.example.com/x"}', 'json', PROXY)).toBeNull()
    expect(rewriter().rewriteHeader('https://ord.servers.api.rackspacecloud.com/v2/1', PROXY)).toBeNull()
  })

  test('picks up origins added after the first rewrite', () => {
    const table = new MountTable([new URL('http://127.0.0.1:5000/v2.0')])
    const links = new LinkRewriter(table)
    expect(links.rewriteHeader(`${DFW}/v2/1/servers/a`, PROXY)).toBeNull()
    table.add(DFW, 'catalog')
    expect(links.rewriteHeader(`${DFW}/v2/1/servers/a`, PROXY)).toBe(`${DFW_AT_PROXY}/v2/1/servers/a`)
  })
})

describe('LinkRewriter on a body it has rewritten before', () => {
  test('gives the same answer, and a new one once an origin in the body is learned or the proxy origin differs', () => {
    const table = new MountTable([new URL('https://identity.api.rackspacecloud.com/v2.0')])
    table.add(`${DFW}/v2/010101`, 'catalog')
    const links = new LinkRewriter(table)
    const ORD = 'https://ord.servers.api.rackspacecloud.com'
    const body = `{"links": [{"href": "${DFW}/v2/010101/servers/1"}, {"href": "${ORD}/v2/010101/servers/1"}]}`
    const first = links.rewriteBody(body, 'json', PROXY)
    expect(first).toBe(`{"links": [{"href": "${DFW_AT_PROXY}/v2/010101/servers/1"}, {"href": "${ORD}/v2/010101/servers/1"}]}`)
    expect(links.rewriteBody(body, 'json', 'http://127.0.0.1:5000')).toContain('"http://127.0.0.1:5000/_upstream/https/dfw.servers.api.rackspacecloud.com/v2/010101/servers/1"')
    expect(links.rewriteBody(body, 'json', PROXY)).toBe(first)
    expect(links.rewriteBody(body, 'json', PROXY)).toBe(first)
    table.add(`${ORD}/v2/010101`, 'catalog')
    expect(links.rewriteBody(body, 'json', PROXY)).toBe(`{"links": [{"href": "${DFW_AT_PROXY}/v2/010101/servers/1"}, {"href": "${PROXY}/_upstream/https/ord.servers.api.rackspacecloud.com/v2/010101/servers/1"}]}`)
  })
})
