// The peers the benchmarks compare cloudtape with, started the way each is meant to be run for
// load, with the settings that matter for a fair run (issue 8):
// - talkback: its request handler in a node:http server bound to 127.0.0.1 (its own `start()`
//   listens on every interface), a keep-alive agent for the requests it forwards;
// - mountebank: its own process (`mb`), loopback only, imposters whose answers carry
//   `connection: keep-alive` (without it mountebank closes the connection after each answer);
// - WireMock: the standalone jar the npm `wiremock` package ships, run by the machine's Java 17
//   directly (the package's launcher adds nothing but a node process), request journal off.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import http from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const LOOPBACK = '127.0.0.1'

/** A port free on loopback now (the peer that gets it binds it a moment later). */
export async function freePort() {
  const server = http.createServer()
  server.listen(0, LOOPBACK)
  await once(server, 'listening')
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * talkback serving tapes from `tapes` (`record: 'DISABLED'`: playback only, a request without a
 * tape gets 404) or recording what `upstream` answers (`record: 'OVERWRITE'`: every request is
 * forwarded and its tape written).
 */
export async function startTalkback({ upstream, tapes, record }) {
  const { default: talkback } = await import('talkback')
  const agent = new http.Agent({ keepAlive: true })
  const handler = await talkback.requestHandler({
    host: upstream,
    path: tapes,
    record: talkback.Options.RecordMode[record],
    fallbackMode: talkback.Options.FallbackMode.NOT_FOUND,
    httpClient: { fetchOptions: { agent } },
    silent: true,
    summary: false,
  })
  // The same steps as talkback's own server: read the body, hand the request over, write the answer.
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      handler
        .handle({ headers: req.headers, url: req.url, method: req.method, body: Buffer.concat(chunks) })
        .then((answer) => {
          res.writeHead(answer.status, answer.headers)
          res.end(answer.body)
        })
        .catch(() => {
          res.statusCode = 500
          res.end()
        })
    })
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, LOOPBACK)
  await once(server, 'listening')
  return {
    url: `http://${LOOPBACK}:${server.address().port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      agent.destroy()
    },
  }
}

/** The mountebank server in a process of its own; `imposter(stubs)` creates an HTTP imposter and returns its URL. */
export async function startMountebank({ dir }) {
  const port = await freePort()
  const bin = join(dirname(require.resolve('mountebank/package.json')), 'bin', 'mb')
  const child = spawnPeer(process.execPath, [bin, 'start', '--port', String(port), '--host', LOOPBACK, '--localOnly', '--nologfile', '--loglevel', 'warn', '--pidfile', join(dir, 'mb.pid')], { stdio: ['ignore', 'ignore', 'inherit'] })
  const admin = `http://${LOOPBACK}:${port}`
  await waitUntilUp(`${admin}/config`, child, 'mountebank')
  return {
    child,
    async imposter(stubs) {
      const imposterPort = await freePort()
      const res = await fetch(`${admin}/imposters`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ protocol: 'http', port: imposterPort, host: LOOPBACK, recordRequests: false, stubs }) })
      if (res.status !== 201) throw new Error(`mountebank refused the imposter: ${res.status} ${await res.text()}`)
      return `http://${LOOPBACK}:${imposterPort}`
    },
    close: () => stop(child),
  }
}

/** WireMock's standalone jar on the machine's Java; `mapping(m)` adds a stub mapping. */
export async function startWireMock() {
  const build = join(dirname(require.resolve('wiremock/package.json')), 'build')
  const jar = readdirSync(build).find((name) => name.endsWith('.jar'))
  if (!jar) throw new Error(`no WireMock jar in ${build}: reinstall the wiremock package`)
  const port = await freePort()
  // Without a root directory WireMock makes `mappings` and `__files` in the working directory.
  const root = mkdtempSync(join(tmpdir(), 'cloudtape-bench-wiremock-'))
  const args = ['-jar', join(build, jar), '--port', String(port), '--bind-address', LOOPBACK, '--root-dir', root, '--no-request-journal', '--disable-request-logging', '--disable-banner']
  const child = spawnPeer('java', args, { stdio: ['ignore', 'ignore', 'inherit'] })
  const url = `http://${LOOPBACK}:${port}`
  try {
    await waitUntilUp(`${url}/__admin/health`, child, 'WireMock')
  } catch (error) {
    rmSync(root, { recursive: true, force: true })
    throw error
  }
  return {
    url,
    child,
    async mapping(mapping) {
      const res = await fetch(`${url}/__admin/mappings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(mapping) })
      if (res.status !== 201) throw new Error(`WireMock refused the mapping: ${res.status} ${await res.text()}`)
    },
    close: async () => {
      await stop(child)
      rmSync(root, { recursive: true, force: true })
    },
  }
}

/** Java version line, or null when there is no java (WireMock is then skipped with the reason). */
export async function javaVersion() {
  const child = spawn('java', ['-version'], { stdio: ['ignore', 'ignore', 'pipe'] })
  let text = ''
  child.stderr.on('data', (chunk) => (text += chunk))
  const [code] = await Promise.race([once(child, 'exit'), once(child, 'error').then(() => [-1])])
  return code === 0 ? (text.split('\n')[0] ?? '').trim() : null
}

/** A peer process that dies with the benchmark, even when the benchmark fails half-way. */
function spawnPeer(command, args, options) {
  const child = spawn(command, args, options)
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  child.once('exit', () => process.off('exit', kill))
  return child
}

async function waitUntilUp(url, child, name) {
  const deadline = Date.now() + 60_000
  let exited = null
  child.once('exit', (code) => (exited = code))
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`${name} exited (${exited}) before it answered ${url}`)
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  child.kill('SIGKILL')
  throw new Error(`${name} did not answer ${url} within 60 s`)
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await once(child, 'exit')
  clearTimeout(timer)
}
