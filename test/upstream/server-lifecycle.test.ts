import { describe, expect, test } from 'vitest'
import { FAULT_NAMESPACES } from '../../cassettes/index.js'
import { compute, computeJson, createServer, parseXml, pollServer, startTestCloud } from '../helpers/fake-cloud.js'

describe('the boot → poll → ACTIVE → reboot → delete story', () => {
  test('runs in JSON (rackspace): create answers 202 with adminPass, Location and absolute links', async () => {
    const { cloud } = await startTestCloud({ buildPolls: 3 })
    const created = await computeJson(cloud, 'DFW', '/servers', {
      body: { server: { name: 'api-test-server-1', imageRef: cloud.baseImages[0]?.id, flavorRef: '2', metadata: { 'My Server Name': 'API Test Server 1' } } },
    })
    expect(created.status).toBe(202)
    const server = created.body.server
    const self = `${cloud.computeUrls['DFW']}/servers/${server.id}`
    expect(created.headers.get('location')).toBe(self)
    expect(server).toEqual({
      'OS-DCF:diskConfig': 'AUTO',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      links: [
        { href: self, rel: 'self' },
        { href: `${cloud.computeOrigins['DFW']}/${cloud.tenantId}/servers/${server.id}`, rel: 'bookmark' },
      ],
      adminPass: expect.stringMatching(/^[A-Za-z0-9]{12}$/),
    })

    const polls = []
    for (let poll = 0; poll < 4; poll += 1) {
      const { body } = await computeJson(cloud, 'DFW', `/servers/${server.id}`)
      polls.push([body.server.status, body.server.progress, body.server['OS-EXT-STS:vm_state']])
    }
    expect(polls).toEqual([
      ['BUILD', 25, 'building'],
      ['BUILD', 50, 'building'],
      ['BUILD', 75, 'building'],
      ['ACTIVE', 100, 'active'],
    ])

    const active = (await computeJson(cloud, 'DFW', `/servers/${server.id}`)).body.server
    expect(active).toMatchObject({ name: 'api-test-server-1', tenant_id: cloud.tenantId, user_id: cloud.userId, metadata: { 'My Server Name': 'API Test Server 1' } })
    expect(active.adminPass).toBeUndefined()
    expect(active.accessIPv4).toBe(active.addresses.public[0].addr)
    expect(active.hostId).toMatch(/^[0-9a-f]{56}$/)

    const reboot = await compute(cloud, 'DFW', `/servers/${server.id}/action`, { body: { reboot: { type: 'SOFT' } } })
    expect(reboot.status).toBe(202)
    expect(await reboot.text()).toBe('')
    expect(await pollServer(cloud, 'DFW', server.id)).toEqual(['REBOOT', 'ACTIVE'])

    expect((await compute(cloud, 'DFW', `/servers/${server.id}`, { method: 'DELETE' })).status).toBe(204)
    const gone = await computeJson(cloud, 'DFW', `/servers/${server.id}`)
    expect(gone.status).toBe(404)
    expect(gone.body.itemNotFound.code).toBe(404)
  })

  test('runs in XML (rackspace): XML requests, XML answers in the v1.1 namespace with atom links', async () => {
    const { cloud } = await startTestCloud({ buildPolls: 1 })
    const xmlBody = `<?xml version="1.0" encoding="UTF-8"?>
<server xmlns="http://docs.openstack.org/compute/api/v1.1" imageRef="${cloud.baseImages[0]?.id}" flavorRef="2" name="api-test-server-xml2">
  <metadata><meta key="My Server Name">API Test Server XML</meta></metadata>
  <networks><uuid>00000000-0000-0000-0000-000000000000</uuid><uuid>11111111-1111-1111-1111-111111111111</uuid></networks>
</server>`
    const created = await compute(cloud, 'DFW', '/servers', { body: xmlBody, contentType: 'application/xml', accept: 'application/xml' })
    expect(created.status).toBe(202)
    expect(created.headers.get('content-type')).toBe('application/xml')
    const server = parseXml(await created.text()).server[0]
    expect(server['@xmlns']).toBe(FAULT_NAMESPACES.rackspace)
    expect(server['@xmlns:atom']).toBe('http://www.w3.org/2005/Atom')
    expect(server['@adminPass']).toMatch(/^[A-Za-z0-9]{12}$/)
    expect(server['atom:link'].map((link: any) => link['@rel'])).toEqual(['self', 'bookmark'])
    const id = server['@id']

    const statuses: string[] = []
    for (let poll = 0; poll < 2; poll += 1) {
      const detail = parseXml(await (await compute(cloud, 'DFW', `/servers/${id}.xml`)).text()).server[0]
      statuses.push(detail['@status'])
      if (poll === 1) {
        expect(detail.metadata.meta[0]).toEqual({ '@key': 'My Server Name', '#text': 'API Test Server XML' })
        expect(detail.addresses.network.map((network: any) => network['@id'])).toEqual(['public', 'private'])
        expect(detail['@OS-EXT-STS:task_state']).toBe('None')
      }
    }
    expect(statuses).toEqual(['BUILD', 'ACTIVE'])

    const reboot = await compute(cloud, 'DFW', `/servers/${id}/action`, {
      body: '<?xml version="1.0" encoding="UTF-8"?><reboot xmlns="http://docs.openstack.org/compute/api/v1.1" type="HARD"/>',
      contentType: 'application/xml',
    })
    expect(reboot.status).toBe(202)
    expect(await pollServer(cloud, 'DFW', id)).toEqual(['HARD_REBOOT', 'ACTIVE'])
    expect((await compute(cloud, 'DFW', `/servers/${id}`, { method: 'DELETE', accept: 'application/xml' })).status).toBe(204)
  })

  test('runs in the hp dialect: v2 namespace, security groups, conflictingRequest while BUILD', async () => {
    const { cloud } = await startTestCloud({ dialect: 'hp', buildPolls: 1 })
    const region = 'region-a.geo-1'
    const created = await computeJson(cloud, region, '/servers', { body: { server: { name: 'webserver', imageRef: cloud.baseImages[0]?.id, flavorRef: '100' } } })
    expect(created.status).toBe(202)
    expect(created.body.server.security_groups).toEqual([{ name: 'default' }])
    const id = created.body.server.id

    const early = await computeJson(cloud, region, `/servers/${id}/action`, { body: { reboot: { type: 'SOFT' } } })
    expect(early.status).toBe(409)
    expect(early.body.conflictingRequest.message).toBe(`Cannot 'reboot' instance ${id} while it is in vm_state building and task_state spawning`)

    expect(await pollServer(cloud, region, id)).toEqual(['BUILD', 'ACTIVE'])
    const detail = parseXml(await (await compute(cloud, region, `/servers/${id}`, { accept: 'application/xml' })).text()).server[0]
    expect(detail['@xmlns']).toBe(FAULT_NAMESPACES.hp)
    expect(detail['@OS-EXT-AZ:availability_zone']).toMatch(/^az[123]$/)
    expect(detail.addresses.network[0].ip[0]['@OS-EXT-IPS-MAC:mac_addr']).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/)
    const json = (await computeJson(cloud, region, `/servers/${id}`)).body.server
    expect(json).toMatchObject({ status: 'ACTIVE', progress: 0, accessIPv4: '', key_name: null, security_groups: [{ name: 'default' }] })
    expect(Object.keys(json.addresses)).toEqual(['CloudHorizonNetwork'])

    expect((await compute(cloud, region, `/servers/${id}/action`, { body: { reboot: { type: 'HARD' } } })).status).toBe(202)
    expect(await pollServer(cloud, region, id)).toEqual(['HARD_REBOOT', 'ACTIVE'])
    expect((await compute(cloud, region, `/servers/${id}`, { method: 'DELETE' })).status).toBe(204)
  })

  test('answers buildInProgress (rackspace) for an action while the server builds', async () => {
    const { cloud } = await startTestCloud({ buildPolls: 2 })
    const { id } = await createServer(cloud, 'DFW')
    const early = await computeJson(cloud, 'DFW', `/servers/${id}/action`, { body: { reboot: { type: 'SOFT' } } })
    expect(early.status).toBe(409)
    expect(Object.keys(early.body)).toEqual(['buildInProgress'])
    expect(early.body.buildInProgress.code).toBe(409)
  })

  test('keeps regions apart: a server of DFW is not found in ORD', async () => {
    const { cloud } = await startTestCloud()
    const { id } = await createServer(cloud, 'DFW')
    expect((await compute(cloud, 'ORD', `/servers/${id}`)).status).toBe(404)
    expect((await compute(cloud, 'DFW', `/servers/${id}`)).status).toBe(200)
  })

  test('goes ACTIVE at once with buildPolls 0', async () => {
    const { cloud } = await startTestCloud({ buildPolls: 0 })
    const { id } = await createServer(cloud, 'DFW')
    expect((await computeJson(cloud, 'DFW', `/servers/${id}`)).body.server.status).toBe('ACTIVE')
  })

  test('updates the name and access addresses (001 §2.1.4)', async () => {
    const { cloud, clock } = await startTestCloud({ buildPolls: 0 })
    const { id } = await createServer(cloud, 'DFW')
    clock.advance(60_000)
    const updated = await computeJson(cloud, 'DFW', `/servers/${id}`, { method: 'PUT', body: { server: { name: 'new-server-test', accessIPv4: '67.23.10.132' } } })
    expect(updated.status).toBe(200)
    expect(updated.body.server).toMatchObject({ name: 'new-server-test', accessIPv4: '67.23.10.132', updated: '2012-09-10T20:01:00Z', created: '2012-09-10T20:00:00Z' })
    const empty = await computeJson(cloud, 'DFW', `/servers/${id}`, { method: 'PUT', body: { server: {} } })
    expect(empty.status).toBe(400)
  })

  test('lists addresses, and addresses by network as each dialect documents', async () => {
    const { cloud } = await startTestCloud()
    const { id } = await createServer(cloud, 'DFW')
    const all = await computeJson(cloud, 'DFW', `/servers/${id}/ips`)
    expect(Object.keys(all.body.addresses)).toEqual(['public', 'private'])
    const publicNet = await computeJson(cloud, 'DFW', `/servers/${id}/ips/public`)
    expect(publicNet.body.network.id).toBe('public')
    expect(publicNet.body.network.ip.map((ip: any) => ip.version)).toEqual([4, 6])
    expect((await compute(cloud, 'DFW', `/servers/${id}/ips/nowhere`)).status).toBe(404)
    const xml = parseXml(await (await compute(cloud, 'DFW', `/servers/${id}/ips/private.xml`)).text())
    expect(xml.network[0]['@id']).toBe('private')
  })
})
