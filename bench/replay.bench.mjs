#!/usr/bin/env node
// In-process replay benchmarks (not tests). Run: npm run bench:replay, or after a build
// node --expose-gc bench/replay.bench.mjs [--quick]. The HTTP server is measured across processes
// by replay-server.bench.mjs.
// 1. Lookup cost per request on cassettes of 100 and 100,000 interactions.
// 2. Load time and memory of a 100,000-interaction cassette, against JSON.parse of the same file.
// 3. The nock engine vs a plain nock interceptor with the same body (fetch, 10 concurrent).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createReplaySession, loadCassetteSource, useCassette } from '../dist/replay/index.js'
import { serializeCassette } from '../dist/cassettes/index.js'
import { DFW, TENANT, bigCassette, httpCassette, uuid } from './cassettes.mjs'
import { QUICK, alternate, alternateSync, describeMachine, log, markdownTable, median, nowNs, printSummary, summaryRow } from './harness.mjs'

const LOOKUP_ROUNDS = 7
const LOAD_ROUNDS = QUICK ? 1 : 3
const NOCK_ROUNDS = QUICK ? 2 : 5
const LOAD_SIZE = 100_000

/**
 * A session on a cassette of `size` interactions and a function timing `iterations` lookups on it
 * (ns each). Every request is a new object with new strings, as every engine hands them over:
 * reusing one URL string would skip hashing it, which no real request does. They are built before
 * the clock starts.
 */
function lookupTimer(size) {
  const session = createReplaySession(bigCassette(size), {})
  const urls = Array.from({ length: 100 }, (_, n) => `${DFW}/v2/${TENANT}/servers/${uuid(((n * 7919) % size) + 1)}`)
  const requests = (count) => Array.from({ length: count }, (_, n) => ({ method: 'GET', url: freshString(urls[n % 100]), headers: { accept: freshString('application/json') } }))
  for (const request of requests(20_000)) session.handle(request)
  return (iterations) => {
    const batch = requests(iterations)
    const start = nowNs()
    for (let n = 0; n < iterations; n += 1) session.handle(batch[n])
    return (nowNs() - start) / iterations
  }
}

/** A string equal to `text` but not the same string (its hash not computed yet), as a parser makes one. */
function freshString(text) {
  return Buffer.from(text, 'latin1').toString('latin1')
}

/** `session.handle` on 100 and on 100,000 interactions, 100 distinct servers in turn, alternating rounds. */
function lookupCost() {
  const timers = { 100: lookupTimer(100), 100000: lookupTimer(100_000) }
  const iterations = QUICK ? 50_000 : 200_000
  const runs = alternateSync(['100', '100000'], LOOKUP_ROUNDS, (size) => timers[size](iterations))
  return { small: median(runs['100']), large: median(runs['100000']), runs }
}

/** Cassette load (read, parse, validate) + the session's index, against JSON.parse of the same file. */
async function loadCost(size) {
  const dir = await mkdtemp(join(tmpdir(), 'cloudtape-bench-'))
  const path = join(dir, 'big.json')
  const text = serializeCassette(bigCassette(size))
  await writeFile(path, text)
  const fileMb = Buffer.byteLength(text) / 1024 / 1024
  const measure = async (name) => {
    globalThis.gc?.()
    const before = process.memoryUsage().heapUsed
    const start = nowNs()
    if (name === 'JSON.parse') {
      const parsed = JSON.parse(await readFile(path, 'utf8'))
      const parseMs = (nowNs() - start) / 1e6
      globalThis.gc?.()
      const heapMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024
      void parsed.interactions.length
      return { totalMs: parseMs, heapMb }
    }
    const { cassette } = await loadCassetteSource(path, undefined, 256 * 1024 * 1024)
    const loaded = nowNs()
    const session = createReplaySession(cassette, {})
    const indexed = nowNs()
    globalThis.gc?.()
    const heapMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024
    session.handle({ method: 'GET', url: `${DFW}/v2/${TENANT}/servers/${uuid(1)}`, headers: {} })
    return { loadMs: (loaded - start) / 1e6, indexMs: (indexed - loaded) / 1e6, totalMs: (indexed - start) / 1e6, heapMb }
  }
  const runs = await alternate(['cloudtape', 'JSON.parse'], LOAD_ROUNDS, measure)
  await rm(dir, { recursive: true, force: true })
  const pick = (name, field) => median(runs[name].map((run) => run[field]))
  return { fileMb, loadMs: pick('cloudtape', 'loadMs'), indexMs: pick('cloudtape', 'indexMs'), totalMs: pick('cloudtape', 'totalMs'), heapMb: pick('cloudtape', 'heapMb'), parseMs: pick('JSON.parse', 'totalMs'), parseHeapMb: pick('JSON.parse', 'heapMb') }
}

/** requests/s of native fetch, 10 concurrent, through whatever nock has in place. */
async function drive(url, requests) {
  const start = nowNs()
  let next = 0
  const worker = async () => {
    while (next < requests) {
      next += 1
      const res = await fetch(url)
      await res.arrayBuffer()
    }
  }
  await Promise.all(Array.from({ length: 10 }, worker))
  return requests / ((nowNs() - start) / 1e9)
}

async function inProcess() {
  const { default: nock } = await import('nock')
  nock.disableNetConnect()
  const url = `${DFW}/v2/${TENANT}/servers/detail`
  const cassette = httpCassette()
  const body = JSON.stringify(cassette.interactions[0].response.body.json)
  const requests = QUICK ? 2000 : 5000
  const measure = async (name, requests) => {
    if (name === 'nock engine') {
      const tape = await useCassette(cassette)
      try {
        return await drive(url, requests)
      } finally {
        await tape.close()
      }
    }
    nock(DFW).persist().get(`/v2/${TENANT}/servers/detail`).reply(200, body, { 'content-type': 'application/json' })
    try {
      return await drive(url, requests)
    } finally {
      nock.cleanAll()
    }
  }
  // One short untimed run of each first, so neither side pays the JIT's warm-up in round 1.
  for (const name of ['nock engine', 'plain nock']) await measure(name, 1000)
  const runs = await alternate(['nock engine', 'plain nock'], NOCK_ROUNDS, (name) => measure(name, requests))
  return { engine: median(runs['nock engine']), plain: median(runs['plain nock']), runs }
}

const fixed = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const roundsOf = (values, format) => values.map(format).join(' ')

console.log(`## Replay, in process\n\n${describeMachine()}\n`)
log('replay: lookup cost')
const lookup = lookupCost()
log('replay: load time')
const load = await loadCost(LOAD_SIZE)
log('replay: nock engine vs plain nock')
const nockRuns = await inProcess()
console.log(
  markdownTable(
    ['measure', 'cloudtape', 'baseline', 'rounds (cloudtape / baseline)'],
    [
      [`lookup per request, 100,000 vs 100 interactions (median of ${LOOKUP_ROUNDS} alternating rounds)`, `${fixed(lookup.large / 1e3, 3)} µs`, `${fixed(lookup.small / 1e3, 3)} µs`, `${roundsOf(lookup.runs['100000'], (v) => fixed(v / 1e3, 3))} / ${roundsOf(lookup.runs['100'], (v) => fixed(v / 1e3, 3))}`],
      [`load ${fixed(LOAD_SIZE)} interactions (${fixed(load.fileMb)} MB), load + index vs JSON.parse (median of ${LOAD_ROUNDS})`, `${fixed(load.loadMs)} + ${fixed(load.indexMs)} = ${fixed(load.totalMs)} ms, heap +${fixed(load.heapMb)} MB`, `${fixed(load.parseMs)} ms, heap +${fixed(load.parseHeapMb)} MB`, ''],
      [`fetch through nock, 10 concurrent, req/s (median of ${NOCK_ROUNDS} alternating rounds)`, fixed(nockRuns.engine), fixed(nockRuns.plain), `${roundsOf(nockRuns.runs['nock engine'], (v) => fixed(v))} / ${roundsOf(nockRuns.runs['plain nock'], (v) => fixed(v))}`],
    ],
  ),
)
console.log('')
const lookupRatio = lookup.large / lookup.small
printSummary([
  summaryRow({ benchmark: 'replay lookup', measure: 'per-request cost, 100,000 vs 100 interactions', value: lookup.large / 1e3, baseline: lookup.small / 1e3, unit: 'µs', target: 'within 10%', met: Math.abs(lookupRatio - 1) <= 0.1 }),
  summaryRow({ benchmark: 'replay load', measure: `load + index of ${fixed(LOAD_SIZE)} interactions vs JSON.parse of the file`, value: load.totalMs, baseline: load.parseMs, unit: 'ms', target: '< 2,000 ms', met: load.totalMs < 2000, note: `heap +${fixed(load.heapMb)} MB for a ${fixed(load.fileMb)} MB file` }),
  summaryRow({ benchmark: 'in-process replay', measure: 'nock engine vs a plain nock interceptor (req/s)', value: nockRuns.engine, baseline: nockRuns.plain, unit: '/s', target: '≥ 0.7×', met: nockRuns.engine / nockRuns.plain >= 0.7 }),
])
