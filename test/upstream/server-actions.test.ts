import { describe, expect, test } from 'vitest'
import { compute, computeJson, createServer, parseXml, pollServer, startTestCloud } from '../helpers/fake-cloud.js'

async function activeServer(options: Parameters<typeof startTestCloud>[0] = {}) {
  const started = await startTestCloud({ buildPolls: 0, actionPolls: 1, ...options })
  const region = started.cloud.regions[0] as string
  const server = await createServer(started.cloud, region, { flavorRef: started.cloud.flavorIds[0] })
  return { ...started, region, ...server }
}

function action(cloud: Awaited<ReturnType<typeof activeServer>>['cloud'], region: string, id: string, body: unknown) {
  return computeJson(cloud, region, `/servers/${id}/action`, { body })
}

describe('server actions', () => {
  test('resizes: RESIZE → VERIFY_RESIZE on the new flavor, then confirmResize (204) → ACTIVE', async () => {
    const { cloud, region, id } = await activeServer()
    expect((await action(cloud, region, id, { resize: { flavorRef: '3' } })).status).toBe(202)
    expect(await pollServer(cloud, region, id)).toEqual(['RESIZE', 'VERIFY_RESIZE'])
    const verifying = (await computeJson(cloud, region, `/servers/${id}`)).body.server
    expect(verifying.flavor.id).toBe('3')
    expect(verifying['OS-EXT-STS:vm_state']).toBe('resized')
    const confirm = await compute(cloud, region, `/servers/${id}/action`, { body: { confirmResize: null } })
    expect(confirm.status).toBe(204)
    expect((await computeJson(cloud, region, `/servers/${id}`)).body.server).toMatchObject({ status: 'ACTIVE', flavor: { id: '3' } })
  })

  test('reverts a resize back to the old flavor', async () => {
    const { cloud, region, id } = await activeServer()
    await action(cloud, region, id, { resize: { flavorRef: '4' } })
    await pollServer(cloud, region, id)
    expect((await action(cloud, region, id, { revertResize: null })).status).toBe(202)
    expect(await pollServer(cloud, region, id)).toEqual(['REVERT_RESIZE', 'ACTIVE'])
    expect((await computeJson(cloud, region, `/servers/${id}`)).body.server.flavor.id).toBe('2')
  })

  test('fails with badRequest for a resize to the same or an unknown flavor, and 409 to confirm an unresized server', async () => {
    const { cloud, region, id } = await activeServer()
    expect((await action(cloud, region, id, { resize: { flavorRef: '2' } })).status).toBe(400)
    expect((await action(cloud, region, id, { resize: { flavorRef: '999' } })).body.badRequest.message).toContain('flavorRef')
    const confirm = await action(cloud, region, id, { confirmResize: null })
    expect(confirm.status).toBe(409)
    expect(Object.keys(confirm.body)).toEqual(['operationNotAllowed'])
  })

  test('answers backupOrResizeInProgress for a reboot during a resize', async () => {
    const { cloud, region, id } = await activeServer()
    await action(cloud, region, id, { resize: { flavorRef: '3' } })
    const reboot = await action(cloud, region, id, { reboot: { type: 'SOFT' } })
    expect(reboot.status).toBe(409)
    expect(Object.keys(reboot.body)).toEqual(['backupOrResizeInProgress'])
  })

  test('rebuilds with the given adminPass, answering the server in REBUILD with a Location header', async () => {
    const { cloud, region, id } = await activeServer()
    const image = cloud.baseImages[2]?.id
    const rebuilt = await action(cloud, region, id, { rebuild: { name: 'new-server-test', imageRef: image, adminPass: 'diane123', metadata: { 'My Server Name': 'Apache1' } } })
    expect(rebuilt.status).toBe(202)
    expect(rebuilt.headers.get('location')).toBe(`${cloud.computeUrls[region]}/servers/${id}`)
    expect(rebuilt.body.server).toMatchObject({ status: 'REBUILD', progress: 0, name: 'new-server-test', adminPass: 'diane123', image: { id: image }, metadata: { 'My Server Name': 'Apache1' } })
    expect(await pollServer(cloud, region, id)).toEqual(['REBUILD', 'ACTIVE'])
  })

  test('rebuilds from XML and answers XML with adminPass as an attribute (001 Example 2.35)', async () => {
    const { cloud, region, id } = await activeServer()
    const body = `<rebuild xmlns="http://docs.openstack.org/compute/api/v1.1" name="rebuild-server" imageRef="${cloud.baseImages[1]?.id}" OS-DCF:diskConfig="AUTO"/>`
    const response = await compute(cloud, region, `/servers/${id}/action`, { body, contentType: 'application/xml', accept: 'application/xml' })
    expect(response.status).toBe(202)
    const server = parseXml(await response.text()).server[0]
    expect(server['@status']).toBe('REBUILD')
    expect(server['@name']).toBe('rebuild-server')
    expect(server['@adminPass']).toMatch(/^[A-Za-z0-9]{12}$/)
  })

  test('creates an image: 202 with Location, the image goes SAVING → ACTIVE and names its server', async () => {
    const { cloud, region, id } = await activeServer()
    const response = await compute(cloud, region, `/servers/${id}/action`, { body: { createImage: { name: 'new-image', metadata: { ImageType: 'Gold' } } } })
    expect(response.status).toBe(202)
    expect(await response.text()).toBe('')
    const location = response.headers.get('location') ?? ''
    expect(location).toMatch(new RegExp(`^${cloud.computeUrls[region]}/images/[0-9a-f-]{36}$`))
    const path = location.slice((cloud.computeUrls[region] ?? '').length)
    const first = (await computeJson(cloud, region, path)).body.image
    expect(first).toMatchObject({ name: 'new-image', status: 'SAVING', progress: 50, server: { id }, metadata: { ImageType: 'Gold', image_type: 'snapshot' } })
    expect((await computeJson(cloud, region, path)).body.image.status).toBe('ACTIVE')
    const snapshots = (await computeJson(cloud, region, `/images?type=SNAPSHOT&server=${id}`)).body.images
    expect(snapshots.map((image: any) => image.name)).toEqual(['new-image'])
    expect((await compute(cloud, region, path, { method: 'DELETE' })).status).toBe(204)
    expect((await compute(cloud, region, path)).status).toBe(404)
  })

  test('sends HP createImage answers with an empty text/html body (003 §4.4.1.19)', async () => {
    const { cloud, region, id } = await activeServer({ dialect: 'hp' })
    const response = await compute(cloud, region, `/servers/${id}/action`, { body: { createImage: { name: 'snap' } } })
    expect(response.status).toBe(202)
    expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8')
    expect(response.headers.get('content-length')).toBe('0')
  })

  test('changes the password: PASSWORD → ACTIVE', async () => {
    const { cloud, region, id } = await activeServer()
    expect((await action(cloud, region, id, { changePassword: { adminPass: 'Test1234' } })).status).toBe(202)
    expect(await pollServer(cloud, region, id)).toEqual(['PASSWORD', 'ACTIVE'])
    expect((await action(cloud, region, id, { changePassword: {} })).status).toBe(400)
  })

  test('rescues with a new adminPass (JSON and XML) and unrescues', async () => {
    const { cloud, region, id } = await activeServer()
    const rescued = await action(cloud, region, id, { rescue: 'none' })
    expect(rescued.status).toBe(200)
    expect(rescued.body).toEqual({ adminPass: expect.stringMatching(/^[A-Za-z0-9]{12}$/) })
    expect(await pollServer(cloud, region, id)).toEqual(['PREP_RESCUE', 'RESCUE'])
    const again = await compute(cloud, region, `/servers/${id}/action`, { body: { rescue: null }, accept: 'application/xml' })
    expect(again.status).toBe(409)
    expect(Object.keys(parseXml(await again.text()))).toEqual(['rescueOrUnrescueProcessingInProgress'])
    const unrescue = await compute(cloud, region, `/servers/${id}/action`, { body: { unrescue: null } })
    expect(unrescue.status).toBe(202)
    expect(await pollServer(cloud, region, id)).toEqual(['PREP_UNRESCUE', 'ACTIVE'])
  })

  test('answers the rescue password as <adminPass> in XML, keeping a password the client chose (hp)', async () => {
    const { cloud, region, id } = await activeServer({ dialect: 'hp' })
    const body = '<rescue xmlns="http://docs.openstack.org/compute/api/v2" adminPass="MySecretPass"/>'
    const response = await compute(cloud, region, `/servers/${id}/action`, { body, contentType: 'application/xml', accept: 'application/xml' })
    expect(response.status).toBe(200)
    expect(parseXml(await response.text())).toEqual({ adminPass: 'MySecretPass' })
  })

  test('stops and starts an hp server', async () => {
    const { cloud, region, id } = await activeServer({ dialect: 'hp' })
    expect((await action(cloud, region, id, { 'os-stop': null })).status).toBe(202)
    expect(await pollServer(cloud, region, id)).toEqual(['ACTIVE', 'SHUTOFF'])
    expect((await action(cloud, region, id, { 'os-start': null })).status).toBe(202)
    expect(await pollServer(cloud, region, id)).toEqual(['SHUTOFF', 'ACTIVE'])
  })

  test('fails with badRequest for an action nobody documents, or one of the other dialect', async () => {
    const { cloud, region, id } = await activeServer()
    const unknown = await action(cloud, region, id, { selfDestruct: null })
    expect(unknown.status).toBe(400)
    expect(unknown.body.badRequest.message).toBe('There is no such action: selfDestruct')
    const hpOnly = await action(cloud, region, id, { addFloatingIp: { address: '10.0.0.1' } })
    expect(hpOnly.status).toBe(400)
    const two = await action(cloud, region, id, { reboot: { type: 'SOFT' }, resize: { flavorRef: '3' } })
    expect(two.status).toBe(400)
    expect(two.body.badRequest.message).toContain('exactly one top-level key')
    expect((await action(cloud, region, id, [])).status).toBe(400)
  })

  test('fails with badRequest for a reboot type that is neither SOFT nor HARD', async () => {
    const { cloud, region, id } = await activeServer()
    const response = await action(cloud, region, id, { reboot: { type: 'GENTLE' } })
    expect(response.status).toBe(400)
    expect(response.body.badRequest.message).toContain('SOFT, HARD')
  })
})
