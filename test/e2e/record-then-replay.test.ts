import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test } from 'vitest'
import { createReplayServer, useCassette } from 'cloudtape'
import { createRecordingProxy } from 'cloudtape/proxy'
import { startFakeCloud } from '../../upstream/index.js'

interface Catalog {
  access: { token: { id: string }; serviceCatalog: Array<{ name: string; endpoints: Array<{ publicURL: string; region?: string }> }> }
}

/** A client under test: authenticates, boots a server, waits for ACTIVE, reboots, deletes. */
async function bootRebootDelete(authUrl: string, region: string, imageRef: string): Promise<string[]> {
  const seen: string[] = []
  const json = { 'content-type': 'application/json', accept: 'application/json' }
  const login = await fetch(`${authUrl}/tokens`, { method: 'POST', headers: json, body: JSON.stringify({ auth: { passwordCredentials: { username: 'demo', password: 'my-password' } } }) })
  const { access } = (await login.json()) as Catalog
  const compute = access.serviceCatalog.find((service) => service.name === 'cloudServersOpenStack')?.endpoints.find((endpoint) => endpoint.region === region)?.publicURL as string
  const headers = { ...json, 'x-auth-token': access.token.id }
  const created = await fetch(`${compute}/servers`, { method: 'POST', headers, body: JSON.stringify({ server: { name: 'web1', imageRef, flavorRef: '2' } }) })
  seen.push(`create ${created.status}`)
  const location = created.headers.get('location') as string
  const waitForActive = async (): Promise<void> => {
    for (let poll = 0; poll < 10; poll += 1) {
      const status = ((await (await fetch(location, { headers })).json()) as { server: { status: string } }).server.status
      seen.push(status)
      if (status === 'ACTIVE') return
    }
  }
  await waitForActive()
  seen.push(`reboot ${(await fetch(`${location}/action`, { method: 'POST', headers, body: JSON.stringify({ reboot: { type: 'SOFT' } }) })).status}`)
  await waitForActive()
  seen.push(`delete ${(await fetch(location, { method: 'DELETE', headers })).status}`)
  return seen
}

describe('record through the proxy, then replay', () => {
  test('replays what the proxy recorded, over HTTP and in process, with other credentials', async () => {
    const cloud = await startFakeCloud({ buildPolls: 2, actionPolls: 1, credentials: { username: 'demo', password: 'my-password' } })
    onTestFinished(() => cloud.close())
    const dir = await mkdtemp(join(tmpdir(), 'cloudtape-e2e-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const region = cloud.regions[0] as string
    const image = cloud.baseImages[0]?.id as string
    const proxy = await createRecordingProxy({ targets: cloud.identityUrl, cassette: join(dir, 'boot.json') })
    const recorded = await bootRebootDelete(`${proxy.url}/v2.0`, region, image)
    await proxy.close()
    await cloud.close()
    expect(recorded).toEqual(['create 202', 'BUILD', 'BUILD', 'ACTIVE', 'reboot 202', 'REBOOT', 'ACTIVE', 'delete 204'])

    const server = await createReplayServer({ cassette: join(dir, 'boot.json') })
    onTestFinished(() => server.close())
    expect(await bootRebootDelete(server.authUrl, region, image)).toEqual(recorded)
    server.session.assertAllUsed()

    const tape = await useCassette(join(dir, 'boot.json'))
    onTestFinished(() => tape.close())
    expect(await bootRebootDelete(tape.authUrl, region, image)).toEqual(recorded)
    tape.assertAllUsed()
  })
})
