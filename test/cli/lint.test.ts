import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { serializeCassette } from '../../cassettes/cassette-format.js'
import { isCloudtapeError } from '../../cassettes/errors.js'
import { lintCassetteText } from '../../cassettes/lint.js'
import { saveCassetteFile } from '../../cassettes/store.js'
import { bootCassette } from '../cassettes/fixtures/cassettes.js'
import { KEYPAIR_RESPONSE_HP } from '../cassettes/fixtures/seed-examples.js'
import { runCli } from '../helpers/cli.js'

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloudtape-lint-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A recorded cassette with one value changed by hand, as a leak would look. */
function tampered(change: (cassette: any) => void): string {
  const cassette = JSON.parse(serializeCassette(bootCassette()))
  change(cassette)
  return JSON.stringify(cassette, null, 2)
}

describe('lint findings', () => {
  test('finds nothing in a recorded cassette', () => {
    expect(lintCassetteText(serializeCassette(bootCassette()), 'boot.json')).toEqual({ interactions: 5, findings: [] })
  })

  test.each([
    ['a token in an auth header', (c: any) => (c.interactions[1].request.headers['x-auth-token'] = '858fb4c2-bf15-4dac-917d-8ec750ae9baa'), '$.interactions[1].request.headers["x-auth-token"]', /x-auth-token header holds a credential/],
    ['a bearer token', (c: any) => (c.interactions[1].request.headers['authorization'] = 'Bearer abc.def.ghi'), '$.interactions[1].request.headers.authorization', /authorization header/],
    ['a password in a JSON body', (c: any) => (c.interactions[0].request.body.json.auth.passwordCredentials.password = 'MyRackspacePwd'), '$.interactions[0].request.body.json.auth.passwordCredentials.password', /"password" holds a value that is not a placeholder/],
    ['a token id in the identity response', (c: any) => (c.interactions[0].response.body.json.access.token.id = 'abc'), '$.interactions[0].response.body.json.access.token.id', /"id" holds/],
    ['adminPass in an XML attribute', (c: any) => (c.interactions[1].response.body.text = c.interactions[1].response.body.text.replace('REDACTED-adminPass-1', 'Dd5pNZtpVVQ3')), '$.interactions[1].response.body.text', /XML attribute "adminPass"/],
    ['adminPass as XML element text', (c: any) => (c.interactions[1].response.body = { kind: 'xml', text: '<adminPass>eBHcCgGBVj6Z</adminPass>' }), '$.interactions[1].response.body.text', /XML element "adminPass"/],
    ['a private key block', (c: any) => (c.interactions[2].response.body.json = JSON.parse(KEYPAIR_RESPONSE_HP)), '$.interactions[2].response.body.json.keypair.private_key', /private key block/],
    ['a high-entropy value in a secret-looking field', (c: any) => (c.interactions[2].response.body.json.server.client_token = 'q8Zr3Lx0Vb7Kp2Nw5Ty9Hs4Jd6Mf1Gc'), '$.interactions[2].response.body.json.server.client_token', /high-entropy/],
    ['an HP token anywhere', (c: any) => (c.interactions[2].response.body.json.server.note = 'HPAuth_a8df744befe0a7c0e759f0601f53226af35f3f6f44c55d9b3a3c0337e7664ac2'), '$.interactions[2].response.body.json.server.note', /token-shaped/],
  ])('reports %s with its JSON path', (_, change, path, reason) => {
    const { findings } = lintCassetteText(tampered(change), 'boot.json')
    expect(findings).toContainEqual({ file: 'boot.json', path, reason: expect.stringMatching(reason), kind: 'secret' })
  })

  test('reports an invalid cassette and still scans what it could parse', () => {
    const { findings } = lintCassetteText(tampered((c) => { c.version = 3; c.interactions[1].request.headers['x-auth-token'] = 'real' }), 'v3.json')
    expect(findings.map((finding) => [finding.kind, finding.path])).toEqual([['invalid', '$.version'], ['secret', '$.interactions[1].request.headers["x-auth-token"]']])
  })
})

describe('cloudtape lint', () => {
  test('exits 0 with a one-line summary when a folder is clean', async () => {
    await saveCassetteFile(join(dir, 'a.json'), bootCassette())
    await saveCassetteFile(join(dir, 'deep', 'b.json'), bootCassette())
    const run = await runCli(['lint', dir])
    expect(run).toMatchObject({ exitCode: 0, out: 'lint: 2 cassettes, 10 interactions, no secrets found\n' })
  })

  test('exits 1 listing file, JSON path and reason for each finding, recursively', async () => {
    await saveCassetteFile(join(dir, 'clean.json'), bootCassette())
    await mkdir(join(dir, 'sub'))
    await writeFile(join(dir, 'sub', 'leak.json'), tampered((c) => (c.interactions[3].request.headers['x-auth-token'] = 'eaaafd18-0fed-4b3a-81b4-663c99ec1cbb')))
    await writeFile(join(dir, 'sub', 'broken.json'), '{"version": 1, "name": ')
    const run = await runCli(['lint', dir])
    expect(run.exitCode).toBe(1)
    expect(isCloudtapeError(run.error, 'ERR_CLOUDTAPE_SECRET_IN_CASSETTE')).toBe(true)
    expect(run.out).toBe(
      `${join(dir, 'sub', 'broken.json')}: line 1, column 24: invalid cassette: the JSON ends early (a truncated file?). Restore it from version control, or re-record it with \`cloudtape record --cassette <path>\`.\n` +
        `${join(dir, 'sub', 'leak.json')}: $.interactions[3].request.headers["x-auth-token"]: the x-auth-token header holds a credential, not a placeholder\n`,
    )
    expect((run.error as Error).message).toBe('[cloudtape] lint found 2 problems in 2 of 3 cassettes. Remove the secrets (re-record, or replace them with placeholders) before committing.')
  })

  test('exits 1 with ERR_CLOUDTAPE_CASSETTE_INVALID when the only problems are invalid files', async () => {
    await writeFile(join(dir, 'old.json'), JSON.stringify({ version: 0, name: 'x' }))
    const run = await runCli(['lint', join(dir, 'old.json')])
    expect(isCloudtapeError(run.error, 'ERR_CLOUDTAPE_CASSETTE_INVALID')).toBe(true)
    expect(run.out).toContain('old.json: $.version: invalid cassette: unknown version 0')
  })

  test('prints the report as JSON with --json', async () => {
    await saveCassetteFile(join(dir, 'a.json'), bootCassette())
    const run = await runCli(['lint', dir, '--json'])
    expect(JSON.parse(run.out)).toEqual({ files: 1, interactions: 5, findings: [] })
  })

  test('fails with ERR_CLOUDTAPE_CASSETTE_NOT_FOUND when the path does not exist', async () => {
    const run = await runCli(['lint', join(dir, 'missing')])
    expect(run.exitCode).toBe(1)
    expect(isCloudtapeError(run.error, 'ERR_CLOUDTAPE_CASSETTE_NOT_FOUND')).toBe(true)
  })
})
