import { describe, expect, test } from 'vitest'
import { createReplaySession } from '../../replay/session.js'
import type { ReplayAnswer } from '../../replay/answers.js'
import { buildCassette, PLACEHOLDER, serverGet, type InteractionSpec } from '../helpers/cassette-builder.js'

const S1 = PLACEHOLDER.server(1)
const S2 = PLACEHOLDER.server(2)
const reboot: InteractionSpec = { method: 'POST', path: `/v2/{t}/servers/${S1}/action`, body: { reboot: { type: 'SOFT' } }, status: 202 }
const del = (id: string): InteractionSpec => ({ method: 'DELETE', path: `/v2/{t}/servers/${id}`, status: 204 })
const listDetail = (ids: string[]): InteractionSpec => ({ method: 'GET', path: '/v2/{t}/servers/detail', status: 217, response: { servers: ids.map((id) => ({ id })) } })

function statusOf(answer: ReplayAnswer): string {
  if (answer.kind !== 'response') return answer.kind
  const body = JSON.parse(answer.response.body.toString('utf8') || 'null') as { server?: { status: string }; servers?: unknown[] } | null
  return body?.server?.status ?? (body?.servers ? `list:${body.servers.length}` : String(answer.response.status))
}

function client(specs: InteractionSpec[], options: Parameters<typeof createReplaySession>[1] = {}) {
  const session = createReplaySession(buildCassette('servers/order', specs), options)
  const send = (method: string, path: string, body?: unknown): string =>
    statusOf(session.handle({ method, url: `${PLACEHOLDER.dfw}${path.replace('{t}', PLACEHOLDER.tenant)}`, headers: { 'content-type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body) }))
  const get = (id: string): string => send('GET', `/v2/{t}/servers/${id}`)
  return { session, send, get }
}

describe('recorded order', () => {
  test('replays repeated identical requests in recorded order, then repeats the last answer', () => {
    const { get } = client([serverGet(1, 'BUILD'), serverGet(1, 'BUILD'), serverGet(1, 'ACTIVE')])
    expect([get(S1), get(S1), get(S1), get(S1)]).toEqual(['BUILD', 'BUILD', 'ACTIVE', 'ACTIVE'])
  })

  test('fails with ERR_CLOUDTAPE_NO_MATCH once exhausted when exhausted is "error"', () => {
    const { session } = client([serverGet(1, 'ACTIVE')], { exhausted: 'error' })
    const url = `${PLACEHOLDER.dfw}/v2/${PLACEHOLDER.tenant}/servers/${S1}`
    expect(session.handle({ method: 'GET', url, headers: {} }).kind).toBe('response')
    const answer = session.handle({ method: 'GET', url, headers: {} })
    expect(answer.kind).toBe('miss')
    if (answer.kind !== 'miss') return
    expect(answer.error.code).toBe('ERR_CLOUDTAPE_NO_MATCH')
    expect(answer.error.report.closest?.layer).toBe('exhausted')
  })

  test('replays in plain recorded order per request when ordering is "sequence"', () => {
    const { send, get } = client([serverGet(1, 'BUILD'), serverGet(1, 'ACTIVE'), reboot, serverGet(1, 'REBOOT')], { ordering: 'sequence' })
    expect([get(S1), get(S1), get(S1)]).toEqual(['BUILD', 'ACTIVE', 'REBOOT'])
    expect(send('POST', `/v2/{t}/servers/${S1}/action`, { reboot: { type: 'SOFT' } })).toBe('202')
  })
})

describe('poll-cadence tolerance', () => {
  const bootReboot = [serverGet(1, 'BUILD'), serverGet(1, 'BUILD'), serverGet(1, 'ACTIVE'), reboot, serverGet(1, 'REBOOT'), serverGet(1, 'ACTIVE')]

  test('repeats the current state for extra polls rather than running past a recorded reboot', () => {
    const { get, send } = client(bootReboot)
    expect([get(S1), get(S1), get(S1), get(S1), get(S1)]).toEqual(['BUILD', 'BUILD', 'ACTIVE', 'ACTIVE', 'ACTIVE'])
    expect(send('POST', `/v2/{t}/servers/${S1}/action`, { reboot: { type: 'SOFT' } })).toBe('202')
    expect([get(S1), get(S1), get(S1)]).toEqual(['REBOOT', 'ACTIVE', 'ACTIVE'])
  })

  test('moves the timeline to the reboot when the client polled fewer times, so no stale BUILD follows', () => {
    const { get, send } = client(bootReboot)
    expect(get(S1)).toBe('BUILD')
    expect(send('POST', `/v2/{t}/servers/${S1}/action`, { reboot: { type: 'SOFT' } })).toBe('202')
    expect([get(S1), get(S1)]).toEqual(['REBOOT', 'ACTIVE'])
  })

  test('keeps one timeline per server, whatever the interleaving of the polls', () => {
    const specs = [serverGet(1, 'BUILD'), serverGet(2, 'BUILD'), serverGet(1, 'ACTIVE'), serverGet(2, 'ACTIVE'), del(S1), serverGet(1, 'gone', 404)]
    const { get, send } = client(specs)
    expect([get(S2), get(S2), get(S2)]).toEqual(['BUILD', 'ACTIVE', 'ACTIVE'])
    expect([get(S1), get(S1), get(S1)]).toEqual(['BUILD', 'ACTIVE', 'ACTIVE'])
    expect(send('DELETE', `/v2/{t}/servers/${S1}`)).toBe('204')
    expect(get(S1)).toBe('404')
    expect(get(S2)).toBe('ACTIVE')
  })

  test('holds collection reads at the state before a recorded delete until the client deletes', () => {
    const { send } = client([listDetail([S1]), del(S1), listDetail([])])
    expect([send('GET', '/v2/{t}/servers/detail'), send('GET', '/v2/{t}/servers/detail')]).toEqual(['list:1', 'list:1'])
    send('DELETE', `/v2/{t}/servers/${S1}`)
    expect(send('GET', '/v2/{t}/servers/detail')).toBe('list:0')
  })

  test('counts polls the timeline skipped as used, and reports the rest in assertAllUsed', () => {
    const { session, get, send } = client(bootReboot)
    get(S1)
    send('POST', `/v2/{t}/servers/${S1}/action`, { reboot: { type: 'SOFT' } })
    get(S1)
    expect(session.unused().map((interaction) => interaction.id)).toEqual([6])
  })
})

describe('isolation', () => {
  test('keeps order state per session on the same cassette', () => {
    const cassette = buildCassette('servers/iso', [serverGet(1, 'BUILD'), serverGet(1, 'ACTIVE')])
    const url = `${PLACEHOLDER.dfw}/v2/${PLACEHOLDER.tenant}/servers/${S1}`
    const a = createReplaySession(cassette)
    const b = createReplaySession(cassette)
    expect(statusOf(a.handle({ method: 'GET', url, headers: {} }))).toBe('BUILD')
    expect(statusOf(a.handle({ method: 'GET', url, headers: {} }))).toBe('ACTIVE')
    expect(statusOf(b.handle({ method: 'GET', url, headers: {} }))).toBe('BUILD')
  })

  test('starts over after reset()', () => {
    const { session, get } = client([serverGet(1, 'BUILD'), serverGet(1, 'ACTIVE')])
    expect([get(S1), get(S1)]).toEqual(['BUILD', 'ACTIVE'])
    session.reset()
    expect(get(S1)).toBe('BUILD')
    expect(session.requestLog()).toHaveLength(1)
  })
})

describe('request log', () => {
  test('keeps the last requests, oldest first, numbered from the start', async () => {
    const { RequestLog } = await import('../../replay/request-log.js')
    const log = new RequestLog(2)
    log.add({ method: 'GET', url: '/a', operation: 'servers.get' }, 'interaction', 3, 200)
    log.add({ method: 'GET', url: '/b', operation: 'servers.get' }, 'miss', null, 501)
    log.add({ method: 'POST', url: '/c', operation: 'servers.create' }, 'fault', null, 413)
    expect(log.entries()).toEqual([
      { seq: 2, method: 'GET', url: '/b', operation: 'servers.get', outcome: 'miss', interaction: null, status: 501 },
      { seq: 3, method: 'POST', url: '/c', operation: 'servers.create', outcome: 'fault', interaction: null, status: 413 },
    ])
  })
})
