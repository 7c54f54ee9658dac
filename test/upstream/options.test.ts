import { describe, expect, test } from 'vitest'
import { isCloudtapeError } from '../../cassettes/index.js'
import { startFakeCloud, type FakeCloudOptions } from '../../upstream/index.js'
import { compute, computeJson, startTestCloud } from '../helpers/fake-cloud.js'

async function startError(options: FakeCloudOptions): Promise<unknown> {
  try {
    const cloud = await startFakeCloud(options)
    await cloud.close()
  } catch (error) {
    return error
  }
  return null
}

describe('startFakeCloud options', () => {
  test('listens on 127.0.0.1 by default, one port per origin', async () => {
    const { cloud } = await startTestCloud()
    const origins = [new URL(cloud.identityUrl).origin, ...Object.values(cloud.computeOrigins)]
    expect(origins.every((origin) => origin.startsWith('http://127.0.0.1:'))).toBe(true)
    expect(new Set(origins).size).toBe(3)
  })

  test('serves the regions it is given', async () => {
    const { cloud } = await startTestCloud({ regions: ['LON', 'SYD', 'HKG'] })
    expect(Object.keys(cloud.computeUrls)).toEqual(['LON', 'SYD', 'HKG'])
    expect((await compute(cloud, 'HKG', '/flavors')).status).toBe(200)
  })

  test('keeps only the latest requests in the log', async () => {
    const { cloud } = await startTestCloud({ requestLogLimit: 2 })
    for (const path of ['/flavors', '/images', '/limits']) await compute(cloud, 'DFW', path)
    expect(cloud.requests.map((entry) => [entry.seq, entry.operation])).toEqual([
      [2, 'images.list'],
      [3, 'limits.get'],
    ])
  })

  test('logs nothing with requestLogLimit 0', async () => {
    const { cloud } = await startTestCloud({ requestLogLimit: 0 })
    await compute(cloud, 'DFW', '/flavors')
    expect(cloud.requests).toEqual([])
  })

  test('starts each region with the initialServers asked for, ACTIVE', async () => {
    const { cloud } = await startTestCloud({ initialServers: 3 })
    for (const region of cloud.regions) {
      const servers = (await computeJson(cloud, region, '/servers/detail')).body.servers
      expect(servers.map((server: any) => server.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE'])
    }
  })

  test('fails with ERR_CLOUDTAPE_INVALID_OPTION for an unknown dialect, listing the valid ones', async () => {
    const error = await startError({ dialect: 'nova' as never })
    expect(isCloudtapeError(error, 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
    expect((error as Error).message).toContain('Expected one of: rackspace, hp.')
  })

  test('fails with ERR_CLOUDTAPE_INVALID_OPTION for bad regions, counts and switches', async () => {
    for (const options of [{ regions: [] }, { regions: ['DFW', 'DFW'] }, { regions: ['identity'] }, { buildPolls: -1 }, { actionPolls: 1.5 }, { switches: [{ kind: 'slow' as const }] }]) {
      const error = await startError(options)
      expect(isCloudtapeError(error, 'ERR_CLOUDTAPE_INVALID_OPTION'), JSON.stringify(options)).toBe(true)
    }
  })
})
