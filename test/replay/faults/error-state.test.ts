import { XMLValidator } from 'fast-xml-parser'
import { describe, expect, test } from 'vitest'
import { createFakeClock } from '../../../cassettes/clock.js'
import { createFaultInjector } from '../../../replay/faults/injector.js'
import type { FaultResponse } from '../../../replay/faults/types.js'
import { parseXml, request } from './helpers.js'

const SERVER_ID = '52415800-8b69-11e0-9b19-734f0000ffff'

/** A server while it builds (001 Example 1.54, before the fault), as a recorded poll answer. */
function buildingServerJson(progress: number): FaultResponse {
  const server = {
    id: SERVER_ID,
    name: 'sample-server',
    status: 'BUILD',
    progress,
    'OS-EXT-STS:task_state': 'spawning',
    'OS-EXT-STS:vm_state': 'building',
    image: { id: '52415800-8b69-11e0-9b19-734f6f007777' },
    links: [{ rel: 'self', href: `http://dfw.servers.api.rackspacecloud.com/v2/010101/servers/${SERVER_ID}` }],
  }
  return { status: 200, headers: { 'content-type': 'application/json', 'content-length': '999' }, body: JSON.stringify({ server }) }
}

/** 001 Example 1.53 before the fault: a building server in XML. */
function buildingServerXml(progress: number): FaultResponse {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<server xmlns="http://docs.openstack.org/compute/api/v1.1" xmlns:atom="http://www.w3.org/2005/Atom"\n` +
    `  id="${SERVER_ID}" name="sample-server" status="BUILD" progress="${progress}">\n` +
    `  <image id="52415800-8b69-11e0-9b19-734f6f007777" />\n` +
    `  <flavor id="2" />\n` +
    `  <metadata><meta key="a">b</meta></metadata>\n` +
    `  <atom:link rel="self" href="http://dfw.servers.api.rackspacecloud.com/v2/010101/servers/${SERVER_ID}"/>\n` +
    `</server>\n`
  return { status: 200, headers: { 'content-type': 'application/xml' }, body }
}

const poll = (format: 'json' | 'xml') => request('GET', `/v2/010101/servers/${SERVER_ID}${format === 'xml' ? '.xml' : ''}`)

describe('a server turns to ERROR while it is polled', () => {
  test('after n polls of a JSON server, with the embedded fault of 001 Example 1.54', () => {
    const clock = createFakeClock('2010-08-10T11:59:59Z')
    const injector = createFaultInjector({ clock, rules: [{ match: { operation: 'servers.get' }, when: { from: 3 }, fault: { kind: 'error-state', code: 404, message: 'Could not find image 52415800-8b69-11e0-9b19-734f6f007777' } }] })
    const seen: Array<Record<string, any>> = []
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const recorded = buildingServerJson(attempt * 20)
      const sent = injector.decide(poll('json')) === null ? injector.transformResponse(poll('json'), recorded) : null
      seen.push(JSON.parse(sent?.body ?? 'null').server)
      clock.advance(5000)
    }
    expect(seen.map((server) => server.status)).toEqual(['BUILD', 'BUILD', 'ERROR', 'ERROR'])
    expect(seen[1]).not.toHaveProperty('fault')
    const fault = { code: 404, created: '2010-08-10T12:00:09Z', message: 'Could not find image 52415800-8b69-11e0-9b19-734f6f007777', details: 'Fault details' }
    expect(seen[2]).toMatchObject({ status: 'ERROR', progress: 40, 'OS-EXT-STS:vm_state': 'error', 'OS-EXT-STS:task_state': null, fault })
    expect(seen[3]?.fault).toEqual(fault)
  })

  test('drops the stale Content-Length of the recorded answer', () => {
    const injector = createFaultInjector({ rules: [{ fault: { kind: 'error-state' } }] })
    const sent = injector.transformResponse(poll('json'), buildingServerJson(0))
    expect(sent.headers).toEqual({ 'content-type': 'application/json' })
    expect(JSON.parse(sent.body).server.fault).toMatchObject({ code: 500, message: 'No valid host was found. There are not enough hosts available.' })
  })

  test('after n polls of an XML server, with the fault element of 001 Example 1.53 before the metadata', () => {
    const clock = createFakeClock('2010-08-10T11:59:59Z')
    const injector = createFaultInjector({ clock, rules: [{ match: { operation: 'servers.get' }, when: { from: 2 }, fault: { kind: 'error-state', code: 404, message: 'Could not find image <x>', details: 'Fault details' } }] })
    const bodies = [0, 1, 2].map((attempt) => injector.transformResponse(poll('xml'), buildingServerXml(attempt * 30)).body)
    expect(bodies[0]).toBe(buildingServerXml(0).body)
    for (const body of bodies.slice(1)) {
      expect(XMLValidator.validate(body)).toBe(true)
      const server = parseXml(body)['server']
      expect(server['@status']).toBe('ERROR')
      expect(server.fault).toEqual({ '@code': '404', '@created': '2010-08-10T11:59:59Z', message: 'Could not find image <x>', details: 'Fault details' })
    }
    expect(bodies[1]).toContain('<flavor id="2" />\n  <fault code="404"')
    expect(bodies[1]?.replace(/<fault .*?<\/fault>/, '').replace('status="ERROR"', 'status="BUILD"')).toBe(buildingServerXml(30).body)
  })

  test('at a given time on the injected clock', () => {
    const clock = createFakeClock('2011-06-09T10:00:00Z')
    const injector = createFaultInjector({ clock, rules: [{ when: { at: '2011-06-09T10:01:00Z' }, fault: { kind: 'error-state' } }] })
    expect(JSON.parse(injector.transformResponse(poll('json'), buildingServerJson(10)).body).server.status).toBe('BUILD')
    clock.advance(60_000)
    expect(JSON.parse(injector.transformResponse(poll('json'), buildingServerJson(20)).body).server.fault.created).toBe('2011-06-09T10:01:00Z')
  })

  test('in a detail list, only the server the rule names, JSON and XML', () => {
    const list = { servers: [{ id: 'a', status: 'ACTIVE' }, { id: 'b', status: 'BUILD' }] }
    const xml = '<servers xmlns="http://docs.openstack.org/compute/api/v1.1" xmlns:OS-EXT-STS="http://docs.openstack.org/compute/ext/extended_status/api/v1.1"><server id="a" status="ACTIVE"/><server id="b" status="BUILD" OS-EXT-STS:vm_state="building"><image id="i"/></server></servers>'
    const injector = createFaultInjector({ rules: [{ match: { operation: 'servers.listDetail' }, fault: { kind: 'error-state', resourceId: 'b' } }] })
    const sent = injector.transformResponse(request('GET', '/v2/1/servers/detail'), { status: 200, headers: {}, body: JSON.stringify(list) })
    expect(JSON.parse(sent.body).servers.map((server: { status: string }) => server.status)).toEqual(['ACTIVE', 'ERROR'])
    const sentXml = injector.transformResponse(request('GET', '/v2/1/servers/detail.xml'), { status: 200, headers: {}, body: xml }).body
    expect(XMLValidator.validate(sentXml)).toBe(true)
    const servers = parseXml(sentXml)['servers']['server']
    expect(servers.map((server: Record<string, string>) => server['@status'])).toEqual(['ACTIVE', 'ERROR'])
    expect(servers[1].fault['@code']).toBe('500')
    expect(servers[1]['@OS-EXT-STS:vm_state']).toBe('error')
  })

  test('shows the 413 of a server that lost a quota race in the nova dialect (no details, as Nova)', () => {
    const clock = createFakeClock('2026-11-22T14:00:31Z')
    const injector = createFaultInjector({ clock, dialect: 'nova', rules: [{ match: { operation: 'servers.get' }, fault: { kind: 'error-state', code: 413 } }] })
    const sent = injector.transformResponse(request('GET', `/v2.1/servers/${SERVER_ID}`), buildingServerJson(0))
    expect(JSON.parse(sent.body).server.fault).toEqual({
      code: 413,
      created: '2026-11-22T14:00:31Z',
      message: 'Quota exceeded for instances: Requested 1, but already used 1 of 1 instances',
    })
  })
})

describe('an image turns to ERROR', () => {
  test('in JSON (001 Example 1.56, whose status the document misprints as SAVING)', () => {
    const image = { image: { id: 'img', name: 'My Server Backup', status: 'SAVING', progress: 89, server: { id: 's' } } }
    const injector = createFaultInjector({ rules: [{ match: { operation: 'images.get' }, fault: { kind: 'error-state', message: 'An internal error occurred', details: 'Error details' } }] })
    const sent = JSON.parse(injector.transformResponse(request('GET', '/v2/1/images/img'), { status: 200, headers: {}, body: JSON.stringify(image) }).body)
    expect(sent.image).toMatchObject({ status: 'ERROR', progress: 89, fault: { code: 500, message: 'An internal error occurred', details: 'Error details' } })
  })

  test('in XML (001 Example 1.55), a self-closing image element included', () => {
    const body = '<?xml version="1.0" encoding="UTF-8"?>\n<image xmlns="http://docs.openstack.org/compute/api/v1.1" id="img" name="My Server Backup" status="SAVING" progress="89"/>'
    const injector = createFaultInjector({ rules: [{ fault: { kind: 'error-state' } }] })
    const sent = injector.transformResponse(request('GET', '/v2/1/images/img.xml'), { status: 200, headers: {}, body }).body
    expect(XMLValidator.validate(sent)).toBe(true)
    expect(parseXml(sent)['image']).toMatchObject({ '@status': 'ERROR', fault: { '@code': '500', message: 'An internal error occurred' } })
  })
})

describe('transforms that do not apply', () => {
  test('leave a recorded 404 alone and log why', () => {
    const injector = createFaultInjector({ rules: [{ id: 'err', fault: { kind: 'error-state' } }] })
    const recorded = { status: 404, headers: {}, body: '{"itemNotFound":{"code":404,"message":"x"}}' }
    expect(injector.transformResponse(poll('json'), recorded)).toBe(recorded)
    expect(injector.log()).toMatchObject([{ rule: 'err', effect: 'skipped', reason: 'the recorded answer is a 404, not a server or image' }])
    expect(injector.list()[0]?.fired).toBe(0)
  })

  test('leave a body without a server alone (flavors, malformed JSON, text)', () => {
    const injector = createFaultInjector({ rules: [{ fault: { kind: 'error-state' } }] })
    for (const body of ['{"flavor":{"id":"1"}}', '{"server": ', 'OK', '<flavor id="1"/>']) {
      expect(injector.transformResponse(poll('json'), { status: 200, headers: {}, body }).body).toBe(body)
    }
    expect(injector.log().map((entry) => entry.reason)).toEqual([
      'the response body has no server or image',
      expect.stringContaining('the response body is not valid JSON'),
      'the response body is neither JSON nor XML',
      'the response body has no server or image',
    ])
  })
})

describe('a false negative', () => {
  const created = { status: 202, headers: { 'content-type': 'application/json', location: 'http://x/v2/1/servers/abc' }, body: '{"server":{"id":"abc","adminPass":"[redacted]"}}' }

  test('answers a create with a 500 computeFault although the recorded create succeeded', () => {
    const injector = createFaultInjector({ rules: [{ match: { operation: 'servers.create' }, when: { nth: 1 }, fault: { kind: 'false-negative' } }] })
    const create = request('POST', '/v2/010101/servers', { body: '{"server":{}}' })
    expect(injector.decide(create)).toBeNull()
    const sent = injector.transformResponse(create, created)
    expect(sent.status).toBe(500)
    expect(JSON.parse(sent.body)).toEqual({ computeFault: { code: 500, message: 'The server has either erred or is incapable of performing the requested operation.' } })
    expect(injector.log()[0]).toMatchObject({ effect: 'transformed', what: 'false-negative computeFault 500 (recorded 202)' })
    expect(injector.transformResponse(create, created)).toBe(created)
  })

  test('uses cloudServersFault in hp XML and the real Nova message in nova', () => {
    const hp = createFaultInjector({ dialect: 'hp', rules: [{ fault: { kind: 'false-negative' } }] })
    expect(parseXml(hp.transformResponse(request('POST', '/v2/1/servers.xml'), created).body)['cloudServersFault']['@code']).toBe('500')
    const nova = createFaultInjector({ dialect: 'nova', rules: [{ fault: { kind: 'false-negative' } }] })
    expect(JSON.parse(nova.transformResponse(request('POST', '/v2.1/servers'), created).body).computeFault.message).toMatch(/^Unexpected API Error/)
  })
})
