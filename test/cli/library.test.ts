import { describe, expect, test } from 'vitest'
import { isCloudtapeError } from '../../cassettes/index.js'
import { libraryNames } from '../../replay/library.js'
import { runCli, startReplay } from '../helpers/cli.js'

describe('cloudtape library', () => {
  test('lists every library cassette with operation, dialect, format and interactions', async () => {
    const run = await runCli(['library'])
    expect(run.exitCode).toBe(0)
    const lines = run.out.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^name\s+operation\s+dialect\s+format\s+interactions$/)
    expect(lines).toContainEqual(expect.stringMatching(/^library\/servers\.create\s+servers\.create\s+rackspace\s+json\s+1$/))
    expect(lines).toContainEqual(expect.stringMatching(/^library\/hp\/servers\.create\.xml\s+servers\.create\s+hp\s+xml\s+1$/))
    expect(lines).toContainEqual(expect.stringMatching(/^library\/scenarios\/resize-and-confirm\s+scenario\s+rackspace\s+json\s+5$/))
    expect(lines).toHaveLength(libraryNames().length + 2)
    expect(lines.at(-1)).toMatch(new RegExp(`^${libraryNames().length} library cassettes \\(\\d+ operations, 14 scenarios\\)`))
  })

  test('--json gives the entries; --dialect and --format filter them', async () => {
    const all = JSON.parse((await runCli(['library', '--json'])).out) as Array<{ name: string; dialect: string; format: string; operation: string | null }>
    expect(all.map((entry) => entry.name).sort()).toEqual(libraryNames())
    const run = await runCli(['library', '--json', '--dialect', 'hp', '--format', 'xml'])
    const hpXml = JSON.parse(run.out) as typeof all
    expect(hpXml.length).toBeGreaterThan(50)
    expect(hpXml.every((entry) => entry.dialect === 'hp' && entry.format === 'xml' && entry.name.startsWith('library/hp/') && entry.name.endsWith('.xml'))).toBe(true)
  })

  test('refuses an unknown --dialect, listing the library dialects', async () => {
    const run = await runCli(['library', '--dialect', 'nova'])
    expect(isCloudtapeError(run.error, 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
    expect((run.error as Error).message).toContain('rackspace')
    expect((run.error as Error).message).toContain('hp')
  })
})

describe('library names in the CLI', () => {
  test('show prints a library cassette by name', async () => {
    const run = await runCli(['show', 'library/scenarios/reboot'])
    expect(run.exitCode).toBe(0)
    expect(run.out).toContain('servers.action.reboot  POST')
    expect(run.out).toContain('3 interactions, dialect rackspace, recorded 2013-03-26T00:00:00Z')
    const hp = JSON.parse((await runCli(['show', 'library/hp/servers.get.xml', '--json'])).out)
    expect(hp).toEqual([expect.objectContaining({ operation: 'servers.get', format: 'xml', status: 200 })])
  })

  test('show fails on an unknown name listing close names, and on a name leaving the library', async () => {
    const unknown = await runCli(['show', 'library/servers.creat'])
    expect(unknown.exitCode).toBe(1)
    expect(isCloudtapeError(unknown.error, 'ERR_CLOUDTAPE_CASSETTE_NOT_FOUND')).toBe(true)
    expect((unknown.error as Error).message).toContain('Close names: library/servers.create')
    const escaping = await runCli(['show', 'library/../../etc/passwd'])
    expect(isCloudtapeError(escaping.error, 'ERR_CLOUDTAPE_CASSETTE_NAME')).toBe(true)
  })

  test('lint checks the whole library, a dialect folder, or one cassette by name', async () => {
    expect((await runCli(['lint', 'library'])).out).toBe(`lint: ${libraryNames().length} cassettes, 285 interactions, no secrets found\n`)
    const hp = libraryNames().filter((name) => name.startsWith('library/hp/')).length
    expect((await runCli(['lint', 'library/hp'])).out).toMatch(new RegExp(`^lint: ${hp} cassettes, ${hp} interactions`))
    expect((await runCli(['lint', 'library/servers.create.xml'])).out).toBe('lint: 1 cassette, 1 interactions, no secrets found\n')
  })

  test('replay --cassette serves a library scenario by name, with a synthesized token answer', async () => {
    const replay = await startReplay(['--cassette', 'library/scenarios/resize-and-confirm'])
    const token = await fetch(`${replay.url}/v2.0/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"auth":{}}' })
    expect(token.status).toBe(200)
    const base = replay.out().split('\n').find((line) => line.includes(' → '))?.split(' → ')[1] ?? replay.url
    const resize = await fetch(`${base}/v2/999001/servers/ca55e77e-0000-4000-8000-000000000001/action`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ resize: { flavorRef: '3' } }),
    })
    expect(resize.status).toBe(202)
    expect((await replay.stop()).exitCode).toBe(0)
  })
})
