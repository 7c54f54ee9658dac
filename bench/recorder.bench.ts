import { randomUUID } from 'node:crypto'
import { bench, describe } from 'vitest'
import { createFakeClock } from '../cassettes/clock.js'
import { createCassetteRecorder, type RawExchange } from '../cassettes/recorder.js'
import { CREATE_SERVER_REQUEST_2_9, REBUILD_JSON_RESPONSE_2_33 } from '../test/cassettes/fixtures/seed-examples.js'

/**
 * `npx vitest bench bench/recorder.bench.ts`: how many exchanges per second one recorder
 * normalizes and redacts. The proxy calls `record` once per exchange, on its request path.
 */
function createServer(serverId: string): RawExchange {
  const response = { server: { ...REBUILD_JSON_RESPONSE_2_33.server, id: serverId, status: 'BUILD', adminPass: 'GFf1j9aPxx' } }
  return {
    request: {
      method: 'POST',
      url: 'https://dfw.servers.api.rackspacecloud.com/v2/010101/servers',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-auth-token': '858fb4c2-bf15-4dac-917d-8ec750ae9baa', 'user-agent': 'bench' },
      body: Buffer.from(JSON.stringify(CREATE_SERVER_REQUEST_2_9)),
    },
    response: {
      status: 202,
      headers: {
        'content-type': 'application/json',
        location: `https://dfw.servers.api.rackspacecloud.com/v2/010101/servers/${serverId}`,
        date: 'Mon, 23 Jul 2012 20:24:48 GMT',
        'x-compute-request-id': `req-${randomUUID()}`,
      },
      body: Buffer.from(JSON.stringify(response)),
    },
  }
}

describe('recorder throughput (servers.create, ~3 KB of JSON per exchange)', () => {
  const same = createCassetteRecorder({ name: 'bench', clock: createFakeClock(0) })
  const exchange = createServer('32406068-8539-40ab-bdd3-8140d30823ad')
  bench('the same server id every time', () => {
    same.record(exchange)
  })

  const fresh = createCassetteRecorder({ name: 'bench', clock: createFakeClock(0) })
  const exchanges = Array.from({ length: 10_000 }, () => createServer(randomUUID()))
  let next = 0
  bench('a new server id every time (the id map grows)', () => {
    fresh.record(exchanges[next % exchanges.length] as RawExchange)
    next += 1
  })
})
