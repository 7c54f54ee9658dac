// Replay benchmarks (not tests). Run: npm run bench:replay (or node --expose-gc bench/replay.bench.mjs [--quick] after a build)
// 1. HTTP: the replay server vs a bare node:http server sending the same bytes (servers.listDetail, servers.create),
//    alternating rounds, 10 keep-alive connections (autocannon).
// 2. Lookup cost per request on cassettes of 100 and 100,000 interactions.
// 3. Load time and memory of a 100,000-interaction cassette.
// 4. In process: the nock engine vs a plain nock interceptor with the same body.
import { createServer } from 'node:http'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { createReplayServer, createReplaySession, loadCassetteSource, useCassette } from '../dist/replay/index.js'
import { serializeCassette } from '../dist/cassettes/index.js'

const QUICK = process.argv.includes('--quick')
const ROUNDS = QUICK ? 2 : 3
const SECONDS = QUICK ? 3 : 5
const TENANT = '999001'
const DFW = 'https://host-2.example.com'
const uuid = (n) => `ca55e77e-0000-4000-8000-${String(n).padStart(12, '0')}`

function interaction(id, { method, path, body = null, status, response, params = {}, operation }) {
  return {
    id, operation, documented: true, params: { tenant_id: TENANT, ...params }, occurrence: 0, dialect: 'rackspace', format: 'json',
    request: { method, origin: DFW, path, query: [], headers: body ? { 'content-type': 'application/json' } : {}, body: body ? { kind: 'json', json: body } : null },
    response: { status, headers: { 'content-type': 'application/json' }, body: response === null ? null : { kind: 'json', json: response } },
  }
}

function serverDetail(n) {
  return {
    id: uuid(n), name: `web${n}`, status: 'ACTIVE', progress: 100, hostId: 'e4d909c290d0fb1ca068ffaddf22cbd0', tenant_id: TENANT, user_id: '99990002',
    image: { id: uuid(9000), links: [{ href: `${DFW}/${TENANT}/images/${uuid(9000)}`, rel: 'bookmark' }] },
    flavor: { id: '2', links: [{ href: `${DFW}/${TENANT}/flavors/2`, rel: 'bookmark' }] },
    addresses: { public: [{ addr: `198.51.100.${n % 250}`, version: 4 }], private: [{ addr: `10.176.42.${n % 250}`, version: 4 }] },
    metadata: { 'My Server Name': `web${n}` }, created: '2011-06-09T10:51:53Z', updated: '2011-06-09T10:55:10Z',
    links: [{ href: `${DFW}/v2/${TENANT}/servers/${uuid(n)}`, rel: 'self' }, { href: `${DFW}/${TENANT}/servers/${uuid(n)}`, rel: 'bookmark' }],
  }
}

const CREATE_BODY = { server: { name: 'web1', imageRef: uuid(9000), flavorRef: '2', metadata: { 'My Server Name': 'web1' } } }

function httpCassette() {
  return {
    version: 1, name: 'bench/http', dialect: 'rackspace', recordedAt: '2011-06-09T10:51:53Z',
    interactions: [
      interaction(1, { method: 'GET', path: `/v2/${TENANT}/servers/detail`, status: 200, operation: 'servers.listDetail', response: { servers: Array.from({ length: 10 }, (_, n) => serverDetail(n + 1)) } }),
      interaction(2, { method: 'POST', path: `/v2/${TENANT}/servers`, status: 202, operation: 'servers.create', body: CREATE_BODY, response: { server: { id: uuid(1), adminPass: 'REDACTED-adminPass-1', links: serverDetail(1).links } } }),
    ],
  }
}

/** N servers.get polls on distinct servers (id, status, progress), each answered once: under core's 64 MiB file cap at 100,000. */
function bigCassette(size) {
  const interactions = Array.from({ length: size }, (_, n) =>
    interaction(n + 1, {
      method: 'GET', path: `/v2/${TENANT}/servers/${uuid(n + 1)}`, status: 200, operation: 'servers.get', params: { server_id: uuid(n + 1) },
      response: { server: { id: uuid(n + 1), status: 'ACTIVE', progress: 100 } },
    }),
  )
  return { version: 1, name: `bench/${size}`, dialect: 'rackspace', recordedAt: '2011-06-09T10:51:53Z', interactions }
}

async function bareServer(answer) {
  const headers = { ...answer.headers, 'content-length': answer.body.length }
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(answer.status, headers)
      res.end(answer.body)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => (server.closeAllConnections(), new Promise((r) => server.close(r))) }
}

async function capture(url, init) {
  const res = await fetch(url, init)
  const headers = {}
  res.headers.forEach((value, name) => {
    if (!['content-length', 'date', 'connection', 'keep-alive'].includes(name)) headers[name] = value
  })
  return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) }
}

function cannon(url, init) {
  return autocannon({ url, connections: 10, pipelining: 1, duration: SECONDS, method: init.method ?? 'GET', headers: init.headers ?? {}, body: init.body })
}

async function compareHttp(label, path, init) {
  const replay = await createReplayServer({ cassette: httpCassette(), warn: () => {} })
  const target = `${replay.url}/_upstream/https/host-2.example.com${path}`
  const answer = await capture(target, init)
  const bare = await bareServer(answer)
  const runs = { replay: [], bare: [] }
  for (let round = 0; round < ROUNDS; round += 1) {
    runs.replay.push(await cannon(target, init))
    runs.bare.push(await cannon(`${bare.url}${path}`, init))
  }
  await replay.close()
  await bare.close()
  const summary = (results) => ({
    rps: mean(results.map((r) => r.requests.average)),
    p50: mean(results.map((r) => r.latency.p50)),
    p99: mean(results.map((r) => r.latency.p99)),
    errors: results.reduce((n, r) => n + r.errors + r.non2xx, 0),
  })
  const r = summary(runs.replay)
  const b = summary(runs.bare)
  return { label, bytes: answer.body.length, replay: r, bare: b, ratio: r.rps / b.rps }
}

function mean(values) {
  return values.reduce((a, b) => a + b, 0) / values.length
}

/** A session on a cassette of `size` interactions and a function timing `iterations` lookups on it (ns each). */
function lookupTimer(size) {
  const session = createReplaySession(bigCassette(size), {})
  const requests = Array.from({ length: 100 }, (_, n) => ({ method: 'GET', url: `${DFW}/v2/${TENANT}/servers/${uuid(((n * 7919) % size) + 1)}`, headers: { accept: 'application/json' } }))
  for (let n = 0; n < 20_000; n += 1) session.handle(requests[n % 100])
  return (iterations) => {
    const start = process.hrtime.bigint()
    for (let n = 0; n < iterations; n += 1) session.handle(requests[n % 100])
    return Number(process.hrtime.bigint() - start) / iterations
  }
}

/** Small and large alternate, seven rounds each; the medians are compared (the machine is shared). */
function lookupCost() {
  const small = lookupTimer(100)
  const large = lookupTimer(100_000)
  const iterations = QUICK ? 50_000 : 200_000
  const times = { small: [], large: [] }
  for (let round = 0; round < 7; round += 1) {
    times.small.push(small(iterations))
    times.large.push(large(iterations))
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  return { small: median(times.small), large: median(times.large) }
}

async function loadCost(size) {
  const dir = await mkdtemp(join(tmpdir(), 'cloudtape-bench-'))
  const path = join(dir, 'big.json')
  await writeFile(path, serializeCassette(bigCassette(size)))
  globalThis.gc?.()
  const parseStart = process.hrtime.bigint()
  JSON.parse(await readFile(path, 'utf8'))
  const parseOnlyMs = Number(process.hrtime.bigint() - parseStart) / 1e6
  globalThis.gc?.()
  const before = process.memoryUsage().heapUsed
  const start = process.hrtime.bigint()
  const { cassette } = await loadCassetteSource(path, undefined, 256 * 1024 * 1024)
  const loaded = process.hrtime.bigint()
  const session = createReplaySession(cassette, {})
  const indexed = process.hrtime.bigint()
  globalThis.gc?.()
  const heapMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024
  session.handle({ method: 'GET', url: `${DFW}/v2/${TENANT}/servers/${uuid(1)}`, headers: {} })
  const fileMb = Buffer.byteLength(JSON.stringify(cassette)) / 1024 / 1024
  await rm(dir, { recursive: true, force: true })
  return { parseOnlyMs, parseMs: Number(loaded - start) / 1e6, indexMs: Number(indexed - loaded) / 1e6, heapMb, fileMb }
}

async function inProcess() {
  const { default: nock } = await import('nock')
  nock.disableNetConnect()
  const url = `${DFW}/v2/${TENANT}/servers/detail`
  const cassette = httpCassette()
  const body = JSON.stringify(cassette.interactions[0].response.body.json)
  const requests = QUICK ? 3000 : 10_000
  const drive = async () => {
    const start = process.hrtime.bigint()
    let next = 0
    const worker = async () => {
      while (next < requests) {
        next += 1
        const res = await fetch(url)
        await res.arrayBuffer()
      }
    }
    await Promise.all(Array.from({ length: 10 }, worker))
    return requests / (Number(process.hrtime.bigint() - start) / 1e9)
  }
  const runs = { engine: [], plain: [] }
  for (let round = 0; round < ROUNDS; round += 1) {
    const tape = await useCassette(cassette)
    runs.engine.push(await drive())
    await tape.close()
    const scope = nock(DFW).persist().get(`/v2/${TENANT}/servers/detail`).reply(200, body, { 'content-type': 'application/json' })
    runs.plain.push(await drive())
    nock.cleanAll()
    void scope
  }
  return { engine: mean(runs.engine), plain: mean(runs.plain), ratio: mean(runs.engine) / mean(runs.plain) }
}

const fixed = (n, digits = 0) => n.toFixed(digits)
const print = (line) => console.log(line)
print(`node ${process.version}, ${ROUNDS} alternating rounds of ${SECONDS} s, 10 keep-alive connections; load average ${loadavg().map((n) => n.toFixed(1)).join(' ')}`)
for (const [label, path, init] of [
  ['servers.listDetail (GET)', `/v2/${TENANT}/servers/detail`, {}],
  ['servers.create (POST)', `/v2/${TENANT}/servers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CREATE_BODY) }],
]) {
  const r = await compareHttp(label, path, init)
  print(
    `${label}, ${r.bytes} B: replay ${fixed(r.replay.rps)} req/s (p50 ${r.replay.p50} ms, p99 ${r.replay.p99} ms), bare ${fixed(r.bare.rps)} req/s (p50 ${r.bare.p50} ms, p99 ${r.bare.p99} ms): ${fixed(r.ratio, 2)}x; errors ${r.replay.errors + r.bare.errors}`,
  )
}
const { small, large } = lookupCost()
print(`lookup per request (session.handle, servers.get, median of 7 alternating rounds): 100 interactions ${fixed(small * 1e-3, 2)} µs, 100,000 interactions ${fixed(large * 1e-3, 2)} µs: ${fixed(large / small, 2)}x`)
const load = await loadCost(100_000)
print(`100,000-interaction cassette (${fixed(load.fileMb)} MB JSON): load ${fixed(load.parseMs)} ms + index ${fixed(load.indexMs)} ms = ${fixed(load.parseMs + load.indexMs)} ms, heap +${fixed(load.heapMb)} MB (JSON.parse alone of the same file: ${fixed(load.parseOnlyMs)} ms)`)
const inproc = await inProcess()
print(`in process (fetch, 10 concurrent): nock engine ${fixed(inproc.engine)} req/s, plain nock interceptor ${fixed(inproc.plain)} req/s: ${fixed(inproc.ratio, 2)}x`)
