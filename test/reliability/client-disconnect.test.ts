import { once } from 'node:events'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import net from 'node:net'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import type { ProxyWarning } from '../../proxy/index.js'
import { test } from '../proxy/fixtures.js'
import { listenForTest } from '../helpers/listen.js'

/** An upstream that tells the test when the proxy's request to it ends, answered or cut. */
async function startWatchedUpstream(): Promise<{ url: string; arrived: Promise<{ req: IncomingMessage; res: ServerResponse }>[]; cut: Promise<string>[] }> {
  const arrived: Array<(value: { req: IncomingMessage; res: ServerResponse }) => void> = []
  const cut: Array<(value: string) => void> = []
  const state = { arrived: [] as Promise<{ req: IncomingMessage; res: ServerResponse }>[], cut: [] as Promise<string>[] }
  for (let i = 0; i < 8; i += 1) {
    state.arrived.push(new Promise((resolve) => arrived.push(resolve)))
    state.cut.push(new Promise((resolve) => cut.push(resolve)))
  }
  let count = 0
  const server = http.createServer((req, res) => {
    const index = count++
    res.on('close', () => cut[index]?.(res.writableFinished ? 'answered' : `cut after ${req.complete ? 'the whole request' : 'part of the request'}`))
    if (req.url?.endsWith('/ok')) {
      req.resume()
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok": true}'))
    } else {
      req.resume()
    }
    arrived[index]?.({ req, res })
  })
  const port = await listenForTest(server)
  return { url: `http://127.0.0.1:${port}/v2/010101`, ...state }
}

/** Opens a raw connection to the proxy and writes `head` (and what follows); the test destroys it. */
async function rawClient(proxyUrl: string, bytes: string): Promise<net.Socket> {
  const { hostname, port } = new URL(proxyUrl)
  const socket = net.connect(Number(port), hostname)
  await once(socket, 'connect')
  socket.on('error', () => undefined)
  socket.write(bytes)
  return socket
}

describe('client disconnects mid-request', () => {
  test('a client gone while the upstream thinks: the upstream request is cut, nothing is recorded, the proxy keeps serving', async ({ dir, startProxy }) => {
    const upstream = await startWatchedUpstream()
    const proxy = await startProxy({ targets: [upstream.url], cassette: join(dir, 'gone.json') })
    const warnings: ProxyWarning[] = []
    proxy.on('warning', (warning) => warnings.push(warning))
    const socket = await rawClient(proxy.url, 'GET /v2/010101/servers/detail HTTP/1.1\r\nHost: x\r\n\r\n')
    await upstream.arrived[0]
    socket.destroy()
    expect(await upstream.cut[0]).toBe('cut after the whole request')
    await expect.poll(() => warnings.map((warning) => warning.code)).toEqual(['client-aborted'])

    const res = await fetch(`${proxy.url}/v2/010101/ok`)
    expect(await res.json()).toEqual({ ok: true })
    expect(await upstream.cut[1]).toBe('answered')
    expect(proxy.cassette().interactions.map((interaction) => interaction.request.path)).toEqual(['/v2/999001/ok'])
  })

  test('a client gone halfway through its request body: the upstream request is cut before it completes', async ({ dir, startProxy }) => {
    const upstream = await startWatchedUpstream()
    const proxy = await startProxy({ targets: [upstream.url], cassette: join(dir, 'half.json') })
    proxy.on('warning', () => undefined)
    const socket = await rawClient(proxy.url, `PUT /v2/010101/servers/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"server": {"name": "${'n'.repeat(2000)}`)
    await upstream.arrived[0]
    socket.destroy()
    expect(await upstream.cut[0]).toBe('cut after part of the request')

    const res = await fetch(`${proxy.url}/v2/010101/ok`, { method: 'PUT', body: '{"server": {"name": "b"}}' })
    expect(res.status).toBe(200)
    await res.arrayBuffer()
    expect(proxy.cassette().interactions.map((interaction) => `${interaction.request.method} ${interaction.request.path}`)).toEqual(['PUT /v2/999001/ok'])
  })

  test('a client gone mid-answer: the upstream answer is cut, the proxy keeps serving', async ({ dir, startProxy }) => {
    const upstream = await startWatchedUpstream()
    const proxy = await startProxy({ targets: [upstream.url], cassette: join(dir, 'mid-answer.json') })
    const warnings: ProxyWarning[] = []
    proxy.on('warning', (warning) => warnings.push(warning))
    const socket = await rawClient(proxy.url, 'GET /v2/010101/images/1/file HTTP/1.1\r\nHost: x\r\n\r\n')
    const { res } = await upstream.arrived[0]!
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000000' })
    res.write(Buffer.alloc(64 * 1024, 1))
    const [head] = (await once(socket, 'data')) as [Buffer]
    expect(head.toString('latin1')).toMatch(/^HTTP\/1.1 200 /)
    socket.destroy()
    expect(await upstream.cut[0]).toBe('cut after the whole request')
    expect(warnings.map((warning) => warning.code)).toEqual(['client-aborted'])

    const ok = await fetch(`${proxy.url}/v2/010101/ok`)
    expect(ok.status).toBe(200)
    await ok.arrayBuffer()
    expect(proxy.cassette().interactions).toHaveLength(1)
    console.log('reliability faults: 3 client disconnects (waiting, mid-body, mid-answer): 3 upstream requests cut, 0 recorded, proxy served the next request each time')
  })
})
