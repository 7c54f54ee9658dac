import { Ajv } from 'ajv'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { CASSETTE_SCHEMA } from '../../cassettes/cassette-format.js'
import { hasPlainCassetteShape } from '../../cassettes/cassette-shape.js'
import { createFakeClock } from '../../cassettes/clock.js'
import { createCassetteRecorder } from '../../cassettes/recorder.js'
import { exchange } from '../helpers/exchange.js'

const schemaAccepts = new Ajv({ strict: true, allowUnionTypes: true }).compile(CASSETTE_SCHEMA)

/** A recorded cassette (JSON, XML, text and binary bodies, a query, a 204) as plain JSON data. */
function recordedCassette(): unknown {
  const recorder = createCassetteRecorder({ name: 'shape', clock: createFakeClock('2012-07-26T16:09:16Z') })
  const dfw = 'https://dfw.servers.api.rackspacecloud.com/v2/123456'
  recorder.record(exchange({ url: `${dfw}/servers?limit=2`, requestHeaders: { 'x-auth-token': 'tok-1234567890' }, responseBody: { servers: [{ id: '858fb4c2-bf15-4dac-917d-8ec750ae9baa', name: 'a' }] } }))
  recorder.record(exchange({ method: 'POST', url: `${dfw}/servers/858fb4c2-bf15-4dac-917d-8ec750ae9baa/action`, requestBody: '<reboot xmlns="http://docs.openstack.org/compute/api/v1.1" type="SOFT"/>', status: 202, responseBody: 'accepted' }))
  recorder.record(exchange({ method: 'DELETE', url: `${dfw}/servers/858fb4c2-bf15-4dac-917d-8ec750ae9baa`, status: 204, responseBody: Buffer.from([0, 159, 146, 150]) }))
  return JSON.parse(JSON.stringify(recorder.cassette()))
}

type Path = ReadonlyArray<string | number>

function paths(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  const children = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value)
  return [prefix, ...children.flatMap(([key, child]) => paths(child, [...prefix, key]))]
}

/** A copy of `root` with the value at `path` replaced (undefined: deleted), or a key added when `extraKey` is given. */
function mutate(root: unknown, path: Path, replacement: unknown, extraKey?: string): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>
  if (path.length === 0) return replacement
  let parent = copy
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
  const last = path.at(-1) as string | number
  if (extraKey !== undefined && typeof parent[last] === 'object' && parent[last] !== null) (parent[last] as Record<string, unknown>)[extraKey] = replacement
  else if (replacement === undefined && !Array.isArray(parent)) delete parent[last]
  else parent[last] = replacement
  return copy
}

describe('hasPlainCassetteShape (the fast path before the schema validator)', () => {
  test('accepts what the recorder writes, so large cassettes skip the schema validator', () => {
    const cassette = recordedCassette()
    expect(schemaAccepts(cassette)).toBe(true)
    expect(hasPlainCassetteShape(cassette)).toBe(true)
  })

  test('never accepts a cassette the schema rejects, whatever is changed, removed or added', () => {
    const cassette = recordedCassette()
    const all = paths(cassette)
    const values = fc.oneof(fc.jsonValue(), fc.constantFrom(undefined, null, '', 'json', 'xml', 'base64', 'GET', 'get', '/x', 'x', 0, 1, 99, 1000, 1.5, -1, [], {}, ['a'], ['a', 'b', 'c'], { kind: 'json' }, { kind: 'text' }))
    fc.assert(
      fc.property(fc.constantFrom(...all), values, fc.option(fc.constantFrom('extra', 'meta', 'timing', 'transportFault', 'truncated', '__proto__', 'Bad Header', 'json', 'text'), { nil: undefined }), (path, replacement, extraKey) => {
        const changed = mutate(cassette, path, replacement, extraKey)
        if (hasPlainCassetteShape(changed)) expect(schemaAccepts(changed)).toBe(true)
      }),
      { numRuns: 3000, seed: 7 },
    )
  })
})
