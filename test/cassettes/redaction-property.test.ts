import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { parseCassette, serializeCassette } from '../../cassettes/cassette-format.js'
import { createFakeClock } from '../../cassettes/clock.js'
import { escapeXml } from '../../cassettes/fault-catalog.js'
import { createCassetteRecorder, type RawExchange } from '../../cassettes/recorder.js'
import type { JsonValue } from '../../cassettes/schema.js'

const ORIGIN = 'https://dfw.servers.api.rackspacecloud.com'
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!$%^&*()-_=+/.~@;,#?[]{}<>"\' '.split('')

/** Random secrets: 8 to 24 characters, at least one letter and one digit, no leading or trailing space. */
const secretArbitrary = fc
  .array(fc.constantFrom(...ALPHABET), { minLength: 8, maxLength: 24 })
  .map((chars) => chars.join('').trim())
  .filter((secret) => secret.length >= 8 && /[A-Za-z]/.test(secret) && /\d/.test(secret))

/** Where a secret first shows up, at a position the recorder knows to be secret. */
const TEACHERS = ['x-auth-token', 'json-password', 'json-adminPass', 'json-apiKey', 'json-token-id', 'xml-attribute', 'xml-element', 'private-key', 'personality', 'query-token'] as const
/** Where it then comes back. */
const ECHOES = ['url-path', 'query', 'form-body', 'text-body', 'json-string', 'json-key', 'xml-text', 'xml-attribute', 'header'] as const

type Teacher = (typeof TEACHERS)[number]
type Echo = (typeof ECHOES)[number]

function buffer(value: unknown): Buffer {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8')
}

/** Puts `value` under `key` at a random depth of a random JSON object. */
function plant(tree: Record<string, JsonValue>, path: readonly number[], key: string, value: JsonValue): Record<string, JsonValue> {
  let node: Record<string, JsonValue> = tree
  for (const step of path) {
    const objects = Object.keys(node).filter((name) => isObject(node[name]))
    const next = objects[step % Math.max(1, objects.length)]
    if (next === undefined) break
    node = node[next] as Record<string, JsonValue>
  }
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true })
  return tree
}

function isObject(value: JsonValue | undefined): value is Record<string, JsonValue> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function teach(teacher: Teacher, secret: string, tree: Record<string, JsonValue>, path: readonly number[]): RawExchange {
  const json = (body: unknown) => ({ 'content-type': 'application/json' }) as Record<string, string>
  const xml = { 'content-type': 'application/xml' }
  const base = { method: 'POST', url: `${ORIGIN}/v2/010101/servers`, headers: {} as Record<string, string>, body: Buffer.alloc(0) }
  const response = { status: 200, headers: json(null), body: buffer({}) }
  switch (teacher) {
    case 'x-auth-token':
      return { request: { ...base, headers: { 'x-auth-token': secret } }, response }
    case 'json-password':
      return { request: { ...base, url: `${ORIGIN}/v2.0/tokens`, headers: json(null), body: buffer({ auth: { passwordCredentials: { username: 'u', password: secret } } }) }, response }
    case 'json-adminPass':
      return { request: base, response: { ...response, body: buffer(plant(structuredClone(tree), path, 'adminPass', secret)) } }
    case 'json-apiKey':
      return { request: { ...base, headers: json(null), body: buffer(plant(structuredClone(tree), path, 'apiKey', secret)) }, response }
    case 'json-token-id':
      return { request: base, response: { ...response, body: buffer({ access: { token: { id: secret, expires: '2012-09-14T15:11:57.585-05:00' } } }) } }
    case 'xml-attribute':
      return { request: base, response: { status: 202, headers: xml, body: buffer(`<server xmlns="http://docs.openstack.org/compute/api/v1.1" adminPass="${escapeXml(secret)}"/>`) } }
    case 'xml-element':
      return { request: base, response: { status: 200, headers: xml, body: buffer(`<adminPass>${escapeXml(secret)}</adminPass>`) } }
    case 'private-key':
      return { request: base, response: { ...response, body: buffer({ keypair: { name: 'k', private_key: secret } }) } }
    case 'personality':
      return { request: { ...base, headers: json(null), body: buffer({ server: { personality: [{ path: '/etc/x', contents: secret }] } }) }, response }
    case 'query-token':
      return { request: { ...base, method: 'GET', url: `${ORIGIN}/v2/010101/servers?token=${encodeURIComponent(secret)}` }, response }
  }
}

function echo(where: Echo, secret: string, tree: Record<string, JsonValue>, path: readonly number[]): RawExchange {
  const request = { method: 'GET', url: `${ORIGIN}/v2/010101/servers/detail`, headers: {} as Record<string, string>, body: Buffer.alloc(0) }
  const response = { status: 200, headers: { 'content-type': 'application/json' } as Record<string, string>, body: buffer({ servers: [] }) }
  switch (where) {
    case 'url-path':
      return { request: { ...request, url: `${ORIGIN}/v2/010101/servers/${encodeURIComponent(secret)}/metadata` }, response }
    case 'query':
      return { request: { ...request, url: `${ORIGIN}/v2/010101/servers?name=${encodeURIComponent(`x${secret}y`)}` }, response }
    case 'form-body':
      return { request: { ...request, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: buffer(new URLSearchParams({ note: secret }).toString()) }, response }
    case 'text-body':
      return { request, response: { ...response, headers: { 'content-type': 'text/plain' }, body: buffer(`the value is ${secret}!`) } }
    case 'json-string':
      return { request, response: { ...response, body: buffer(plant(structuredClone(tree), path, 'note', `before ${secret} after`)) } }
    case 'json-key':
      return { request, response: { ...response, body: buffer(plant(structuredClone(tree), path, secret, 1)) } }
    case 'xml-text':
      return { request, response: { status: 200, headers: { 'content-type': 'application/xml' }, body: buffer(`<meta xmlns="urn:x" key="k">${escapeXml(`a ${secret} b`)}</meta>`) } }
    case 'xml-attribute':
      return { request, response: { status: 200, headers: { 'content-type': 'application/xml' }, body: buffer(`<meta xmlns="urn:x" key="${escapeXml(secret)}">v</meta>`) } }
    case 'header':
      return { request, response: { ...response, headers: { ...response.headers, location: `${ORIGIN}/v2/010101/servers?marker=${encodeURIComponent(secret)}` } } }
  }
}

/** Every form the secret could take inside the written file (a JSON document). */
function writtenForms(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), new URLSearchParams([['', secret]]).toString().slice(1), escapeXml(secret)]
  return forms.map((form) => JSON.stringify(form).slice(1, -1))
}

const treeArbitrary = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }) as fc.Arbitrary<Record<string, JsonValue>>

describe('redaction property', () => {
  test('never writes a secret planted anywhere in JSON or XML bodies, headers or URLs', () => {
    fc.assert(
      fc.property(
        secretArbitrary,
        fc.constantFrom(...TEACHERS),
        fc.array(fc.constantFrom(...ECHOES), { minLength: 1, maxLength: 4 }),
        treeArbitrary,
        fc.array(fc.nat(), { maxLength: 4 }),
        (secret, teacher, echoes, tree, path) => {
          const recorder = createCassetteRecorder({ name: 'property', clock: createFakeClock(0) })
          recorder.record(teach(teacher, secret, tree, path))
          for (const where of echoes) recorder.record(echo(where, secret, tree, path))
          const written = serializeCassette(recorder.cassette())
          for (const form of writtenForms(secret)) expect(written).not.toContain(form)
        },
      ),
      { numRuns: 300, seed: 20240601 },
    )
  })
})

describe('recorder robustness', () => {
  const headerValue = fc.string({ maxLength: 40 }).map((value) => value.replace(/[\r\n]/g, ' '))
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ maxLength: 200 }).map((text) => Buffer.from(text)),
    fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value))),
    fc.constantFrom('<a><b x="1">t</b></a>', '<a><b></a>', '<!DOCTYPE x [<!ENTITY e "e">]><x a="&e;">&e;</x>', '{"a":', '').map((text) => Buffer.from(text)),
  )
  const exchangeArbitrary = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'patch'),
    url: fc.oneof(fc.webUrl({ withQueryParameters: true }), fc.string({ maxLength: 60 }).map((path) => `http://127.0.0.1:8774/${path}`)),
    contentType: fc.constantFrom('application/json', 'application/xml', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded', ''),
    token: headerValue,
    requestBody: body,
    status: fc.integer({ min: 100, max: 599 }),
    responseBody: body,
  })

  test('records any exchange without throwing, into a cassette that parses back', () => {
    fc.assert(
      fc.property(fc.array(exchangeArbitrary, { minLength: 1, maxLength: 4 }), (items) => {
        const recorder = createCassetteRecorder({ name: 'fuzz', clock: createFakeClock(0) })
        for (const item of items) {
          const headers = { 'content-type': item.contentType, 'x-auth-token': item.token }
          recorder.record({ request: { method: item.method, url: item.url, headers, body: item.requestBody }, response: { status: item.status, headers, body: item.responseBody } })
        }
        const written = serializeCassette(recorder.cassette())
        expect(parseCassette(written, 'fuzz.json').interactions).toHaveLength(items.length)
      }),
      { numRuns: 300, seed: 7 },
    )
  })
})
