import { describe, expect, test } from 'vitest'
import { FAULT_NAMESPACES } from '../../cassettes/index.js'
import { json, parseXml, passwordAuthBody, postTokens, startTestCloud } from '../helpers/fake-cloud.js'

describe('identity v2.0 (rackspace)', () => {
  test('answers a password token request with the token and a catalog of two compute regions', async () => {
    const { cloud } = await startTestCloud()
    const response = await postTokens(cloud, passwordAuthBody(cloud))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    const { access } = await json(response)
    expect(access.token).toEqual({ id: cloud.token, expires: '2012-09-11T15:00:00.000-05:00', tenant: { id: cloud.tenantId, name: cloud.tenantId } })
    expect(access.token.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(cloud.tenantId).toMatch(/^\d{6}$/)
    expect(access.user).toMatchObject({ 'RAX-AUTH:defaultRegion': 'DFW', id: cloud.userId, name: 'MyRackspaceAcct' })
    const compute = access.serviceCatalog.find((service: any) => service.name === 'cloudServersOpenStack')
    expect(compute.type).toBe('compute')
    expect(compute.endpoints.map((endpoint: any) => endpoint.region)).toEqual(['DFW', 'ORD'])
    const [dfw, ord] = compute.endpoints
    expect(dfw).toEqual({
      publicURL: cloud.computeUrls['DFW'],
      region: 'DFW',
      tenantId: cloud.tenantId,
      versionId: '2',
      versionInfo: `${cloud.computeOrigins['DFW']}/v2`,
      versionList: `${cloud.computeOrigins['DFW']}/`,
    })
    expect(new URL(dfw.publicURL).origin).not.toBe(new URL(ord.publicURL).origin)
    expect(dfw.publicURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2\/\d{6}$/)
  })

  test('lists the other services of 001 Example 1.5, with Cloud Files under its MossoCloudFS_ tenant', async () => {
    const { cloud } = await startTestCloud()
    const { access } = await json(postTokens(cloud, passwordAuthBody(cloud)))
    const names = access.serviceCatalog.map((service: any) => service.name)
    expect(names).toEqual(expect.arrayContaining(['cloudFiles', 'cloudFilesCDN', 'cloudServers', 'cloudServersOpenStack', 'cloudBlockStorage']))
    const files = access.serviceCatalog.find((service: any) => service.name === 'cloudFiles')
    expect(files.endpoints[0].tenantId).toMatch(/^MossoCloudFS_[0-9a-f-]{36}$/)
    expect(files.endpoints[0].internalURL).toContain('snet-storage101.dfw1.clouddrive.com')
  })

  test('accepts RAX-KSKEY:apiKeyCredentials', async () => {
    const { cloud } = await startTestCloud()
    const body = JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: cloud.credentials.username, apiKey: cloud.credentials.apiKey } } })
    const response = await postTokens(cloud, body)
    expect(response.status).toBe(200)
    expect((await json(response)).access.token.id).toBe(cloud.token)
  })

  test('answers an XML token request in XML, catalog included', async () => {
    const { cloud } = await startTestCloud()
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<auth xmlns="http://docs.openstack.org/identity/api/v2.0">
  <apiKeyCredentials xmlns="http://docs.rackspace.com/identity/api/ext/RAX-KSKEY/v1.0" username="${cloud.credentials.username}" apiKey="${cloud.credentials.apiKey}"/>
</auth>`
    const response = await postTokens(cloud, body, { 'content-type': 'application/xml', accept: 'application/xml' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/xml')
    const { access } = parseXml(await response.text())
    expect(access['@xmlns']).toBe('http://docs.openstack.org/identity/api/v2.0')
    expect(access.token['@id']).toBe(cloud.token)
    expect(access.token.tenant['@id']).toBe(cloud.tenantId)
    const compute = access.serviceCatalog.service.find((service: any) => service['@name'] === 'cloudServersOpenStack')
    expect(compute.endpoint.map((endpoint: any) => endpoint['@publicURL'])).toEqual([cloud.computeUrls['DFW'], cloud.computeUrls['ORD']])
  })

  test('gives the same token until it is revoked, then a new one', async () => {
    const { cloud } = await startTestCloud()
    const first = (await json(postTokens(cloud, passwordAuthBody(cloud)))).access.token.id
    const again = (await json(postTokens(cloud, passwordAuthBody(cloud)))).access.token.id
    cloud.revokeToken()
    const fresh = (await json(postTokens(cloud, passwordAuthBody(cloud)))).access.token.id
    expect(again).toBe(first)
    expect(fresh).not.toBe(first)
  })

  test('issues a new token once the old one expires (24 hours on the clock)', async () => {
    const { cloud, clock } = await startTestCloud()
    const first = cloud.token
    clock.advance(24 * 3600 * 1000)
    expect(cloud.token).not.toBe(first)
  })

  test('fails with an unauthorized fault when the password is wrong', async () => {
    const { cloud } = await startTestCloud()
    const body = JSON.stringify({ auth: { passwordCredentials: { username: cloud.credentials.username, password: 'wrong' } } })
    const response = await postTokens(cloud, body)
    expect(response.status).toBe(401)
    expect(await json(response)).toEqual({ unauthorized: { code: 401, message: 'Unable to authenticate user with credentials provided.' } })
  })

  test('fails with an unauthorized fault for a wrong API key or a tenant that is not the account', async () => {
    const { cloud } = await startTestCloud()
    const badKey = JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: cloud.credentials.username, apiKey: 'nope' } } })
    expect((await postTokens(cloud, badKey)).status).toBe(401)
    const otherTenant = passwordAuthBody(cloud, { tenantId: '999999' })
    const response = await postTokens(cloud, otherTenant)
    expect(response.status).toBe(401)
    expect((await json(response)).unauthorized.message).toContain('tenant')
  })

  test('fails with badRequest on malformed JSON, malformed XML and bodies without credentials', async () => {
    const { cloud } = await startTestCloud()
    const malformed = await postTokens(cloud, '{"auth": {')
    expect(malformed.status).toBe(400)
    expect((await json(malformed)).badRequest.message).toMatch(/^Malformed request body/)
    const badXml = await postTokens(cloud, '<auth><passwordCredentials username="a"></auth>', { 'content-type': 'application/xml' })
    expect(badXml.status).toBe(400)
    const empty = await postTokens(cloud, JSON.stringify({ auth: {} }))
    expect(empty.status).toBe(400)
    expect((await json(empty)).badRequest.message).toContain('passwordCredentials')
  })

  test('answers badMethod for GET /v2.0/tokens and itemNotFound elsewhere', async () => {
    const { cloud } = await startTestCloud()
    expect((await fetch(`${cloud.identityUrl}/tokens`)).status).toBe(405)
    expect((await fetch(`${cloud.identityUrl}/users`)).status).toBe(404)
    const version = await json(fetch(`${cloud.identityUrl}/`))
    expect(version.version.id).toBe('v2.0')
  })

  test('logs every request with its operation key', async () => {
    const { cloud } = await startTestCloud()
    await postTokens(cloud, passwordAuthBody(cloud))
    expect(cloud.requests).toHaveLength(1)
    expect(cloud.requests[0]).toMatchObject({ seq: 1, target: 'identity', method: 'POST', url: '/v2.0/tokens', operation: 'identity.tokens.create', status: 200 })
  })
})

describe('identity v2.0 (hp)', () => {
  test('scopes a token by tenantName and lists the "Compute" service in region-a and region-b (003 §3.3)', async () => {
    const { cloud } = await startTestCloud({ dialect: 'hp' })
    const response = await postTokens(cloud, passwordAuthBody(cloud, { tenantName: cloud.tenantName }))
    expect(response.status).toBe(200)
    const { access } = await json(response)
    expect(access.token.id).toMatch(/^HPAuth_[0-9a-f]{64}$/)
    expect(access.token.tenant).toEqual({ id: cloud.tenantId, name: cloud.tenantName })
    expect(cloud.tenantId).toMatch(/^\d{14}$/)
    const compute = access.serviceCatalog.find((service: any) => service.type === 'compute')
    expect(compute.name).toBe('Compute')
    expect(compute.endpoints.map((endpoint: any) => endpoint.region)).toEqual(['region-a.geo-1', 'region-b.geo-1'])
    expect(compute.endpoints[0].versionInfo).toBe(`${cloud.computeOrigins['region-a.geo-1']}/v2/`)
  })

  test('gives an unscoped token without a catalog when no tenant is named', async () => {
    const { cloud } = await startTestCloud({ dialect: 'hp' })
    const { access } = await json(postTokens(cloud, passwordAuthBody(cloud)))
    expect(access.token.tenant).toBeUndefined()
    expect(access.serviceCatalog).toEqual([])
  })

  test('accepts apiAccessKeyCredentials and refuses Rackspace API keys', async () => {
    const { cloud } = await startTestCloud({ dialect: 'hp' })
    const keys = JSON.stringify({ auth: { apiAccessKeyCredentials: { accessKey: cloud.credentials.accessKey, secretKey: cloud.credentials.secretKey }, tenantId: cloud.tenantId } })
    expect((await postTokens(cloud, keys)).status).toBe(200)
    const rax = JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: cloud.credentials.username, apiKey: cloud.credentials.apiKey } } })
    expect((await postTokens(cloud, rax)).status).toBe(401)
  })

  test('renders its faults in the v2 namespace for XML', async () => {
    const { cloud } = await startTestCloud({ dialect: 'hp' })
    const response = await postTokens(cloud, '<auth><passwordCredentials username="x" password="y"/></auth>', { 'content-type': 'application/xml', accept: 'application/xml' })
    expect(response.status).toBe(401)
    expect(parseXml(await response.text()).unauthorized['@xmlns']).toBe(FAULT_NAMESPACES.hp)
  })
})
