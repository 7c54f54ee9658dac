import { describe, expect, test } from 'vitest'
import { FAULT_NAMESPACES } from '../../cassettes/index.js'
import { compute, computeJson, createServer, parseXml, startTestCloud } from '../helpers/fake-cloud.js'

describe('documented faults', () => {
  test('fails with unauthorized when X-Auth-Token is missing, unknown or revoked', async () => {
    const { cloud } = await startTestCloud()
    const missing = await computeJson(cloud, 'DFW', '/servers', { token: null })
    expect(missing.status).toBe(401)
    expect(missing.body.unauthorized).toMatchObject({ code: 401, details: expect.stringContaining('POST /v2.0/tokens') })
    expect((await computeJson(cloud, 'DFW', '/servers', { token: '00000000-0000-0000-0000-000000000000' })).status).toBe(401)
    const old = cloud.token
    cloud.revokeToken()
    expect((await computeJson(cloud, 'DFW', '/servers', { token: old })).status).toBe(401)
  })

  test('fails with unauthorized for another tenant in the path', async () => {
    const { cloud } = await startTestCloud()
    const response = await fetch(`${cloud.computeOrigins['DFW']}/v2/999999/servers`, { headers: { 'x-auth-token': cloud.token } })
    expect(response.status).toBe(401)
    expect((await response.json() as any).unauthorized.message).toBe('Token not valid for tenant 999999.')
  })

  test('serves the version documents without a token', async () => {
    const { cloud } = await startTestCloud()
    expect((await fetch(`${cloud.computeOrigins['DFW']}/`)).status).toBe(200)
    expect((await fetch(`${cloud.computeOrigins['DFW']}/v2`)).status).toBe(200)
  })

  test('fails with itemNotFound for unknown servers, images, flavors, extensions and paths', async () => {
    const { cloud } = await startTestCloud()
    for (const path of ['/servers/nope', '/images/nope', '/flavors/nope', '/extensions/NOPE', '/widgets']) {
      const { status, body } = await computeJson(cloud, 'DFW', path)
      expect([path, status, Object.keys(body)]).toEqual([path, 404, ['itemNotFound']])
    }
  })

  test('renders itemNotFound in XML in the dialect namespace (001 Example 1.50, 003 §3.11)', async () => {
    const { cloud } = await startTestCloud()
    const rackspace = await compute(cloud, 'DFW', '/servers/nope.xml')
    expect(rackspace.headers.get('content-type')).toBe('application/xml')
    expect(parseXml(await rackspace.text()).itemNotFound).toMatchObject({ '@xmlns': FAULT_NAMESPACES.rackspace, '@code': '404' })
    const { cloud: hp } = await startTestCloud({ dialect: 'hp' })
    const hpFault = await compute(hp, 'region-b.geo-1', '/servers/nope', { accept: 'application/xml' })
    expect(parseXml(await hpFault.text()).itemNotFound['@xmlns']).toBe(FAULT_NAMESPACES.hp)
  })

  test('fails with badRequest for malformed JSON, malformed XML, DTDs and missing fields', async () => {
    const { cloud } = await startTestCloud()
    const json = await computeJson(cloud, 'DFW', '/servers', { body: '{"server": {"name": "x",' })
    expect(json.status).toBe(400)
    expect(json.body.badRequest.message).toMatch(/^Malformed request body/)
    const xml = await computeJson(cloud, 'DFW', '/servers', { body: '<server name="x"><metadata></server>', contentType: 'application/xml' })
    expect(xml.status).toBe(400)
    const dtd = '<!DOCTYPE server [<!ENTITY a "aaaaaaaaaa">]><server name="&a;" imageRef="x" flavorRef="2"/>'
    const entities = await computeJson(cloud, 'DFW', '/servers', { body: dtd, contentType: 'application/xml' })
    expect(entities.status).toBe(400)
    expect(entities.body.badRequest.message).toContain('DTD')
    const noImage = await computeJson(cloud, 'DFW', '/servers', { body: { server: { name: 'x', flavorRef: '2' } } })
    expect(noImage.status).toBe(400)
    expect(noImage.body.badRequest.message).toContain('imageRef')
    const noBody = await computeJson(cloud, 'DFW', '/servers', { method: 'POST' })
    expect(noBody.status).toBe(400)
  })

  test('fails with badRequest for an unknown image or flavor, or a bad diskConfig', async () => {
    const { cloud } = await startTestCloud()
    const image = await computeJson(cloud, 'DFW', '/servers', { body: { server: { name: 'x', imageRef: 'nope', flavorRef: '2' } } })
    expect(image.body.badRequest.message).toContain('imageRef')
    const flavor = await computeJson(cloud, 'DFW', '/servers', { body: { server: { name: 'x', imageRef: cloud.baseImages[0]?.id, flavorRef: '1' } } })
    expect(flavor.body.badRequest.message).toContain('flavorRef')
    const disk = await computeJson(cloud, 'DFW', '/servers', { body: { server: { name: 'x', imageRef: cloud.baseImages[0]?.id, flavorRef: '2', 'OS-DCF:diskConfig': 'SOMETIMES' } } })
    expect(disk.body.badRequest.message).toContain('AUTO, MANUAL')
  })

  test('accepts a full image URL as imageRef (001 Example 1.10)', async () => {
    const { cloud } = await startTestCloud()
    const imageRef = `${cloud.computeUrls['DFW']}/images/${cloud.baseImages[0]?.id}`
    expect((await computeJson(cloud, 'DFW', '/servers', { body: { server: { name: 'x', imageRef, flavorRef: '2' } } })).status).toBe(202)
  })

  test('fails with badMediaType for a body that is neither JSON nor XML', async () => {
    const { cloud } = await startTestCloud()
    const response = await computeJson(cloud, 'DFW', '/servers', { body: 'name=x', contentType: 'application/x-www-form-urlencoded' })
    expect(response.status).toBe(415)
    expect(response.body.badMediaType.message).toContain('application/json or application/xml')
  })

  test('fails with badMethod for a method a known path does not take', async () => {
    const { cloud } = await startTestCloud()
    const response = await computeJson(cloud, 'DFW', '/flavors', { method: 'DELETE' })
    expect(response.status).toBe(405)
    expect(Object.keys(response.body)).toEqual(['badMethod'])
  })

  test('fails with notImplemented for a documented operation the fake does not model', async () => {
    const { cloud } = await startTestCloud()
    const response = await computeJson(cloud, 'DFW', '/os-keypairs')
    expect(response.status).toBe(501)
    expect(response.body.notImplemented.message).toContain('keypairs.list')
  })

  test('fails with overLimit for too much metadata, too many personality files and too many servers', async () => {
    const { cloud } = await startTestCloud()
    const metadata = Object.fromEntries(Array.from({ length: 21 }, (_, index) => [`k${index}`, 'v']))
    const tooMuch = await computeJson(cloud, 'DFW', '/servers', { body: { server: { name: 'x', imageRef: cloud.baseImages[0]?.id, flavorRef: '2', metadata } } })
    expect(tooMuch.status).toBe(413)
    expect(tooMuch.body.overLimit.message).toBe('Maximum number of metadata items exceeds 20')
    const personality = Array.from({ length: 7 }, (_, index) => ({ path: `/etc/f${index}`, contents: 'aGk=' }))
    const files = await computeJson(cloud, 'DFW', '/servers', { body: { server: { name: 'x', imageRef: cloud.baseImages[0]?.id, flavorRef: '2', personality } } })
    expect(files.status).toBe(413)
    const { cloud: hp } = await startTestCloud({ dialect: 'hp', initialServers: 40 })
    const quota = await computeJson(hp, 'region-a.geo-1', '/servers', { body: { server: { name: 'x', imageRef: hp.baseImages[0]?.id, flavorRef: '100' } } })
    expect(quota.status).toBe(413)
    expect(quota.body.overLimit.message).toContain('Quota exceeded for instances')
  })

  test('fails with overLimit for a body over maxBodyBytes, and keeps serving', async () => {
    const { cloud } = await startTestCloud({ maxBodyBytes: 1024 })
    const huge = await computeJson(cloud, 'DFW', '/servers', { body: { server: { name: 'x'.repeat(5000) } } })
    expect(huge.status).toBe(413)
    expect(huge.body.overLimit.message).toContain('1024 bytes')
    expect((await computeJson(cloud, 'DFW', '/flavors')).status).toBe(200)
  })

  test('answers forbidden for deleting a base image', async () => {
    const { cloud } = await startTestCloud()
    const response = await computeJson(cloud, 'DFW', `/images/${cloud.baseImages[0]?.id}`, { method: 'DELETE' })
    expect(response.status).toBe(403)
    expect(Object.keys(response.body)).toEqual(['forbidden'])
  })

  test('answers a delete of a deleted server with itemNotFound', async () => {
    const { cloud } = await startTestCloud()
    const { id } = await createServer(cloud, 'DFW')
    expect((await compute(cloud, 'DFW', `/servers/${id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await compute(cloud, 'DFW', `/servers/${id}`, { method: 'DELETE' })).status).toBe(404)
  })
})
