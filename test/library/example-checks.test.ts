import { describe, expect, test } from 'vitest'
import {
  checkBody,
  checkXml,
  findBadPersonality,
  findBadUuids,
  findBrokenUrls,
  findDebris,
  linkTenants,
} from './example-checks.js'

// The checks guard the curated data; these cases are the damage the 001 text dump actually shows.
describe('example checks', () => {
  test('fails on an XML prefix the document uses without declaring it (001 Example 2.34)', () => {
    const xml = '<rebuild xmlns="http://docs.openstack.org/compute/api/v1.1" OS-DCF:diskConfig="AUTO"/>'
    expect(() => checkXml(xml)).toThrow('the prefix "OS-DCF" of OS-DCF:diskConfig is not declared')
  })

  test('fails on malformed XML and reads the root namespace of valid XML', () => {
    expect(() => checkXml('<network id="public"><ip version="6" addr "::babe:67.23.10.132"/></network>')).toThrow('not well-formed')
    expect(() => checkXml('<atom:link xmlns:atom="http://www.w3.org/2005/Atom" href="http://x/images?limit=1&marker=52415800"/>')).toThrow('a bare "&"')
    expect(checkXml('<?xml version="1.0"?>\n<a:meta xmlns:a="urn:x" key="Label">Web</a:meta>')).toEqual({ name: 'meta', namespace: 'urn:x' })
    expect(checkXml('<adminPass>eBHcCgGBVj6Z</adminPass>')).toEqual({ name: 'adminPass', namespace: null })
  })

  test('fails on a body without a JSON or XML content type, and on malformed JSON', () => {
    expect(() => checkBody('{}', { 'content-type': 'text/html' })).toThrow('needs a JSON or XML content-type')
    expect(() => checkBody('{"a": 1,}', { 'content-type': 'application/json' })).toThrow(SyntaxError)
  })

  test('finds callouts, smart quotes, elisions and code fences', () => {
    const exchange = (body: string) => ({ request: { method: 'GET', url: 'https://x/', headers: {}, body: null }, response: { headers: {}, body } })
    expect(findDebris(exchange('{"endpoints": [ ❶\n  ...\n]}'))).toEqual(['a callout marker', 'a `...` elision line'])
    expect(findDebris(exchange('{"a": “b”}\n```'))).toEqual(['a smart quote', 'a code fence'])
    expect(findDebris(exchange('{"message": "OverLimit Retry..."}'))).toEqual([])
  })

  test('finds OCR-damaged UUIDs and URLs broken by a wrap', () => {
    expect(findBadUuids('"id": "d6dd6c70-a122-4391-91a8-decbla356549", "ok": "d6dd6c70-a122-4391-91a8-decb1a356549"')).toEqual([
      'd6dd6c70-a122-4391-91a8-decbla356549',
    ])
    expect(findBrokenUrls('"href": "https://dfw.servers.api.rackspacecloud.com/123456/servers/32406068-8539-40ab-  bdd3-8140d30823ad"')).toHaveLength(1)
    expect(findBrokenUrls('href="https://dfw.servers.api.rackspacecloud.com/v2/010101/flavors/2"')).toEqual([])
  })

  test('finds personality contents that are not canonical base64', () => {
    expect(findBadPersonality('"contents" : "ICAgICAgDQoiQSBjbG91ZCBkb2VzIG5vdCBrbm93IHdoeSBp\\ndCBtb3ZlcYBpbjBq"')).toHaveLength(1)
    expect(findBadPersonality('<file path="/etc/banner.txt">LVJpY2hhcmQgQmFjaA==</file>')).toEqual([])
  })

  test('lists the tenants that compute links use, versioned and bookmark', () => {
    const body = '"https://dfw.servers.api.rackspacecloud.com/v2/010101/servers/a" "https://dfw.servers.api.rackspacecloud.com/123456/flavors/6" "https://dfw.servers.api.rackspacecloud.com/images/x"'
    expect(linkTenants(body)).toEqual(['010101', '123456'])
  })
})
