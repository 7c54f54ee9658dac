import { describe, expect, test } from 'vitest'
import { createFakeClock } from '../../cassettes/index.js'
import { createReplaySession, type CreateReplaySessionOptions } from '../../replay/session.js'
import type { ReplayAnswer } from '../../replay/answers.js'
import { buildCassette, PLACEHOLDER, serverGet, tokenSpec } from '../helpers/cassette-builder.js'

const ORIGIN = 'http://127.0.0.1:4010'
const cassette = buildCassette('identity/boot', [tokenSpec(), serverGet(1, 'ACTIVE', 217), { ...serverGet(1, 'ACTIVE', 218), origin: PLACEHOLDER.ord }])

function serve(options: CreateReplaySessionOptions = {}) {
  const session = createReplaySession(cassette, { origin: ORIGIN, clock: createFakeClock('2030-01-01T00:00:00.000Z'), ...options })
  const auth = (body: unknown): ReplayAnswer =>
    session.handle({ method: 'POST', url: `${session.authUrl}/tokens`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { session, auth }
}

function json(answer: ReplayAnswer): any {
  if (answer.kind !== 'response') throw new Error(`expected a response, got ${answer.kind}`)
  return JSON.parse(answer.response.body.toString('utf8'))
}

const password = { auth: { passwordCredentials: { username: 'someone', password: 'their-secret' } } }

describe('identity', () => {
  test('answers any credentials with the recorded token, expiring 24 h after the clock', () => {
    const { session, auth } = serve()
    expect(session.authUrl).toBe(`${ORIGIN}/v2.0`)
    const access = json(auth({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'x', apiKey: 'k' } } })).access
    expect(access.token.id).toBe(PLACEHOLDER.token)
    expect(access.token.expires).toBe('2030-01-02T00:00:00.000Z')
  })

  test('rewrites catalog endpoints to the replay origin, one path prefix per recorded compute origin', () => {
    const { session, auth } = serve()
    const endpoints = json(auth(password)).access.serviceCatalog[0].endpoints
    expect(endpoints.map((endpoint: { publicURL: string }) => endpoint.publicURL)).toEqual([
      `${ORIGIN}/_upstream/https/host-2.example.com/v2/${PLACEHOLDER.tenant}`,
      `${ORIGIN}/_upstream/https/host-3.example.com/v2/${PLACEHOLDER.tenant}`,
    ])
    const get = (base: string): ReplayAnswer => session.handle({ method: 'GET', url: `${base}/servers/${PLACEHOLDER.server(1)}`, headers: {} })
    expect(get(endpoints[0].publicURL).kind === 'response' && (get(endpoints[0].publicURL) as { response: { status: number } }).response.status).toBe(217)
    expect((get(endpoints[1].publicURL) as { response: { status: number } }).response.status).toBe(218)
  })

  test('strict mode answers wrong credentials with the documented 401 unauthorized fault', () => {
    const { auth } = serve({ strict: { username: 'someone', password: 'their-secret' } })
    expect(json(auth(password)).access.token.id).toBe(PLACEHOLDER.token)
    const refused = auth({ auth: { passwordCredentials: { username: 'someone', password: 'wrong' } } })
    expect(refused.kind === 'response' && refused.response.status).toBe(401)
    expect(json(refused).unauthorized.code).toBe(401)
    expect(json(auth({ auth: {} })).unauthorized.message).toMatch(/no auth credentials/)
  })

  test('strict mode answers an unknown token with 401 and accepts the issued one', () => {
    const { session } = serve({ strict: true })
    const url = `${ORIGIN}/_upstream/https/host-2.example.com/v2/${PLACEHOLDER.tenant}/servers/${PLACEHOLDER.server(1)}`
    const wrong = session.handle({ method: 'GET', url, headers: { 'x-auth-token': 'stolen' } })
    expect(wrong.kind === 'response' && wrong.response.status).toBe(401)
    const right = session.handle({ method: 'GET', url, headers: { 'x-auth-token': PLACEHOLDER.token } })
    expect(right.kind === 'response' && right.response.status).toBe(217)
  })
})
