import { describe, expect, test } from 'vitest'
import { compute, computeJson, createServer, parseXml, startTestCloud } from '../helpers/fake-cloud.js'

describe('metadata (001 §2.7)', () => {
  test('lists, replaces, updates, gets, sets and deletes server metadata in JSON', async () => {
    const { cloud } = await startTestCloud()
    const { id } = await createServer(cloud, 'DFW', { metadata: { Old: 'yes' } })
    const base = `/servers/${id}/metadata`
    expect((await computeJson(cloud, 'DFW', base)).body).toEqual({ metadata: { Old: 'yes' } })
    const replaced = await computeJson(cloud, 'DFW', base, { method: 'PUT', body: { metadata: { Label: 'Web', Version: '2.1' } } })
    expect(replaced).toMatchObject({ status: 200, body: { metadata: { Label: 'Web', Version: '2.1' } } })
    const updated = await computeJson(cloud, 'DFW', base, { method: 'POST', body: { metadata: { Label: 'Web2' } } })
    expect(updated.body).toEqual({ metadata: { Label: 'Web2', Version: '2.1' } })
    expect((await computeJson(cloud, 'DFW', `${base}/Label`)).body).toEqual({ meta: { Label: 'Web2' } })
    const set = await computeJson(cloud, 'DFW', `${base}/Owner`, { method: 'PUT', body: { meta: { Owner: 'ops' } } })
    expect(set).toMatchObject({ status: 200, body: { meta: { Owner: 'ops' } } })
    expect((await compute(cloud, 'DFW', `${base}/Version`, { method: 'DELETE' })).status).toBe(204)
    expect((await computeJson(cloud, 'DFW', base)).body).toEqual({ metadata: { Label: 'Web2', Owner: 'ops' } })
    expect((await computeJson(cloud, 'DFW', `/servers/${id}`)).body.server.metadata).toEqual({ Label: 'Web2', Owner: 'ops' })
  })

  test('reads and writes metadata in XML (001 Examples 2.72, 2.79, 2.82)', async () => {
    const { cloud } = await startTestCloud()
    const { id } = await createServer(cloud, 'DFW')
    const body = '<?xml version="1.0" encoding="UTF-8"?><metadata xmlns="http://docs.openstack.org/compute/api/v1.1"><meta key="Label">Web</meta><meta key="Version">2.1</meta></metadata>'
    const replaced = await compute(cloud, 'DFW', `/servers/${id}/metadata`, { method: 'PUT', body, contentType: 'application/xml', accept: 'application/xml' })
    expect(parseXml(await replaced.text()).metadata.meta).toEqual([
      { '@key': 'Label', '#text': 'Web' },
      { '@key': 'Version', '#text': '2.1' },
    ])
    const item = '<meta xmlns="http://docs.openstack.org/compute/api/v1.1" key="Label">Web3</meta>'
    const set = await compute(cloud, 'DFW', `/servers/${id}/metadata/Label.xml`, { method: 'PUT', body: item, contentType: 'application/xml' })
    expect(parseXml(await set.text()).meta[0]).toMatchObject({ '@key': 'Label', '#text': 'Web3' })
  })

  test('manages image metadata the same way', async () => {
    const { cloud } = await startTestCloud()
    const image = cloud.baseImages[0]?.id
    const updated = await computeJson(cloud, 'DFW', `/images/${image}/metadata`, { method: 'POST', body: { metadata: { ImageVersion: '2.0' } } })
    expect(updated.body.metadata).toMatchObject({ ImageVersion: '2.0', os_type: 'linux' })
    expect((await computeJson(cloud, 'DFW', `/images/${image}/metadata/ImageVersion`)).body).toEqual({ meta: { ImageVersion: '2.0' } })
    expect((await compute(cloud, 'DFW', `/images/${image}/metadata/ImageVersion`, { method: 'DELETE' })).status).toBe(204)
    expect((await computeJson(cloud, 'ORD', `/images/${image}/metadata`)).body.metadata.ImageVersion).toBeUndefined()
  })

  test('fails with itemNotFound for a missing key and badRequest for a body that does not match the URI', async () => {
    const { cloud } = await startTestCloud()
    const { id } = await createServer(cloud, 'DFW')
    expect((await computeJson(cloud, 'DFW', `/servers/${id}/metadata/nope`)).status).toBe(404)
    expect((await compute(cloud, 'DFW', `/servers/${id}/metadata/nope`, { method: 'DELETE' })).status).toBe(404)
    const mismatch = await computeJson(cloud, 'DFW', `/servers/${id}/metadata/Label`, { method: 'PUT', body: { meta: { Other: 'x' } } })
    expect(mismatch.status).toBe(400)
    expect(mismatch.body.badRequest.message).toContain('URI mismatch')
    const two = await computeJson(cloud, 'DFW', `/servers/${id}/metadata/Label`, { method: 'PUT', body: { meta: { Label: 'x', Other: 'y' } } })
    expect(two.status).toBe(400)
    const notObject = await computeJson(cloud, 'DFW', `/servers/${id}/metadata`, { method: 'PUT', body: { metadata: ['x'] } })
    expect(notObject.status).toBe(400)
  })

  test('fails with overLimit when an update would pass maxServerMeta', async () => {
    const { cloud } = await startTestCloud()
    const metadata = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`k${index}`, 'v']))
    const { id } = await createServer(cloud, 'DFW', { metadata })
    const response = await computeJson(cloud, 'DFW', `/servers/${id}/metadata`, { method: 'POST', body: { metadata: { one: 'more' } } })
    expect(response.status).toBe(413)
    expect(response.body.overLimit.code).toBe(413)
  })
})
