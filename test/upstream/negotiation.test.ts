import { request as httpRequest } from 'node:http'
import { gunzipSync, inflateSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import type { FakeCloud } from '../../upstream/index.js'
import { compute, computeJson, parseXml, startTestCloud } from '../helpers/fake-cloud.js'

/** A raw GET, so the test sees the bytes on the wire (fetch would decode them). */
function rawGet(cloud: FakeCloud, path: string, headers: Record<string, string>): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  const url = new URL(`${cloud.computeUrls['DFW']}${path}`)
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { 'x-auth-token': cloud.token, ...headers } }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }))
    })
    request.on('error', reject)
    request.end()
  })
}

describe('formats (001 §1.4)', () => {
  test('answers JSON by default, XML for Accept: application/xml, and lets the suffix win over Accept', async () => {
    const { cloud } = await startTestCloud()
    expect((await compute(cloud, 'DFW', '/flavors/2')).headers.get('content-type')).toBe('application/json')
    expect((await compute(cloud, 'DFW', '/flavors/2', { accept: 'application/xml' })).headers.get('content-type')).toBe('application/xml')
    expect((await compute(cloud, 'DFW', '/flavors/2.json', { accept: 'application/xml' })).headers.get('content-type')).toBe('application/json')
    expect((await compute(cloud, 'DFW', '/flavors/2.xml', { accept: 'application/json' })).headers.get('content-type')).toBe('application/xml')
  })

  test('answers a JSON request in XML when Accept asks for it (001 Examples 1.6, 1.7)', async () => {
    const { cloud } = await startTestCloud()
    const response = await compute(cloud, 'DFW', '/servers', { body: { server: { name: 'x', imageRef: cloud.baseImages[0]?.id, flavorRef: '2' } }, accept: 'application/xml' })
    expect(response.status).toBe(202)
    expect(parseXml(await response.text()).server[0]['@adminPass']).toBeDefined()
  })

  test('answers an XML request without Accept in JSON, the default', async () => {
    const { cloud } = await startTestCloud()
    const body = `<server xmlns="http://docs.openstack.org/compute/api/v1.1" name="x" imageRef="${cloud.baseImages[0]?.id}" flavorRef="2"/>`
    const created = await computeJson(cloud, 'DFW', '/servers', { body, contentType: 'application/xml' })
    expect(created.status).toBe(202)
    expect(created.body.server.adminPass).toBeDefined()
  })

  test('uses charset=UTF-8 in hp XML answers (003 §3.4)', async () => {
    const { cloud } = await startTestCloud({ dialect: 'hp' })
    const response = await compute(cloud, 'region-a.geo-1', '/flavors/100.xml')
    expect(response.headers.get('content-type')).toBe('application/xml; charset=UTF-8')
    expect(parseXml(await response.text()).flavor[0]['@OS-FLV-EXT-DATA:ephemeral']).toBe('10')
  })
})

describe('content coding', () => {
  test('gzips a body when the client accepts gzip', async () => {
    const { cloud } = await startTestCloud()
    const { headers, body } = await rawGet(cloud, '/flavors/2', { 'accept-encoding': 'gzip, deflate' })
    expect(headers['content-encoding']).toBe('gzip')
    expect(JSON.parse(gunzipSync(body).toString()).flavor.id).toBe('2')
  })

  test('deflates when only deflate is accepted, and sends plain bytes otherwise', async () => {
    const { cloud } = await startTestCloud()
    const deflated = await rawGet(cloud, '/flavors/2', { 'accept-encoding': 'deflate, gzip;q=0' })
    expect(deflated.headers['content-encoding']).toBe('deflate')
    expect(JSON.parse(inflateSync(deflated.body).toString()).flavor.id).toBe('2')
    const plain = await rawGet(cloud, '/flavors/2', {})
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(JSON.parse(plain.body.toString()).flavor.id).toBe('2')
  })

  test('compresses chunked list bodies too', async () => {
    const { cloud } = await startTestCloud()
    const { headers, body } = await rawGet(cloud, '/images/detail', { 'accept-encoding': 'gzip' })
    expect(headers['transfer-encoding']).toBe('chunked')
    expect(JSON.parse(gunzipSync(body).toString()).images.length).toBeGreaterThan(3)
  })
})
