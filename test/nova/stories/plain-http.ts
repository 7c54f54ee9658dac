import { setTimeout as delay } from 'node:timers/promises'
import { NOVA } from '../nova-local.js'
import { OutputNormalizer } from '../normalize-output.js'

/** A project of its own for the racing creates, with a quota of one instance. */
export const RACE_PROJECT = 'feedfacefeedfacefeedfacefeedface'
export const RACE_TOKEN = `racer:${RACE_PROJECT}`
const MICROVERSION = '2.79'
const POLL_INTERVAL_MS = 250
const POLL_LIMIT = 480

/** What the plain client saw of one call: comparable between live and replay. */
export interface Observation {
  readonly step: string
  readonly status: number
  readonly contentType: string | null
  /** Nova's microversion headers and Vary (absent on the legacy /v2 paths), and whether a request id came. */
  readonly versionHeaders: Readonly<Record<string, string | null>>
  readonly requestId: boolean
  /** Location with the client's base URL and the upstream mount replaced by labels. */
  readonly location: string | null
  /** The body's structure: keys, and the type of every leaf. */
  readonly shape: unknown
  /** Fault bodies (and embedded server faults) in full, ids normalized. */
  readonly fault: unknown
}

/** One exchange as it came: the lane compares fault bytes with renderFault. */
export interface RawAnswer {
  readonly step: string
  readonly method: string
  readonly path: string
  /** The request headers and body as sent, to send the same request again. */
  readonly request: { readonly headers: Record<string, string>; readonly body: string | undefined }
  readonly status: number
  readonly headers: Headers
  readonly text: string
}

export interface PlainStoryResult {
  readonly observations: Observation[]
  readonly answers: RawAnswer[]
  /** Location of createImage, as the client got it. */
  readonly imageLocation: string
  /** The racing server that ended in ERROR, as the last poll showed it. */
  readonly erroredServer: Record<string, unknown>
}

interface CallOptions {
  readonly token?: string
  readonly body?: unknown
  /** Sent as is (a malformed body). */
  readonly rawBody?: string
  readonly headers?: Record<string, string>
  /** Sends OpenStack-API-Version: compute <microversion>. */
  readonly microversion?: string
}

interface Answer {
  readonly status: number
  readonly json: Record<string, unknown> | null
  readonly headers: Headers
}

/**
 * A plain HTTP client (fetch) against `base` (the proxy or the replay server, Nova at its root) on
 * the legacy `/v2/{project}` paths and on `/v2.1` with microversion headers: version documents,
 * the 409 of a reboot while building, resize → VERIFY_RESIZE → confirm, createImage, metadata
 * set/get/delete, a 400 on a malformed body, the 406 of an unsupported microversion, the 403
 * quota fault, and two racing creates where the second ends in ERROR with an embedded 413 fault.
 */
export async function plainHttpStory(base: string): Promise<PlainStoryResult> {
  const observations: Observation[] = []
  const answers: RawAnswer[] = []
  const normalizer = new OutputNormalizer()
  const call = async (step: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> => {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
    if (options.token !== undefined) headers['x-auth-token'] = options.token
    if (options.microversion !== undefined) headers['openstack-api-version'] = `compute ${options.microversion}`
    let body: string | undefined
    if (options.rawBody !== undefined || options.body !== undefined) {
      headers['content-type'] = 'application/json'
      body = options.rawBody ?? JSON.stringify(options.body)
    }
    const response = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body }) })
    const text = await response.text()
    const json = parseJson(text)
    answers.push({ step, method, path, request: { headers, body }, status: response.status, headers: response.headers, text })
    observations.push(observe(step, response, json, base, normalizer))
    return { status: response.status, json, headers: response.headers }
  }
  const expectStatus = (answer: Answer, status: number, step: string): Answer => {
    if (answer.status !== status) throw new Error(`${step}: expected ${status}, got ${answer.status}: ${JSON.stringify(answer.json)}`)
    return answer
  }
  const admin = NOVA.token
  const legacy = `/v2/${NOVA.project}`
  const v21 = { token: admin, microversion: MICROVERSION }

  /** Polls until the server's status is one of `wanted` (or it is gone, for 'GONE'); only the final state is observed. */
  const waitFor = async (step: string, path: string, options: CallOptions, wanted: readonly string[]): Promise<Record<string, unknown>> => {
    for (let poll = 0; poll < POLL_LIMIT; poll += 1) {
      const headers: Record<string, string> = { accept: 'application/json', 'x-auth-token': options.token ?? admin }
      if (options.microversion !== undefined) headers['openstack-api-version'] = `compute ${options.microversion}`
      const response = await fetch(base + path, { headers })
      const json = parseJson(await response.text())
      const server = (json?.['server'] ?? null) as Record<string, unknown> | null
      const status = response.status === 404 ? 'GONE' : String(server?.['status'])
      if (wanted.includes(status)) {
        observations.push({ ...observe(step, response, json, base, normalizer), fault: { status, fault: server ? normalizer.normalizeValue(server['fault'] ?? null) : null } })
        return server ?? {}
      }
      if (status === 'ERROR' || status === 'undefined') throw new Error(`${step}: server is ${status}, wanted ${wanted.join('|')}: ${JSON.stringify(json)}`)
      await delay(POLL_INTERVAL_MS)
    }
    throw new Error(`${step}: the server never became ${wanted.join('|')}`)
  }

  // Version documents: at the root, and at /v2 and /v2.1.
  expectStatus(await call('versions at /', 'GET', '/'), 200, 'versions')
  expectStatus(await call('version v2', 'GET', '/v2/'), 200, 'version v2')
  expectStatus(await call('version v2.1', 'GET', '/v2.1/'), 200, 'version v2.1')

  // Legacy /v2/{project}: boot, and reboot while building (409).
  const created = expectStatus(await call('v2 create', 'POST', `${legacy}/servers`, { token: admin, body: { server: { name: 'http-a', imageRef: NOVA.image, flavorRef: '1' } } }), 202, 'v2 create')
  const serverA = String((created.json?.['server'] as Record<string, unknown>)['id'])
  const a = `${legacy}/servers/${serverA}`
  expectStatus(await call('v2 reboot while building', 'POST', `${a}/action`, { token: admin, body: { reboot: { type: 'SOFT' } } }), 409, 'reboot while building')
  await waitFor('v2 active', a, { token: admin }, ['ACTIVE'])

  // Resize → VERIFY_RESIZE → confirm.
  expectStatus(await call('v2 resize', 'POST', `${a}/action`, { token: admin, body: { resize: { flavorRef: '2' } } }), 202, 'resize')
  await waitFor('v2 verify resize', a, { token: admin }, ['VERIFY_RESIZE'])
  expectStatus(await call('v2 confirm resize', 'POST', `${a}/action`, { token: admin, body: { confirmResize: null } }), 204, 'confirmResize')
  await waitFor('v2 active after resize', a, { token: admin }, ['ACTIVE'])

  // createImage: 202, Location on the image service.
  const snapshot = expectStatus(await call('v2 create image', 'POST', `${a}/action`, { token: admin, body: { createImage: { name: 'http-snap' } } }), 202, 'createImage')
  const imageLocation = snapshot.headers.get('location') ?? ''

  // Errors on the legacy paths: a malformed body, a missing server.
  expectStatus(await call('v2 malformed body', 'POST', `${legacy}/servers`, { token: admin, rawBody: '{"server": {"name": "broken"' }), 400, 'malformed body')
  expectStatus(await call('v2 missing server', 'GET', `${legacy}/servers/00000000-0000-0000-0000-000000000000`, { token: admin }), 404, 'missing server')

  // /v2.1 without a project, with microversion headers: metadata set, get, delete.
  const a21 = `/v2.1/servers/${serverA}`
  expectStatus(await call('v2.1 metadata set', 'PUT', `${a21}/metadata`, { ...v21, body: { metadata: { role: 'web', tier: '1' } } }), 200, 'metadata set')
  expectStatus(await call('v2.1 metadata get', 'GET', `${a21}/metadata`, v21), 200, 'metadata get')
  expectStatus(await call('v2.1 metadata item get', 'GET', `${a21}/metadata/role`, v21), 200, 'metadata item get')
  expectStatus(await call('v2.1 metadata delete', 'DELETE', `${a21}/metadata/role`, v21), 204, 'metadata delete')
  expectStatus(await call('v2.1 metadata after delete', 'GET', `${a21}/metadata`, v21), 200, 'metadata get')
  expectStatus(await call('v2.1 show (legacy microversion header)', 'GET', a21, { token: admin, headers: { 'x-openstack-nova-api-version': '2.47' } }), 200, 'show')
  expectStatus(await call('v2.1 unsupported microversion', 'GET', '/v2.1/servers', { token: admin, microversion: '9.99' }), 406, 'microversion 9.99')

  // Quota: one instance and two metadata items for the demo project; the second create is a 403.
  const demo = { token: NOVA.demoToken, microversion: MICROVERSION }
  const bootBody = (name: string): unknown => ({ server: { name, imageRef: NOVA.image, flavorRef: '1', networks: 'none' } })
  expectStatus(await call('v2.1 set quota', 'PUT', `/v2.1/os-quota-sets/${NOVA.demoProject}`, { ...v21, body: { quota_set: { instances: 1, metadata_items: 2 } } }), 200, 'quota set')
  const b = expectStatus(await call('v2.1 create within quota', 'POST', '/v2.1/servers', { ...demo, body: bootBody('http-b') }), 202, 'create B')
  const serverB = `/v2.1/servers/${String((b.json?.['server'] as Record<string, unknown>)['id'])}`
  await waitFor('v2.1 within quota active', serverB, demo, ['ACTIVE'])
  expectStatus(await call('v2.1 create over quota', 'POST', '/v2.1/servers', { ...demo, body: bootBody('http-c') }), 403, 'create over quota')
  expectStatus(await call('v2.1 metadata over quota', 'POST', `${serverB}/metadata`, { ...demo, body: { metadata: { a: '1', b: '2', c: '3' } } }), 403, 'metadata over quota')

  // Two creates back to back under a quota of one: both 202, the second ends in ERROR (413 fault).
  const racer = { token: RACE_TOKEN, microversion: MICROVERSION }
  expectStatus(await call('v2.1 set race quota', 'PUT', `/v2.1/os-quota-sets/${RACE_PROJECT}`, { ...v21, body: { quota_set: { instances: 1 } } }), 200, 'race quota')
  const first = expectStatus(await call('v2.1 race create 1', 'POST', '/v2.1/servers', { ...racer, body: bootBody('race-1') }), 202, 'race create 1')
  const second = expectStatus(await call('v2.1 race create 2', 'POST', '/v2.1/servers', { ...racer, body: bootBody('race-2') }), 202, 'race create 2')
  const raced = [first, second].map((answer) => `/v2.1/servers/${String((answer.json?.['server'] as Record<string, unknown>)['id'])}`)
  const firstEnd = await waitFor('v2.1 race 1 settles', raced[0] as string, racer, ['ACTIVE', 'ERROR'])
  const secondEnd = await waitFor('v2.1 race 2 settles', raced[1] as string, racer, ['ACTIVE', 'ERROR'])
  const erroredServer = [firstEnd, secondEnd].find((server) => server['status'] === 'ERROR')
  if (!erroredServer) throw new Error('both racing creates became ACTIVE: the quota recheck did not fire')

  // Clean up: delete everything, see it gone.
  expectStatus(await call('v2 delete', 'DELETE', a, { token: admin }), 204, 'delete A')
  expectStatus(await call('v2.1 delete within quota', 'DELETE', serverB, demo), 204, 'delete B')
  for (const [index, path] of raced.entries()) expectStatus(await call(`v2.1 race ${index + 1} delete`, 'DELETE', path, racer), 204, 'delete race')
  await waitFor('v2 gone', a, { token: admin }, ['GONE'])
  await waitFor('v2.1 within quota gone', serverB, demo, ['GONE'])
  for (const [index, path] of raced.entries()) await waitFor(`v2.1 race ${index + 1} gone`, path, racer, ['GONE'])
  expectStatus(await call('v2 deleted server', 'GET', a, { token: admin }), 404, 'deleted server')
  return { observations, answers, imageLocation, erroredServer }
}

function parseJson(text: string): Record<string, unknown> | null {
  if (text === '') return null
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    return null
  }
}

const VERSION_HEADERS = ['openstack-api-version', 'x-openstack-nova-api-version', 'vary'] as const

function observe(step: string, response: Response, json: Record<string, unknown> | null, base: string, normalizer: OutputNormalizer): Observation {
  const location = response.headers.get('location')
  const root = json === null ? null : Object.keys(json)[0]
  const isFault = response.status >= 400 && root !== undefined && root !== null
  return {
    step,
    status: response.status,
    contentType: response.headers.get('content-type'),
    versionHeaders: Object.fromEntries(VERSION_HEADERS.map((name) => [name, response.headers.get(name)])),
    requestId: /^req-[0-9a-f-]{36}$/.test(response.headers.get('x-openstack-request-id') ?? ''),
    location: location === null ? null : normalizer.normalize(location.replace(base, '<base>').replace(/\/_upstream\/[a-z]+\/[^/]+/, '/_upstream/<mount>')),
    shape: shapeOf(json),
    fault: isFault ? normalizer.normalizeValue(json) : null,
  }
}

/** Keys and leaf types: `{"server": {"id": "string", "links": [{...}]}}`. */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : 1)).map(([key, item]) => [key, shapeOf(item)]))
  }
  return value === null ? null : typeof value
}
