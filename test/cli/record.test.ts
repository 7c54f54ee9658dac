import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CommanderError } from 'commander'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createFakeClock } from '../../cassettes/clock.js'
import { isCloudtapeError } from '../../cassettes/errors.js'
import type { Cassette } from '../../cassettes/schema.js'
import { createProgram } from '../../cli/program.js'
import { startFakeCloud, type FakeCloud } from '../../upstream/index.js'
import { runCli } from '../helpers/cli.js'

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))
const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/

let cloud: FakeCloud
let dir: string
beforeEach(async () => {
  cloud = await startFakeCloud({ seed: 11, clock: createFakeClock('2012-09-10T20:00:00Z') })
  dir = await mkdtemp(join(tmpdir(), 'cloudtape-record-'))
})
afterEach(async () => {
  await cloud.close()
  await rm(dir, { recursive: true, force: true })
})

async function authenticate(proxyUrl: string): Promise<number> {
  const res = await fetch(`${proxyUrl}/v2.0/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { passwordCredentials: { username: cloud.credentials.username, password: cloud.credentials.password } } }),
  })
  await res.arrayBuffer()
  return res.status
}

async function readCassette(path: string): Promise<Cassette> {
  return JSON.parse(await readFile(path, 'utf8')) as Cassette
}

describe('cloudtape record (in process)', () => {
  test('prints the listening URL first, then one line per recorded interaction, and writes the cassette when stopped', async () => {
    let out = ''
    let err = ''
    const stop = new AbortController()
    const program = createProgram({ writeOut: (text) => void (out += text), writeErr: (text) => void (err += text), signal: stop.signal })
    const cassette = join(dir, 'session')
    const run = program.parseAsync(['record', '--target', cloud.identityUrl, '--cassette', cassette], { from: 'user' })
    await expect.poll(() => LISTENING.test(out)).toBe(true)
    const url = LISTENING.exec(out)?.[1] as string
    expect(await authenticate(url)).toBe(200)
    await expect.poll(() => out.split('\n')[1]).toBe('recorded 1 identity.tokens.create 200')
    stop.abort()
    await run
    expect(err).toContain(`${cloud.identityUrl} is served at ${url}/v2.0`)
    expect(err).toContain(`stopped; 1 interactions in ${cassette}.json`)
    expect((await readCassette(`${cassette}.json`)).interactions.map((interaction) => interaction.operation)).toEqual(['identity.tokens.create'])
  })

  test('prints forwarded lines in passthrough mode', async () => {
    let out = ''
    const stop = new AbortController()
    const program = createProgram({ writeOut: (text) => void (out += text), writeErr: () => undefined, signal: stop.signal })
    const run = program.parseAsync(['record', '--target', cloud.identityUrl, '--cassette', join(dir, 'p'), '--mode', 'passthrough', '--dialect', 'rackspace'], { from: 'user' })
    await expect.poll(() => LISTENING.test(out)).toBe(true)
    await authenticate(LISTENING.exec(out)?.[1] as string)
    await expect.poll(() => out.split('\n')[1]).toBe('forwarded identity.tokens.create 200')
    stop.abort()
    await run
  })

  test.each([
    [['record', '--cassette', 'x'], "required option '--target <url>' not specified"],
    [['record', '--target', 'http://127.0.0.1:1/v2.0'], "required option '--cassette <path>' not specified"],
    [['record', '--target', 'http://127.0.0.1:1/v2.0', '--cassette', 'x', '--mode', 'replya'], 'Allowed choices are record, once, passthrough'],
    [['record', '--target', 'http://127.0.0.1:1/v2.0', '--cassette', 'x', '--dialect', 'aws'], 'Allowed choices are rackspace, hp, nova'],
    [['record', '--target', 'http://127.0.0.1:1/v2.0', '--cassette', 'x', '--max-body-bytes', 'lots'], 'Expected a positive whole number'],
  ])('fails with a usage error (exit 2) on %j', async (args, message) => {
    const run = await runCli(args)
    expect(run.exitCode).toBe(2)
    expect(run.error).toBeInstanceOf(CommanderError)
    expect(run.err).toContain(message)
  })

  test('fails with ERR_CLOUDTAPE_INVALID_OPTION on a bad target or listen address', async () => {
    const badTarget = await runCli(['record', '--target', 'identity.example.com', '--cassette', join(dir, 'x')])
    expect(isCloudtapeError(badTarget.error, 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
    const badListen = await runCli(['record', '--target', cloud.identityUrl, '--cassette', join(dir, 'x'), '--listen', 'nowhere'])
    expect(isCloudtapeError(badListen.error, 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
    expect((badListen.error as Error).message).toContain('Expected host:port')
  })
})

describe('the built bin', () => {
  function start(cassette: string): { child: ChildProcessWithoutNullStreams; firstLine: Promise<string>; output: () => { out: string; err: string } } {
    const child = spawn(process.execPath, [BIN, 'record', '--target', cloud.identityUrl, '--cassette', cassette])
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => void (err += chunk.toString('utf8')))
    const firstLine = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => out.includes('\n') && resolve(out.slice(0, out.indexOf('\n'))))
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${err}`)))
    })
    return { child, firstLine, output: () => ({ out, err }) }
  }

  test('stops on SIGINT: finishes, writes the cassette and exits 0', async () => {
    const { child, firstLine, output } = start(join(dir, 'bin.json'))
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(await firstLine)?.[1] as string
    expect(url).toBeDefined()
    expect(await authenticate(url)).toBe(200)
    await expect.poll(() => output().out).toContain('recorded 1 identity.tokens.create 200\n')
    child.kill('SIGINT')
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(0)
    expect(output().err).toContain('stopped; 1 interactions')
    expect((await readCassette(join(dir, 'bin.json'))).interactions).toHaveLength(1)
  })

  test('leaves the last complete cassette behind when killed with SIGKILL', async () => {
    const path = join(dir, 'killed.json')
    const { child, firstLine } = start(path)
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(await firstLine)?.[1] as string
    for (let i = 0; i < 3; i += 1) await authenticate(url)
    await expect.poll(async () => (await readCassette(path).catch(() => ({ interactions: [] }))).interactions.length).toBe(3)
    child.kill('SIGKILL')
    await once(child, 'exit')
    expect((await readCassette(path)).interactions).toHaveLength(3)
  })
})
