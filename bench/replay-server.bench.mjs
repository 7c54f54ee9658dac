#!/usr/bin/env node
// The replay server over HTTP against a bare node:http server sending the same status, headers and
// bytes, and against the peers serving the same recorded answers: talkback (playback), mountebank
// (an imposter), WireMock (stub mappings). The load generator (autocannon, this process) and the
// servers run in separate processes, so on separate cores: the Node servers share one child
// process (only one is under load at a time), mountebank and WireMock run in their own.
// Each request kind: every server in turn, rotated each round, 10 keep-alive connections. The
// Node servers (cloudtape, the bare server, talkback) are measured first, before mountebank and
// WireMock start; then the peers, against the bare server measured again beside them.
//
//   npm run build && node bench/replay-server.bench.mjs [--quick] [--rounds 5] [--seconds 2] [--without wiremock,mountebank]
import { fork } from 'node:child_process'
import { once } from 'node:events'
import http from 'node:http'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { HTTP_REQUESTS, httpCassette } from './cassettes.mjs'
import { QUICK, alternate, cannon, describeMachine, formatValue, log, markdownTable, median, percentile, pinToCore, printSummary, summaryRow } from './harness.mjs'
import { javaVersion, startMountebank, startTalkback, startWireMock } from './peers.mjs'

const { values: args } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string', default: QUICK ? '1' : '5' },
    seconds: { type: 'string', default: QUICK ? '1' : '2' },
    'warmup-seconds': { type: 'string', default: QUICK ? '1' : '2' },
    'jvm-warmup-seconds': { type: 'string', default: QUICK ? '1' : '8' },
    connections: { type: 'string', default: '10' },
    without: { type: 'string', default: '' },
    unpinned: { type: 'boolean', default: false },
  },
})

if (args.role === 'servers') await runServers()
else await runMain()

// ---- the Node servers: cloudtape's replay server, the bare server, talkback ----

async function runServers() {
  const { createReplayServer } = await import('../dist/replay/index.js')
  const replay = await createReplayServer({ cassette: httpCassette(), warn: () => {} })
  const prefix = `${replay.url}/_upstream/https/host-2.example.com`
  const answers = []
  for (const request of HTTP_REQUESTS) answers.push(await capture(`${prefix}${request.path}`, request))
  const bare = await startBare(answers)
  const dir = await mkdtemp(join(tmpdir(), 'cloudtape-bench-tapes-'))
  let talkback = await startTalkback({ upstream: bare.url, tapes: dir, record: 'NEW' })
  // Without the load generator there is nothing to serve: leave no orphan listening.
  process.once('disconnect', () => process.exit(0))
  process.on('message', async (message) => {
    if (message === 'cpu') process.send({ cpu: process.cpuUsage() })
    if (message === 'talkback-playback') {
      // The tapes were recorded through talkback by the load generator itself (same headers);
      // from here on talkback only plays them back.
      await talkback.close()
      await keepRecordedBytes(dir, answers)
      talkback = await startTalkback({ upstream: bare.url, tapes: dir, record: 'DISABLED' })
      process.send({ talkback: talkback.url })
    }
    if (message === 'close') {
      await Promise.all([replay.close(), bare.close(), talkback.close()])
      await rm(dir, { recursive: true, force: true })
      process.exit(0)
    }
  })
  process.send({ ready: { cloudtape: prefix, bare: bare.url, talkbackRecorder: talkback.url, answers: answers.map((a) => ({ ...a, body: a.body.toString('base64') })) } })
}

/**
 * talkback stores a JSON body as an object and plays it back re-serialized with two-space
 * indentation (8.7 KB become 14 KB); a body stored as a string it sends as it is. So the tapes get
 * the recorded bytes back, and every server sends the same answer.
 */
async function keepRecordedBytes(dir, answers) {
  const { default: JSON5 } = await import('json5')
  for (const file of await readdir(dir)) {
    const path = join(dir, file)
    const tape = JSON5.parse(await readFile(path, 'utf8'))
    const answer = answers.find((candidate) => candidate.method === tape.req.method && candidate.path === tape.req.url)
    if (!answer) throw new Error(`talkback recorded ${tape.req.method} ${tape.req.url}, which the benchmark never sent`)
    tape.res.body = answer.body.toString('utf8')
    await writeFile(path, JSON5.stringify(tape, null, 4))
  }
}

/** What the replay server answers, less the headers every server sets itself. */
async function capture(url, request) {
  const res = await fetch(url, { method: request.method, headers: request.headers, body: request.body })
  const headers = {}
  res.headers.forEach((value, name) => {
    if (!['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding'].includes(name)) headers[name] = value
  })
  const body = Buffer.from(await res.arrayBuffer())
  if (res.status >= 400) throw new Error(`the replay server answered ${request.name} with ${res.status}: ${body.toString().slice(0, 300)}`)
  return { name: request.name, method: request.method, path: request.path, status: res.status, headers, body }
}

/** One node:http server that sends each recorded answer for its method and path, nothing else. */
async function startBare(answers) {
  const byRoute = new Map(answers.map((answer) => [`${answer.method} ${answer.path}`, { ...answer, headers: { ...answer.headers, 'content-length': answer.body.length } }]))
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const answer = byRoute.get(`${req.method} ${req.url}`)
      if (!answer) return res.writeHead(404).end()
      res.writeHead(answer.status, answer.headers)
      res.end(answer.body)
    })
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))) }
}

// ---- main: the load generator, the out-of-process peers and the report ----

async function runMain() {
  const skipped = {}
  const without = new Set(args.without.split(',').filter(Boolean))
  const dir = await mkdtemp(join(tmpdir(), 'cloudtape-bench-peers-'))
  const child = fork(new URL(import.meta.url).pathname, ['--role', 'servers'])
  const [{ ready }] = await once(child, 'message')
  // The load generator on core 0, every server on core 1: they never compete for a core.
  const pin = (pid, core) => !args.unpinned && pinToCore(pid, core)
  let pinned = pin(process.pid, 0) && pin(child.pid, 1)
  const answers = ready.answers.map((answer) => ({ ...answer, body: Buffer.from(answer.body, 'base64') }))
  const targets = { cloudtape: ready.cloudtape, 'bare node:http': ready.bare }
  const closers = []

  for (const request of HTTP_REQUESTS) await cannon(load(`${ready.talkbackRecorder}${request.path}`, request, { amount: 1, connections: 1 }))
  child.send('talkback-playback')
  const [{ talkback }] = await once(child, 'message')
  targets.talkback = talkback

  const results = {}
  const inServersChild = new Set(['cloudtape', 'bare node:http', 'talkback'])
  const phase = async (phaseTargets) => {
    const names = Object.keys(phaseTargets)
    const runs = {}
    for (const request of HTTP_REQUESTS) for (const name of names) await checkSameBytes(name, `${phaseTargets[name]}${request.path}`, request, answers)
    for (const request of HTTP_REQUESTS) {
      // WireMock's JIT needs longer than a Node server's before it reaches its pace.
      for (const name of names) await cannon(load(`${phaseTargets[name]}${request.path}`, request, { duration: Number(args[name === 'wiremock' ? 'jvm-warmup-seconds' : 'warmup-seconds']) }))
      runs[request.name] = await alternate(names, Number(args.rounds), (name) => measure(`${phaseTargets[name]}${request.path}`, request, inServersChild.has(name) ? child : null), {
        onRound: (round, order, done) => log(`${request.name} round ${round + 1}/${args.rounds}: ` + order.map((name) => `${name} ${Math.round(done[name].at(-1).rps)} req/s`).join(', ')),
      })
    }
    return runs
  }
  try {
    // The Node servers first, before the JVM and mountebank start: idle peers pinned to the
    // servers' core still run their collectors and timers, which swung single rounds 2x.
    const nodeRuns = await phase(targets)
    for (const request of HTTP_REQUESTS) results[request.name] = [nodeRuns[request.name]]
    const peerTargets = { 'bare node:http': targets['bare node:http'] }
    if (without.has('mountebank')) skipped.mountebank = 'left out with --without'
    else {
      try {
        const mb = await startMountebank({ dir })
        closers.push(mb.close)
        pinned &&= pin(mb.child.pid, 1)
        peerTargets.mountebank = await mb.imposter(answers.map(mountebankStub))
      } catch (error) {
        skipped.mountebank = error.message
      }
    }
    if (without.has('wiremock')) skipped.wiremock = 'left out with --without'
    else {
      const java = await javaVersion()
      if (!java) skipped.wiremock = 'no java on the PATH (WireMock needs Java 11 or later)'
      else {
        try {
          const wiremock = await startWireMock()
          closers.push(wiremock.close)
          pinned &&= pin(wiremock.child.pid, 1)
          for (const answer of answers) await wiremock.mapping(wireMockMapping(answer))
          peerTargets.wiremock = wiremock.url
          skipped.java = java
        } catch (error) {
          skipped.wiremock = error.message
        }
      }
    }
    if (Object.keys(peerTargets).length > 1) {
      const peerRuns = await phase(peerTargets)
      for (const request of HTTP_REQUESTS) results[request.name].push(peerRuns[request.name])
    }
  } finally {
    child.send('close')
    await once(child, 'exit')
    await Promise.all(closers.map((close) => close()))
    await rm(dir, { recursive: true, force: true })
  }
  report(results, answers, skipped, pinned)
}

/** Every server must send the recorded body byte for byte, or its figures mean nothing. */
async function checkSameBytes(name, url, request, answers) {
  const expected = answers.find((answer) => answer.name === request.name)
  const { status, body } = await new Promise((resolve, reject) => {
    const req = http.request(url, { method: request.method, headers: request.headers }, (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end(request.body)
  })
  if (status !== expected.status || !body.equals(expected.body)) {
    throw new Error(`${name} answers ${request.name} with ${status} and ${body.length} bytes, not the recorded ${expected.status} and ${expected.body.length} bytes`)
  }
}

function load(url, request, extra) {
  return { url, method: request.method, headers: request.headers, body: request.body, connections: Number(args.connections), pipelining: 1, ...extra }
}

/** req/s and latency, and for the servers in the Node child its CPU time per request (steadier than req/s on a busy machine). */
async function measure(url, request, serversChild) {
  const before = serversChild ? await cpuOf(serversChild) : null
  const { result, samples } = await cannon(load(url, request, { duration: Number(args.seconds) }), { samples: true })
  const after = serversChild ? await cpuOf(serversChild) : null
  const total = result.requests.total
  const cpuUs = before && after ? (after.user + after.system - before.user - before.system) / total : NaN
  return { rps: total / Number(args.seconds), p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), cpuUs, errors: result.errors + result.timeouts + result.non2xx }
}

async function cpuOf(child) {
  child.send('cpu')
  for (;;) {
    const [message] = await once(child, 'message')
    if (message.cpu) return message.cpu
  }
}

function mountebankStub(answer) {
  return {
    predicates: [{ equals: { method: answer.method, path: answer.path } }],
    responses: [{ is: { statusCode: answer.status, headers: { ...answer.headers, 'content-length': String(answer.body.length), connection: 'keep-alive' }, body: answer.body.toString('utf8') } }],
  }
}

function wireMockMapping(answer) {
  return { request: { method: answer.method, urlPath: answer.path }, response: { status: answer.status, headers: answer.headers, body: answer.body.toString('utf8') } }
}

function report(results, answers, skipped, pinned) {
  console.log(`## Replay server over HTTP\n\n${describeMachine()}${skipped.java ? `; ${skipped.java}` : ''}\n`)
  console.log(`${args.rounds} rounds (order rotated each round) of ${args.seconds} s per server and request, after ${args['warmup-seconds']} s of warm-up each (WireMock ${args['jvm-warmup-seconds']} s); ${args.connections} keep-alive connections; medians over the rounds; the Node servers measured before the peers started, the peers against the bare server again; ${pinned ? 'load generator pinned to core 0, every server to core 1 (taskset)' : 'processes not pinned to cores'}.\n`)
  const rows = []
  const summary = []
  for (const answer of answers) {
    for (const [phaseIndex, runs] of results[answer.name].entries()) {
      const bare = medianOf(runs['bare node:http'], 'rps')
      const bareCpu = medianOf(runs['bare node:http'], 'cpuUs')
      for (const [name, values] of Object.entries(runs)) {
        const rps = medianOf(values, 'rps')
        const cpu = medianOf(values, 'cpuUs')
        const errors = values.reduce((sum, run) => sum + run.errors, 0)
        // Rounds run back to back in rotated order: the ratio within each round pairs runs that saw the same machine.
        const paired = values.map((run, round) => (run.rps / runs['bare node:http'][round].rps).toFixed(2)).join(' ')
        const cpuText = Number.isNaN(cpu) ? '-' : `${cpu.toFixed(1)} (${(cpu / bareCpu).toFixed(2)}×)`
        const label = name === 'bare node:http' && phaseIndex > 0 ? 'bare node:http (with the peers running)' : name
        rows.push([answer.name, `${answer.body.length} B`, label, formatValue(rps), `${(rps / bare).toFixed(2)}×`, paired, cpuText, medianOf(values, 'p50').toFixed(3), medianOf(values, 'p99').toFixed(3), errors, values.map((run) => Math.round(run.rps)).join(' ')])
        if (name === 'bare node:http') continue
        const isUs = name === 'cloudtape'
        summary.push(
          summaryRow({
            benchmark: 'replay server',
            measure: `${answer.name}: ${isUs ? 'cloudtape' : name} vs bare node:http (req/s)`,
            value: rps,
            baseline: bare,
            unit: '/s',
            target: isUs ? '≥ 0.9×' : '-',
            met: isUs ? rps / bare >= 0.9 && errors === 0 : null,
            note: errors > 0 ? `${errors} errors or non-2xx answers` : '',
          }),
        )
      }
    }
  }
  console.log(markdownTable(['request', 'answer', 'server', 'req/s', 'vs bare', 'vs bare per round', 'server CPU µs/req', 'p50 ms', 'p99 ms', 'errors', 'rounds (req/s)'], rows))
  const notRun = Object.entries(skipped).filter(([name]) => name !== 'java')
  if (notRun.length > 0) console.log('\n' + notRun.map(([name, why]) => `- ${name} not run: ${why}`).join('\n'))
  console.log('')
  printSummary(summary)
}

function medianOf(runs, field) {
  return median(runs.map((run) => run[field]))
}
