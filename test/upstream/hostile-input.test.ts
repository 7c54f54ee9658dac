import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { compute, computeJson, createServer, startTestCloud } from '../helpers/fake-cloud.js'

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const
const SEGMENTS = ['servers', 'detail', 'images', 'flavors', 'metadata', 'action', 'ips', 'limits', 'extensions', '..', '%2e%2e', '%zz', '.xml', 'x'.repeat(300)]

const jsonish = fc.oneof(
  fc.json(),
  fc.string(),
  fc.constantFrom('{"server": {"name": 1, "imageRef": [], "flavorRef": {}}}', '{"reboot": {"type": null}}', '{"metadata": null}', '{"meta": {"": ""}}', 'null', '[]'),
)

const xmlish = fc.oneof(
  fc.string().map((text) => `<server name="${text}"/>`),
  fc.constantFrom('<server><metadata><meta/></metadata></server>', '<reboot', '<a><b></a>', '<?xml version="1.0"?><metadata/>', '<meta key="k"/>', '<server><personality><file/></personality></server>'),
)

describe('hostile input', () => {
  test('answers every generated request with a documented fault or success, never a 500, and keeps serving', async () => {
    const { cloud } = await startTestCloud({ buildPolls: 0 })
    const { id } = await createServer(cloud, 'DFW')
    let tried = 0
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...METHODS),
        fc.array(fc.oneof(fc.constantFrom(...SEGMENTS, id), fc.webSegment()), { maxLength: 5 }),
        fc.oneof(jsonish.map((body) => ({ body, type: 'application/json' })), xmlish.map((body) => ({ body, type: 'application/xml' }))),
        async (method, segments, { body, type }) => {
          tried += 1
          const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH'
          const response = await compute(cloud, 'DFW', `/${segments.join('/')}`, { method, ...(withBody ? { body, contentType: type } : {}) })
          await response.arrayBuffer()
          expect(response.status === 500 ? `${method} /${segments.join('/')} ${body}` : 'ok').toBe('ok')
        },
      ),
      { numRuns: 300, seed: 20121010 },
    )
    console.log(`hostile input: ${tried} requests tried`)
    expect((await computeJson(cloud, 'DFW', `/servers/${id}`)).status).toBe(200)
    // fast-check builds its Unicode tables on the first generation: seconds on a busy machine.
  }, 60_000)

  test('answers deep JSON nesting and a long XML attribute with a fault, not a crash', async () => {
    const { cloud } = await startTestCloud()
    const deep = '{"server":'.repeat(5000) + '{}' + '}'.repeat(5000)
    expect((await compute(cloud, 'DFW', '/servers', { body: deep })).status).toBe(400)
    const longAttribute = `<server name="${'a'.repeat(200_000)}" imageRef="x" flavorRef="2"/>`
    expect((await compute(cloud, 'DFW', '/servers', { body: longAttribute, contentType: 'application/xml' })).status).toBe(400)
    expect((await compute(cloud, 'DFW', '/flavors')).status).toBe(200)
  })
})
