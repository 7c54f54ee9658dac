import { XMLParser } from 'fast-xml-parser'
import { onTestFinished } from 'vitest'
import { createFakeClock, type FakeClock } from '../../cassettes/index.js'
import { startFakeCloud, type FakeCloud, type FakeCloudOptions } from '../../upstream/index.js'

/** The instant the documents' examples date from; tests start every fake clock there. */
export const DOC_TIME = '2012-09-10T20:00:00Z'

/** Starts a fake cloud on a fake clock and closes it when the test ends. */
export async function startTestCloud(options: FakeCloudOptions = {}): Promise<{ cloud: FakeCloud; clock: FakeClock }> {
  const clock = (options.clock as FakeClock | undefined) ?? createFakeClock(DOC_TIME)
  const cloud = await startFakeCloud({ seed: 1, ...options, clock })
  onTestFinished(() => cloud.close())
  return { cloud, clock }
}

/** A password token request, in JSON. */
export function passwordAuthBody(cloud: FakeCloud, extra: Record<string, unknown> = {}): string {
  const { username, password } = cloud.credentials
  return JSON.stringify({ auth: { passwordCredentials: { username, password }, ...extra } })
}

/** POST /v2.0/tokens with a JSON body. */
export function postTokens(cloud: FakeCloud, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${cloud.identityUrl}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
}

export interface ComputeCall {
  readonly method?: string
  /** A JSON value (sent as JSON) or a string (sent as is, with `contentType`). */
  readonly body?: unknown
  readonly contentType?: string
  readonly accept?: string
  readonly headers?: Record<string, string>
  /** Defaults to the cloud's current token; null sends none. */
  readonly token?: string | null
}

/** A request to a region's compute API; `path` is relative to the tenant URL (`/servers`). */
export function compute(cloud: FakeCloud, region: string, path: string, call: ComputeCall = {}): Promise<Response> {
  const headers: Record<string, string> = { ...call.headers }
  const token = call.token === undefined ? cloud.token : call.token
  if (token !== null) headers['x-auth-token'] = token
  if (call.accept) headers['accept'] = call.accept
  let body: string | undefined
  if (call.body !== undefined) {
    body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body)
    headers['content-type'] = call.contentType ?? 'application/json'
  }
  const base = cloud.computeUrls[region]
  if (base === undefined) throw new Error(`no region ${region} in ${Object.keys(cloud.computeUrls).join(', ')}`)
  return fetch(`${base}${path}`, { method: call.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) })
}

/** The JSON body of a response, untyped (tests assert its shape). */
export async function json(response: Response | Promise<Response>): Promise<any> {
  return (await response).json()
}

/** JSON of a compute call, asserting nothing: tests check status and body themselves. */
export async function computeJson(cloud: FakeCloud, region: string, path: string, call: ComputeCall = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await compute(cloud, region, path, call)
  const text = await response.text()
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers }
}

const XML = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', ignoreDeclaration: true, parseTagValue: false, isArray: (name) => ['server', 'image', 'flavor', 'meta', 'atom:link', 'network', 'ip', 'extension', 'limit', 'rate', 'service', 'endpoint'].includes(name) })

/** Parses an XML answer with attributes as `@name`; repeated elements are arrays. */
export function parseXml(text: string): any {
  return XML.parse(text)
}

/** Creates a server in a region and returns its id and admin password. */
export async function createServer(cloud: FakeCloud, region: string, server: Record<string, unknown> = {}): Promise<{ id: string; adminPass: string }> {
  const { status, body } = await computeJson(cloud, region, '/servers', {
    body: { server: { name: 'web1', imageRef: cloud.baseImages[0]?.id, flavorRef: cloud.flavorIds[0], ...server } },
  })
  if (status !== 202) throw new Error(`create failed with ${status}: ${JSON.stringify(body)}`)
  return { id: body.server.id, adminPass: body.server.adminPass }
}

/** GETs the server until it leaves `status` (at most `limit` polls); returns the statuses seen. */
export async function pollServer(cloud: FakeCloud, region: string, id: string, limit = 10): Promise<string[]> {
  const seen: string[] = []
  for (let poll = 0; poll < limit; poll += 1) {
    const { body } = await computeJson(cloud, region, `/servers/${id}`)
    seen.push(body.server.status)
    if (poll > 0 && body.server.status !== seen[0]) break
  }
  return seen
}
