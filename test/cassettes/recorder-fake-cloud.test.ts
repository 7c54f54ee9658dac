import { describe, expect, onTestFinished, test } from 'vitest'
import { serializeCassette } from '../../cassettes/cassette-format.js'
import { createFakeClock } from '../../cassettes/clock.js'
import { createCassetteRecorder, type CassetteRecorder } from '../../cassettes/recorder.js'
import { startFakeCloud, type FakeCloud } from '../../upstream/index.js'

/** Sends a request over real HTTP and hands the exchange to the recorder, as the proxy does. */
async function send(recorder: CassetteRecorder, method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<unknown> {
  const requestHeaders = { accept: 'application/json', 'accept-encoding': 'identity', ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }
  const requestBody = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body))
  const response = await fetch(url, { method, headers: requestHeaders, ...(body === undefined ? {} : { body: requestBody }) })
  const responseBody = Buffer.from(await response.arrayBuffer())
  recorder.record({
    request: { method, url, headers: requestHeaders, body: requestBody },
    response: { status: response.status, headers: Object.fromEntries(response.headers), body: responseBody },
  })
  return responseBody.length > 0 && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(responseBody.toString('utf8')) : null
}

/** Authenticate, list flavors, boot a server and poll it to ACTIVE, reboot, delete. */
async function scenario(cloud: FakeCloud): Promise<{ written: string; recorder: CassetteRecorder }> {
  // Which availability zone the scheduler picks is real data, not an id: a user rule pins it.
  const rules = { volatile: [{ name: 'availability-zone', jsonPaths: ['$..OS-EXT-AZ:availability_zone'], replace: 'az1' }] }
  const recorder = createCassetteRecorder({ name: 'servers/boot-reboot-delete', clock: createFakeClock('2014-04-16T15:18:22Z'), rules })
  const credentials =
    cloud.dialect === 'hp'
      ? { apiAccessKeyCredentials: { accessKey: cloud.credentials.accessKey, secretKey: cloud.credentials.secretKey }, tenantId: cloud.tenantId }
      : { passwordCredentials: { username: cloud.credentials.username, password: cloud.credentials.password } }
  const access = (await send(recorder, 'POST', `${cloud.identityUrl}/tokens`, {}, { auth: credentials })) as { access: { token: { id: string } } }
  const token = { 'x-auth-token': access.access.token.id }
  const compute = Object.values(cloud.computeUrls)[0] as string
  await send(recorder, 'GET', `${compute}/flavors`, token)
  const created = (await send(recorder, 'POST', `${compute}/servers`, token, { server: { name: 'web', imageRef: cloud.baseImages[0]?.id, flavorRef: cloud.flavorIds[0] } })) as { server: { id: string } }
  for (let poll = 0; poll < 4; poll += 1) await send(recorder, 'GET', `${compute}/servers/${created.server.id}`, token)
  await send(recorder, 'POST', `${compute}/servers/${created.server.id}/action`, token, { reboot: { type: 'SOFT' } })
  await send(recorder, 'DELETE', `${compute}/servers/${created.server.id}`, token)
  return { written: serializeCassette(recorder.cassette()), recorder }
}

async function start(dialect: 'rackspace' | 'hp', seed: number): Promise<FakeCloud> {
  const cloud = await startFakeCloud({ dialect, seed, clock: createFakeClock('2014-04-16T15:18:22Z') })
  onTestFinished(() => cloud.close())
  return cloud
}

describe('recorder: real HTTP traffic of the embedded cloud', () => {
  test.each(['rackspace', 'hp'] as const)('records a %s session with no secret, account id or port left', async (dialect) => {
    const cloud = await start(dialect, 11)
    const { written, recorder } = await scenario(cloud)
    const reals = [cloud.token, cloud.credentials.password, cloud.credentials.secretKey, cloud.credentials.accessKey, cloud.credentials.username, cloud.tenantId, cloud.userId, ...Object.values(cloud.computeOrigins)]
    for (const real of reals.filter((value) => value.length >= 5)) expect(written, real).not.toContain(real)
    expect(recorder.dialect).toBe(dialect)
    expect(recorder.summary().secrets.token).toBe(1)
  })

  test.each(['rackspace', 'hp'] as const)('records byte-identical %s cassettes from two clouds with different secrets, ids and ports', async (dialect) => {
    const first = await scenario(await start(dialect, 1))
    const second = await scenario(await start(dialect, 2))
    expect(second.written).toBe(first.written)
  })
})
