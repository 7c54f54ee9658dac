import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { describe, expect, test } from 'vitest'
import { createReplayServer, useCassette } from 'cloudtape'

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))
const BOOT = fileURLToPath(new URL('../fixtures/cassettes/boot-reboot-delete.json', import.meta.url))
interface Access {
  access: { serviceCatalog: Array<{ endpoints: Array<{ publicURL: string }> }> }
}
const CREDENTIALS = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"auth":{"passwordCredentials":{"username":"u","password":"p"}}}' }

describe('replay through the public package name', () => {
  test('replays a cassette with createReplayServer from "cloudtape"', async () => {
    const server = await createReplayServer({ cassette: BOOT })
    try {
      const { access } = (await (await fetch(`${server.authUrl}/tokens`, CREDENTIALS)).json()) as Access
      expect((await fetch(`${access.serviceCatalog[0]?.endpoints[0]?.publicURL}/servers/detail`)).status).toBe(217)
    } finally {
      await server.close()
    }
  })

  test('replays a cassette in process with useCassette from "cloudtape"', async () => {
    const tape = await useCassette(BOOT)
    try {
      const { access } = (await (await fetch(`${tape.authUrl}/tokens`, CREDENTIALS)).json()) as Access
      expect((await fetch(`${access.serviceCatalog[0]?.endpoints[0]?.publicURL}/servers/detail`)).status).toBe(217)
    } finally {
      await tape.close()
    }
  })
})

describe('the built bin: cloudtape replay', () => {
  test('prints the listening URL first, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'replay', '--cassette', BOOT], { stdio: ['ignore', 'pipe', 'pipe'] })
    const lines = createInterface({ input: child.stdout })
    const [first] = (await once(lines, 'line')) as [string]
    expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/)
    const url = first.slice('listening on '.length)
    expect((await fetch(`${url}/v2.0/tokens`, CREDENTIALS)).status).toBe(200)
    child.kill('SIGTERM')
    const [code] = (await once(child, 'exit')) as [number]
    expect(code).toBe(0)
  })
})
