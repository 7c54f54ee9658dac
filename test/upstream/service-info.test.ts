import { describe, expect, test } from 'vitest'
import { getOperation } from '../../cassettes/index.js'
import { IMPLEMENTED_OPERATIONS } from '../../upstream/index.js'
import { computeJson, createServer, parseXml, startTestCloud } from '../helpers/fake-cloud.js'

describe('versions, extensions and limits', () => {
  test('lists the v2 version at the root and describes it at /v2 (001 §1.9)', async () => {
    const { cloud } = await startTestCloud()
    const origin = cloud.computeOrigins['DFW']
    const list: any = await (await fetch(`${origin}/`)).json()
    expect(list).toEqual({ versions: [{ id: 'v2', links: [{ href: `${origin}/v2`, rel: 'self' }], status: 'CURRENT' }] })
    expect(await (await fetch(`${origin}/v2/`)).json()).toEqual({ version: { id: 'v2', status: 'CURRENT' } })
  })

  test('answers XML for the bare .xml suffix of /.xml and /v2/.xml (001 Examples 1.28, 1.33)', async () => {
    const { cloud } = await startTestCloud()
    const origin = cloud.computeOrigins['DFW']
    const versions = parseXml(await (await fetch(`${origin}/.xml`)).text()).versions
    expect(versions['@xmlns']).toBe('http://docs.openstack.org/common/api/v1.0')
    expect(versions.version['@id']).toBe('v2')
    const version = parseXml(await (await fetch(`${origin}/v2/.xml`)).text()).version
    expect(version).toMatchObject({ '@status': 'CURRENT', '@id': 'v2' })
  })

  test('describes the hp version with links and media types (003 §4.4.1.1)', async () => {
    const { cloud } = await startTestCloud({ dialect: 'hp' })
    const body: any = await (await fetch(`${cloud.computeOrigins['region-b.geo-1']}/v2`)).json()
    expect(body.version).toMatchObject({ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${cloud.computeOrigins['region-b.geo-1']}/v2/` }, {}, {}] })
    expect(body.version['media-types']).toHaveLength(2)
  })

  test('lists the extensions of each dialect and gets one by alias', async () => {
    const { cloud } = await startTestCloud()
    const list = (await computeJson(cloud, 'DFW', '/extensions')).body.extensions
    expect(list.map((extension: any) => extension.alias)).toEqual(['OS-DCF', 'os-volumes', 'rax-bandwidth', 'os-consoles', 'rax-networks', 'os-rescue', 'os-used-limits'])
    expect((await computeJson(cloud, 'DFW', '/extensions/OS-DCF')).body.extension).toEqual({
      alias: 'OS-DCF',
      description: 'Disk Management Extension',
      links: [],
      name: 'DiskConfig',
      namespace: 'http://docs.openstack.org/compute/ext/disk_config/api/v1.1',
      updated: '2011-09-27T00:00:00+00:00',
    })
    const { cloud: hp } = await startTestCloud({ dialect: 'hp' })
    expect((await computeJson(hp, 'region-a.geo-1', '/extensions')).body.extensions).toHaveLength(26)
  })

  test('reports the absolute limits with what the region uses, and the rate limits of 001 Table 1.3', async () => {
    const { cloud } = await startTestCloud()
    await createServer(cloud, 'DFW', { flavorRef: '4' })
    const limits = (await computeJson(cloud, 'DFW', '/limits')).body.limits
    expect(limits.absolute).toMatchObject({ maxServerMeta: 20, maxTotalInstances: 100, totalInstancesUsed: 1, totalCoresUsed: 2, totalRAMUsed: 2048 })
    expect(limits.rate.map((rule: any) => rule.uri)).toEqual(['/os-networksv2', '/servers', '*'])
    expect(limits.rate[1].limit[1]).toEqual({ 'next-available': '2012-09-10T20:00:00.000Z', remaining: 1000, unit: 'DAY', value: 1000, verb: 'POST' })
    expect((await computeJson(cloud, 'ORD', '/limits')).body.limits.absolute.totalInstancesUsed).toBe(0)
  })

  test('prints the limits in XML (001 Example 1.24), and no rates for hp', async () => {
    const { cloud } = await startTestCloud()
    const xml = parseXml(await (await fetch(`${cloud.computeUrls['DFW']}/limits.xml`, { headers: { 'x-auth-token': cloud.token } })).text()).limits
    expect(xml.rates.rate).toHaveLength(3)
    expect(xml.absolute.limit.find((limit: any) => limit['@name'] === 'maxPersonality')['@value']).toBe('6')
    const { cloud: hp } = await startTestCloud({ dialect: 'hp' })
    const hpLimits = (await computeJson(hp, 'region-a.geo-1', '/limits')).body.limits
    expect(hpLimits.rate).toEqual([])
    expect(hpLimits.absolute).toMatchObject({ maxServerMeta: 50, maxPersonality: 5, maxTotalInstances: 40 })
  })
})

describe('IMPLEMENTED_OPERATIONS', () => {
  test('names documented operations only, the core ones included', () => {
    expect(IMPLEMENTED_OPERATIONS.filter((key) => getOperation(key) === undefined)).toEqual([])
    expect(IMPLEMENTED_OPERATIONS).toEqual(expect.arrayContaining(['servers.create', 'servers.action.reboot', 'images.metadata.set', 'limits.get', 'versions.list']))
  })
})
