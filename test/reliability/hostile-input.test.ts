import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative, sep } from 'node:path'
import fc from 'fast-check'
import { describe, expect, onTestFinished, test as plainTest } from 'vitest'
import { parseCassette } from '../../cassettes/cassette-format.js'
import { isCloudtapeError } from '../../cassettes/errors.js'
import { parseXml, canonicalXml } from '../../cassettes/xml.js'
import { createFileCassetteStore, loadCassetteFile } from '../../cassettes/store.js'
import { requestBodyFacts } from '../../replay/body-leaves.js'
import { cassettePath, createReplayServer, createReplaySession } from '../../replay/index.js'
import { parseXmlRequest } from '../../upstream/xml-request.js'
import { authenticate, test } from '../proxy/fixtures.js'
import { rawRequest } from './raw-http.js'

const FIXTURE = readFileSync(new URL('../fixtures/cassettes/boot-reboot-delete.json', import.meta.url), 'utf8')

/** An entity defined in a DOCTYPE; if anything expanded it, this marker would show up. */
const MARKER = 'ENTITY-WAS-EXPANDED'
const ENTITY_XML = `<?xml version="1.0"?><!DOCTYPE server [<!ENTITY e "${MARKER}"><!ENTITY l1 "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;">]><server xmlns="http://docs.openstack.org/compute/api/v1.1" name="&e;" imageRef="x" flavorRef="2"><metadata><meta key="k">&l2;</meta></metadata></server>`
const EXTERNAL_ENTITY_XML = `<?xml version="1.0"?><!DOCTYPE server [<!ENTITY ext SYSTEM "file:///etc/passwd">]><server name="&ext;"/>`
const DEEP_XML = '<a>'.repeat(3000) + '</a>'.repeat(3000)

describe('fast-xml-parser never expands entities, wherever cloudtape parses XML', () => {
  plainTest('the core parser, the replay matcher and the fake cloud all leave entity references as written', () => {
    expect(JSON.stringify(parseXml(ENTITY_XML))).not.toContain(MARKER)
    expect(JSON.stringify(canonicalXml(ENTITY_XML))).not.toContain(MARKER)
    const facts = requestBodyFacts(Buffer.from(ENTITY_XML), 'application/xml')
    expect(JSON.stringify(facts)).not.toContain(MARKER)
    expect(JSON.stringify(facts)).not.toContain('root:')
    expect(parseXmlRequest(ENTITY_XML)).toEqual({ error: 'DTDs are not allowed in request bodies' })
  })

  plainTest('documents the parser refuses (external entities, extreme nesting) are ERR_CLOUDTAPE_XML_INVALID or a badRequest, never a raw throw', () => {
    for (const text of [EXTERNAL_ENTITY_XML, DEEP_XML]) {
      expect(() => parseXml(text)).toThrow(expect.objectContaining({ code: 'ERR_CLOUDTAPE_XML_INVALID', message: expect.stringMatching(/cannot be read: .+\. Send or record/) }))
      expect(() => canonicalXml(text)).toThrow(expect.objectContaining({ code: 'ERR_CLOUDTAPE_XML_INVALID' }))
      expect(JSON.stringify(requestBodyFacts(Buffer.from(text), 'application/xml'))).toContain('"broken":"malformed XML')
    }
    expect(parseXmlRequest(DEEP_XML)).toEqual({ error: expect.stringContaining('nested') })
  })
})

/** Secrets the client sends or the cloud mints: none may reach the cassette file, in any form. */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]
}

describe('hostile requests through the recording proxy (property-based)', () => {
  test('paths, headers, JSON and XML bodies: always an answer, the proxy keeps serving, no seeded secret in the file', async ({ cloud, startProxy }) => {
    const proxy = await startProxy()
    const errors: string[] = []
    proxy.on('error', (error) => errors.push(error.code))
    const { token, compute } = await authenticate(`${proxy.url}/v2.0`, cloud)
    const base = new URL(compute['DFW'] as string).pathname
    const partnerKey = 'pk-3f9a71c2e8d4b605'
    const secrets = new Set([token, cloud.credentials.password, cloud.credentials.apiKey])
    const segment = fc.oneof(fc.constantFrom('servers', 'detail', 'flavors', 'images', 'metadata', 'action', '..', '.', '%2e%2e', '%00', '%zz', '%2f', ';', '@', '~', 'x'.repeat(2000), token, '\u00e9\u6f22'), fc.webSegment())
    const path = fc.array(segment, { maxLength: 6 }).map((segments) => `${base}/${segments.join('/')}`.replace(/[^\x21-\x7e]/g, (char) => encodeURIComponent(char)))
    const query = fc.constantFrom('', `?token=${token}`, '?changes-since=2012-01-01T00:00:00Z&limit=-1', `?marker=${'%'.repeat(5)}`, '?a=1&a=2&a[]=3')
    const header = fc.tuple(fc.constantFrom('x-auth-token', 'x-partner-key', 'x-custom', 'accept', 'content-type', 'x-auth-user', 'cookie', 'authorization', 'x-weird'), fc.oneof(fc.constantFrom(token, partnerKey, `Bearer ${token}`, 'application/xml', 'application/json;q=0', 'a'.repeat(10_000)), fc.string({ maxLength: 40 }).map((text) => text.replace(/[\r\n\0]/g, ' ').trim())))
    const deepJson = fc.integer({ min: 100, max: 3000 }).map((depth) => '{"server":'.repeat(depth) + '{}' + '}'.repeat(depth))
    const jsonBody = fc.oneof(
      fc.json({ maxDepth: 4 }),
      deepJson,
      fc.string({ maxLength: 30 }).map((name) => JSON.stringify({ server: { name, imageRef: cloud.baseImages[0]?.id, flavorRef: cloud.flavorIds[0], adminPass: `Adm1n-${name.length}-${token.slice(0, 6)}x` } })),
      fc.constant(JSON.stringify({ auth: { passwordCredentials: { username: cloud.credentials.username, password: cloud.credentials.password } }, note: token })),
      fc.constantFrom('{"reboot": {', '{"a":1,"a":2}', '[1e999999]', '{"n": 12345678901234567890123}', `{"${'k'.repeat(100_000)}": 1}`),
    )
    const xmlBody = fc.oneof(
      fc.constantFrom(ENTITY_XML, EXTERNAL_ENTITY_XML, DEEP_XML),
      fc.integer({ min: 100, max: 3000 }).map((depth) => '<a>'.repeat(depth) + '</a>'.repeat(depth)),
      fc.integer({ min: 1000, max: 300_000 }).map((size) => `<server name="${'a'.repeat(size)}" imageRef="x" flavorRef="2"/>`),
      fc.string({ maxLength: 40 }).map((text) => `<server name="${text}" adminPass="${token}"/>`),
      fc.constantFrom('<reboot', '<a><b></a>', '<?xml version="1.0"?>', `<auth><passwordCredentials username="u" password="${cloud.credentials.password}"/></auth>`),
    )
    const body = fc.oneof(fc.constant(null), jsonBody.map((text) => ({ text, type: 'application/json' })), xmlBody.map((text) => ({ text, type: 'application/xml' })))
    let tried = 0
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'), path, query, fc.array(header, { maxLength: 4 }), body, async (method, target, search, headers, payload) => {
        tried += 1
        const sent: Record<string, string> = { 'x-auth-token': token }
        for (const [name, value] of headers) sent[name] = value
        if (payload) sent['content-type'] = payload.type
        const answer = await rawRequest(proxy.url, method, `${target}${search}`, sent, payload?.text ?? '')
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
        expect(answer.status).toBeGreaterThanOrEqual(200)
        expect(answer.status).not.toBe(500)
        // adminPass values, sent in a request or minted by the cloud, are secrets too.
        for (const text of [answer.text, payload?.text ?? '']) {
          const adminPass = /"adminPass"\s*:\s*"([^"]+)"/.exec(text)?.[1]
          if (adminPass) secrets.add(adminPass)
        }
      }),
      { numRuns: 250, seed: 20121009 },
    )
    const healthy = await fetch(`${compute['DFW']}/flavors`, { headers: { 'x-auth-token': token } })
    expect(healthy.status).toBe(200)
    await healthy.arrayBuffer()
    await proxy.close()
    const text = readFileSync(proxy.cassettePath, 'utf8')
    const cassette = await loadCassetteFile(proxy.cassettePath)
    expect(cassette.interactions.length).toBeGreaterThan(tried / 2)
    const leaked = [...secrets].flatMap(forms).filter((form) => text.includes(form))
    expect(leaked).toEqual([])
    expect(text).not.toContain(MARKER.repeat(2))
    console.log(`reliability hostile input: ${tried} generated requests through the proxy (statuses ${[...statuses].sort().map(([status, count]) => `${status}×${count}`).join(' ')}), ${cassette.interactions.length} interactions recorded, ${errors.length} upstream errors, ${secrets.size} seeded secrets, 0 in the cassette`)
  }, 120_000)
})

describe('hostile cassette files and names (property-based)', () => {
  plainTest('truncated and retyped cassettes fail with ERR_CLOUDTAPE_CASSETTE_INVALID naming where, or load and replay without a crash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloudtape-hostile-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    let truncated = 0
    fc.assert(
      fc.property(fc.integer({ min: 0, max: FIXTURE.length - 2 }), (cut) => {
        truncated += 1
        expect(() => parseCassette(FIXTURE.slice(0, cut), 'cut.json')).toThrow(expect.objectContaining({ code: 'ERR_CLOUDTAPE_CASSETTE_INVALID', message: expect.stringContaining('cut.json') }))
      }),
      { numRuns: 300, seed: 1 },
    )
    const original = JSON.parse(FIXTURE) as Record<string, unknown>
    let retyped = 0
    let stillValid = 0
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), (steps, replacement) => {
        retyped += 1
        const copy = structuredClone(original)
        let node: any = copy
        let key: string | number = ''
        let parent: any = null
        for (const step of steps) {
          if (node === null || typeof node !== 'object') break
          const keys: Array<string | number> = Array.isArray(node) ? node.map((_: unknown, i: number) => i) : Object.keys(node)
          if (keys.length === 0) break
          key = keys[step % keys.length] as string | number
          parent = node
          node = node[key]
        }
        if (parent === null) return
        parent[key] = replacement
        try {
          const cassette = parseCassette(JSON.stringify(copy), 'retyped.json')
          stillValid += 1
          const session = createReplaySession(cassette, { warn: () => undefined })
          session.handle({ method: 'GET', url: '/v2/999001/servers/detail', headers: {}, body: null })
        } catch (error) {
          if (!isCloudtapeError(error)) throw error
          expect(error.message.length).toBeGreaterThan(20)
        }
      }),
      { numRuns: 400, seed: 2 },
    )
    await writeFile(join(dir, 'cut.json'), FIXTURE.slice(0, FIXTURE.length >> 1))
    await expect(createReplayServer({ cassette: join(dir, 'cut.json') })).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_INVALID' })
    console.log(`reliability hostile input: ${truncated} truncated cassettes (all refused with the file named), ${retyped} retyped cassettes (${retyped - stillValid} refused, ${stillValid} still valid and replayed without a crash)`)
  })

  plainTest('cassette names never leave their folder: refused with ERR_CLOUDTAPE_CASSETTE_NAME or resolved inside', () => {
    const root = join(tmpdir(), 'cloudtape-names-root')
    const store = createFileCassetteStore(root)
    const part = fc.constantFrom('..', '.', '', 'a', 'servers', '%2e%2e', '..%2f', '\\', 'C:', 'c:\\x', '\0', '~', '/', '//', '....', '.. ', ' ..', 'library', '\u2025', '%00')
    const name = fc.array(part, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('/'))
    const anyName = fc.oneof(name, fc.array(part, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')), fc.string({ maxLength: 12 }))
    let tried = 0
    let refused = 0
    fc.assert(
      fc.property(anyName, (candidate) => {
        tried += 1
        // cassettePath takes an absolute path as it is (a path, not a name): only names must stay inside.
        const resolvers = [() => store.pathOf(candidate), ...(isAbsolute(candidate) ? [] : [() => cassettePath(candidate.replace(/\.json$/i, ''), root)])]
        for (const resolve of resolvers) {
          try {
            const path = resolve()
            const inside = relative(root, path)
            expect(inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside) ? `${JSON.stringify(candidate)} escaped to ${path}` : 'inside').toBe('inside')
          } catch (error) {
            if (!isCloudtapeError(error, 'ERR_CLOUDTAPE_CASSETTE_NAME') && !(isCloudtapeError(error) && /library/i.test(candidate))) throw error
            refused += 1
          }
        }
      }),
      { numRuns: 600, seed: 3 },
    )
    console.log(`reliability hostile input: ${tried} cassette names through the store and the replay resolver, ${refused} refused, 0 escaped their folder`)
  })
})
