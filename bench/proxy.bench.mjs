#!/usr/bin/env node
// Client-side latency and throughput (a) direct to an upstream, (b) through a bare http-proxy,
// (c) through cloudtape recording, and (d) through cloudtape in passthrough mode (the proxy's own
// cost without the core's normalization and the cassette writes); then memory over a long run of
// each cloudtape mode. Run with `npm run bench:proxy`
// (it builds first). The load generator (autocannon), the upstream and the proxies run in three
// processes so that none of them steals the others' event loop.
//
//   node bench/proxy.bench.mjs [--rounds 5] [--seconds 3] [--memory-requests 100000]
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import http from 'node:http'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { cannon, log, percentile, summaryRow } from './harness.mjs'
import { javaVersion, startMountebank, startTalkback, startWireMock } from './peers.mjs'

const { values: args } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' },
    'latency-requests': { type: 'string', default: '3000' },
    'memory-requests': { type: 'string', default: '100000' },
    upstream: { type: 'string' },
    cassette: { type: 'string' },
    without: { type: 'string', default: '' },
  },
})

if (args.role === 'upstream') await runUpstream()
else if (args.role === 'proxies') await runProxies()
else await runMain()

// ---- upstream: a Cloud Servers-like endpoint with realistic bodies that carry absolute links ----

async function runUpstream() {
  let origin = ''
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v2.0/tokens') return json(res, tokenBody(origin))
      const id = (req.url ?? '').split('/').at(-1) ?? 'x'
      return json(res, serverBody(origin, id))
    })
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  origin = `http://127.0.0.1:${server.address().port}`
  process.send?.({ ready: origin })
}

function json(res, body) {
  const bytes = Buffer.from(JSON.stringify(body))
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length })
  res.end(bytes)
}

function tokenBody(origin) {
  return { access: { token: { id: 'tok-bench', tenant: { id: '010101', name: '010101' } }, serviceCatalog: [{ name: 'cloudServersOpenStack', type: 'compute', endpoints: [{ publicURL: `${origin}/v2/010101`, region: 'DFW', tenantId: '010101', versionInfo: `${origin}/v2`, versionList: `${origin}/` }] }] } }
}

function serverBody(origin, id) {
  return {
    server: {
      id, name: 'bench-server', status: 'ACTIVE', progress: 100, tenant_id: '010101', user_id: '170454',
      hostId: 'e4d909c290d0fb1ca068ffaddf22cbd0', created: '2012-08-16T18:41:43Z', updated: '2012-08-16T18:50:38Z',
      accessIPv4: '198.61.236.10', accessIPv6: '2001:4800:780e:0510:d87b:9cbc:ff04:513a',
      addresses: { public: [{ addr: '198.61.236.10', version: 4 }, { addr: '2001:4800:780e:0510:d87b:9cbc:ff04:513a', version: 6 }], private: [{ addr: '10.180.3.185', version: 4 }] },
      flavor: { id: '2', links: [{ href: `${origin}/010101/flavors/2`, rel: 'bookmark' }] },
      image: { id: '3afe97b2-26dc-49c5-a2cc-a2fc8d80c001', links: [{ href: `${origin}/010101/images/3afe97b2-26dc-49c5-a2cc-a2fc8d80c001`, rel: 'bookmark' }] },
      links: [{ href: `${origin}/v2/010101/servers/${id}`, rel: 'self' }, { href: `${origin}/010101/servers/${id}`, rel: 'bookmark' }],
      metadata: { 'My Server Name': 'Apache1' },
    },
  }
}

// ---- proxies: a bare http-proxy and cloudtape, both with keep-alive agents to the upstream ----

async function runProxies() {
  const { default: HttpProxy } = await import('http-proxy')
  const { createRecordingProxy } = await import('../dist/proxy/index.js')
  const agent = new http.Agent({ keepAlive: true })
  const bare = HttpProxy.createProxyServer({ target: args.upstream, agent, changeOrigin: true })
  bare.on('error', (_error, _req, res) => res.writeHead?.(502).end())
  const bareServer = http.createServer((req, res) => bare.web(req, res))
  bareServer.keepAliveTimeout = 60_000
  bareServer.listen(0, '127.0.0.1')
  await once(bareServer, 'listening')
  const targets = [`${args.upstream}/v2.0`]
  const recording = await createRecordingProxy({ targets, cassette: args.cassette, mode: 'record' })
  const passthrough = await createRecordingProxy({ targets, cassette: `${args.cassette}.unused`, mode: 'passthrough' })
  // Peer: talkback in record mode (every request forwarded, its tape written), in this process too.
  const talkback = await startTalkback({ upstream: args.upstream, tapes: `${args.cassette}.tapes`, record: 'OVERWRITE' })
  process.on('message', (message) => {
    if (message === 'memory') {
      globalThis.gc?.()
      process.send?.({ memory: process.memoryUsage(), interactions: recording.summary().interactions })
    }
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() })
    if (message === 'close') void Promise.all([recording.close(), passthrough.close(), talkback.close()]).then(() => process.exit(0))
  })
  process.send?.({ ready: { bare: `http://127.0.0.1:${bareServer.address().port}`, record: recording.url, passthrough: passthrough.url, talkback: talkback.url } })
}

// ---- main: the load generator and the report ----

async function runMain() {
  const dir = await mkdtemp(join(tmpdir(), 'cloudtape-bench-'))
  const upstream = await start('upstream', [])
  const proxies = await start('proxies', ['--upstream', upstream.ready, '--cassette', join(dir, 'bench.json')])
  const urls = { direct: upstream.ready, 'http-proxy': proxies.ready.bare, 'cloudtape record': proxies.ready.record, 'cloudtape passthrough': proxies.ready.passthrough, 'talkback record': proxies.ready.talkback }
  const peers = await startPeers(upstream.ready, dir)
  Object.assign(urls, peers.urls)
  const inProxiesProcess = new Set(['http-proxy', 'cloudtape record', 'cloudtape passthrough', 'talkback record'])
  // The client authenticates once through cloudtape, as a real session starts.
  for (const url of [urls['cloudtape record'], urls['cloudtape passthrough']]) {
    await fetch(`${url}/v2.0/tokens`, { method: 'POST', body: '{"auth":{}}', headers: { 'content-type': 'application/json' } }).then((r) => r.arrayBuffer())
  }
  const path = '/v2/010101/servers/ef079b0c-e610-4dfb-b1aa-b49f07ac48e5'
  const rounds = Number(args.rounds)
  const results = Object.fromEntries(Object.keys(urls).map((name) => [name, []]))
  const names = Object.keys(urls)
  for (let round = 0; round < rounds; round += 1) {
    const order = names.map((_, i) => names[(i + round) % names.length])
    for (const name of order) results[name].push(await measure(urls[name] + path, inProxiesProcess.has(name) ? proxies.child : null))
    log(`round ${round + 1}/${rounds}: ` + order.map((name) => `${name} p50 ${fmt(results[name].at(-1).p50)} ms ${Math.round(results[name].at(-1).rps)} req/s`).join(', '))
  }
  const memory = {
    passthrough: await measureMemory(proxies.child, urls['cloudtape passthrough'] + path, Number(args['memory-requests'])),
    record: await measureMemory(proxies.child, urls['cloudtape record'] + path, Number(args['memory-requests'])),
  }
  report(results, memory, peers.skipped)
  proxies.child.send('close')
  await once(proxies.child, 'exit')
  await Promise.all(peers.closers.map((close) => close()))
  upstream.child.kill()
  await rm(dir, { recursive: true, force: true })
}

/**
 * Peers recording what they forward, in processes of their own: mountebank (an imposter in
 * proxyAlways mode) and WireMock proxying (its request journal off). talkback runs in the proxies
 * process. A peer that cannot start here is left out, with the reason in the report.
 */
async function startPeers(upstream, dir) {
  const without = new Set(args.without.split(',').filter(Boolean))
  const urls = {}
  const skipped = {}
  const closers = []
  if (without.has('mountebank')) skipped.mountebank = 'left out with --without'
  else {
    try {
      const mb = await startMountebank({ dir })
      closers.push(mb.close)
      urls['mountebank proxyAlways'] = await mb.imposter([{ responses: [{ proxy: { to: upstream, mode: 'proxyAlways', predicateGenerators: [{ matches: { method: true, path: true } }] } }] }])
    } catch (error) {
      skipped.mountebank = error.message
    }
  }
  if (without.has('wiremock')) skipped.wiremock = 'left out with --without'
  else if (!(await javaVersion())) skipped.wiremock = 'no java on the PATH (WireMock needs Java 11 or later)'
  else {
    try {
      const wiremock = await startWireMock()
      closers.push(wiremock.close)
      await wiremock.mapping({ request: { method: 'ANY', urlPattern: '.*' }, response: { proxyBaseUrl: upstream } })
      urls['wiremock proxy'] = wiremock.url
    } catch (error) {
      skipped.wiremock = error.message
    }
  }
  return { urls, skipped, closers }
}

async function start(role, extra) {
  const profile = process.env.BENCH_CPU_PROFILE && role === 'proxies' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : []
  const child = fork(new URL(import.meta.url).pathname, ['--role', role, ...extra], { execArgv: ['--expose-gc', ...profile] })
  const [message] = await once(child, 'message')
  return { child, ready: message.ready }
}

/**
 * Latency with one sequential client (no queueing), then throughput with many connections, and
 * the proxy process's CPU time per request over that run (robust to other load on the machine).
 */
async function measure(url, proxyChild) {
  await cannon({ url, connections: 4, amount: 500 })
  const latency = await cannon({ url, connections: 1, amount: Number(args['latency-requests']) }, { samples: true })
  const cpuBefore = proxyChild ? await cpuOf(proxyChild) : null
  const load = await cannon({ url, connections: Number(args.connections), duration: Number(args.seconds) })
  const cpuAfter = proxyChild ? await cpuOf(proxyChild) : null
  const requests = load.result.requests.total
  const cpuUs = cpuBefore && cpuAfter ? (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / requests : NaN
  return { p50: percentile(latency.samples, 0.5), p99: percentile(latency.samples, 0.99), rps: requests / Number(args.seconds), cpuUs, errors: load.result.errors + load.result.non2xx }
}

async function cpuOf(child) {
  child.send('cpu')
  const [message] = await once(child, 'message')
  return message.cpu
}

async function measureMemory(child, url, total) {
  const samples = [await sampleMemory(child, 0)]
  const step = Math.max(1, Math.floor(total / 10))
  for (let done = 0; done < total; done += step) {
    await cannon({ url, connections: Number(args.connections), amount: Math.min(step, total - done) })
    samples.push(await sampleMemory(child, Math.min(done + step, total)))
    log(`memory: ${samples.at(-1).requests} requests, heap ${mb(samples.at(-1).heapUsed)} MB, rss ${mb(samples.at(-1).rss)} MB, ${samples.at(-1).interactions} interactions`)
  }
  return samples
}

async function sampleMemory(child, requests) {
  child.send('memory')
  const [message] = await once(child, 'message')
  return { requests, heapUsed: message.memory.heapUsed, rss: message.memory.rss, interactions: message.interactions }
}

function report(results, memory, skipped) {
  const median = (values) => percentile(values, 0.5)
  const stat = (key) => Object.fromEntries(Object.entries(results).map(([name, runs]) => [name, median(runs.map((run) => run[key]))]))
  const p50 = stat('p50')
  const rps = stat('rps')
  const cpu = stat('cpuUs')
  const added = (name) => p50[name] - p50.direct
  const errors = Object.values(results).flat().reduce((sum, run) => sum + run.errors, 0)
  const row = (name) => `| ${name} | ${fmt(p50[name])} | ${name === 'direct' ? '-' : fmt(added(name))} | ${Math.round(rps[name])} | ${Number.isNaN(cpu[name]) ? '-' : Math.round(cpu[name])} |`
  const verdict = (name) => {
    const latency = added(name) / added('http-proxy')
    const throughput = rps[name] / rps['http-proxy']
    return [
      `${name}: added p50 ${latency.toFixed(2)}x http-proxy's (target <= 1.5x: ${latency <= 1.5 ? 'met' : 'NOT met'}), ` +
        `throughput ${(throughput * 100).toFixed(0)}% of http-proxy's (target >= 70%: ${throughput >= 0.7 ? 'met' : 'NOT met'}), ` +
        `proxy CPU per request ${(cpu[name] / cpu['http-proxy']).toFixed(2)}x`,
    ]
  }
  const lines = [
    `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, load average before: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    `rounds: ${args.rounds} (alternating order), latency: ${args['latency-requests']} sequential requests, throughput: ${args.connections} connections x ${args.seconds} s; medians over rounds`,
    '',
    '| variant | p50 latency (ms) | added p50 (ms) | throughput (req/s) | proxy CPU per request (µs) |',
    '|---|---|---|---|---|',
    ...Object.keys(results).map(row),
    '',
    ...verdict('cloudtape record'),
    ...verdict('cloudtape passthrough'),
    `errors and non-2xx answers: ${errors}`,
    ...Object.entries(skipped).map(([name, why]) => `${name} not run: ${why}`),
    '',
    ...Object.entries(memory).flatMap(([mode, samples]) => [
      `memory over ${args['memory-requests']} requests through cloudtape ${mode}, after gc:`,
      ...samples.map((s) => `  ${String(s.requests).padStart(7)} requests: heap ${mb(s.heapUsed)} MB, rss ${mb(s.rss)} MB, ${s.interactions} interactions recorded`),
    ]),
  ]
  console.log(lines.join('\n'))
  summarize({ rps, added, memory })
}

/** The rows of `npm run bench`'s summary table: issue 4's targets, against the bare http-proxy. */
function summarize({ rps, added, memory }) {
  for (const name of ['cloudtape record', 'cloudtape passthrough']) {
    const latency = added(name) / added('http-proxy')
    const throughput = rps[name] / rps['http-proxy']
    summaryRow({ benchmark: 'recording proxy', measure: `${name}: added p50 latency vs bare http-proxy`, value: added(name), baseline: added('http-proxy'), unit: 'ms', target: '≤ 1.5×', met: latency <= 1.5 })
    summaryRow({ benchmark: 'recording proxy', measure: `${name}: throughput vs bare http-proxy`, value: rps[name], baseline: rps['http-proxy'], unit: '/s', target: '≥ 0.7×', met: throughput >= 0.7 })
  }
  for (const name of Object.keys(rps).filter((name) => !['direct', 'http-proxy'].includes(name) && !name.startsWith('cloudtape'))) {
    summaryRow({ benchmark: 'recording proxy', measure: `${name}: added p50 latency vs bare http-proxy`, value: added(name), baseline: added('http-proxy'), unit: 'ms' })
    summaryRow({ benchmark: 'recording proxy', measure: `${name}: throughput vs bare http-proxy`, value: rps[name], baseline: rps['http-proxy'], unit: '/s' })
  }
  for (const [mode, samples] of Object.entries(memory)) {
    const first = samples[1] ?? samples[0]
    const last = samples.at(-1)
    summaryRow({ benchmark: 'recording proxy', measure: `${mode}: heap after ${last.requests} requests vs after ${first.requests}`, value: last.heapUsed / 1024 / 1024, baseline: first.heapUsed / 1024 / 1024, unit: 'MB', target: 'flat (within 10%)', met: last.heapUsed <= first.heapUsed * 1.1 })
  }
}

function fmt(ms) {
  return ms.toFixed(3)
}

function mb(bytes) {
  return (bytes / 1024 / 1024).toFixed(1)
}

