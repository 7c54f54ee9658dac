import { once } from 'node:events'
import http from 'node:http'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { test } from '../proxy/fixtures.js'

/**
 * An upstream that answers the first request of each connection with keep-alive and drops the
 * connection when a second request arrives on it: the race of a server closing an idle pooled
 * socket just as the proxy reuses it, made deterministic.
 */
async function startDroppingUpstream(): Promise<{ url: string; connections: number; answered: string[]; dropped: string[]; close: () => Promise<void> }> {
  const state = { connections: 0, answered: [] as string[], dropped: [] as string[] }
  const served = new WeakMap<Socket, number>()
  const server = http.createServer((req, res) => {
    const count = (served.get(req.socket) ?? 0) + 1
    served.set(req.socket, count)
    req.resume()
    req.on('end', () => {
      const what = `${req.method} ${req.url} ${Buffer.byteLength(req.headers['content-length'] ?? '')}`
      if (count > 1) {
        state.dropped.push(what)
        req.socket.destroy()
        return
      }
      state.answered.push(what)
      const body = JSON.stringify({ ok: req.url })
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'keep-alive' })
      res.end(body)
    })
  })
  server.on('connection', () => (state.connections += 1))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/v2/010101`,
    get connections() {
      return state.connections
    },
    answered: state.answered,
    dropped: state.dropped,
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

describe('upstream closes keep-alive sockets', () => {
  test('retries an idempotent request once on a fresh socket when a pooled one was closed under it', async ({ dir, startProxy }) => {
    const upstream = await startDroppingUpstream()
    try {
      const proxy = await startProxy({ targets: [upstream.url], cassette: join(dir, 'keep-alive.json') })
      const errors: Error[] = []
      proxy.on('error', (error) => errors.push(error))
      const statuses: number[] = []
      for (const [method, path] of [['GET', '/flavors'], ['GET', '/images'], ['DELETE', '/servers/1'], ['PUT', '/servers/1'], ['HEAD', '/limits']] as const) {
        const res = await fetch(`${proxy.url}/v2/010101${path}`, { method, ...(method === 'PUT' ? { body: '{"server":{"name":"a"}}', headers: { 'content-type': 'application/json' } } : {}) })
        await res.arrayBuffer()
        statuses.push(res.status)
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200])
      expect(errors).toEqual([])
      expect(upstream.dropped).toHaveLength(4)
      expect(upstream.answered.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['GET /v2/010101/flavors', 'GET /v2/010101/images', 'DELETE /v2/010101/servers/1', 'PUT /v2/010101/servers/1', 'HEAD /v2/010101/limits'])
      const interactions = proxy.cassette().interactions
      expect(interactions.map((interaction) => interaction.response?.status)).toEqual([200, 200, 200, 200, 200])
      expect(interactions.some((interaction) => interaction.transportFault)).toBe(false)
      const put = interactions[3]
      expect(put?.request.body).toMatchObject({ kind: 'json', json: { server: { name: 'a' } } })
    } finally {
      await upstream.close()
    }
  })

  test('does not retry a POST: the client gets a 502 and the reset is recorded', async ({ dir, startProxy }) => {
    const upstream = await startDroppingUpstream()
    try {
      const proxy = await startProxy({ targets: [upstream.url], cassette: join(dir, 'post.json') })
      proxy.on('error', () => undefined)
      const first = await fetch(`${proxy.url}/v2/010101/flavors`)
      await first.arrayBuffer()
      const post = await fetch(`${proxy.url}/v2/010101/servers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"server":{"name":"b"}}' })
      expect(post.status).toBe(502)
      await post.arrayBuffer()
      expect(upstream.dropped).toHaveLength(1)
      expect(proxy.cassette().interactions.map((interaction) => interaction.transportFault?.kind ?? interaction.response?.status)).toEqual([200, 'reset'])
    } finally {
      await upstream.close()
    }
  })
})
