import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { parseCassette } from '../../cassettes/cassette-format.js'
import { lintPath } from '../../cassettes/lint.js'
import { OPERATIONS } from '../../cassettes/operation-catalog.js'
import { buildLibrary } from '../../scripts/library/build-library.js'
import { replaceLibraryReadmeBlock } from '../../scripts/library/library-readme.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const LIBRARY = join(ROOT, 'cassettes', 'library')
const built = buildLibrary(join(ROOT, 'scripts', 'library'))

/**
 * Rows of operations.tsv that the later Rackspace pages only name in their navigation
 * (`rackspace-nav`): the seeds print no request, response or example for them in the rackspace
 * dialect, so the library has no rackspace cassette. Those documented by 003 have hp cassettes.
 */
const NO_RACKSPACE_EXAMPLE: Readonly<Record<string, string>> = {
  'servers.action.os-start': '000 navigation only; hp cassette from 003 §4.4.25.1',
  'servers.action.os-stop': '000 navigation only; hp cassette from 003 §4.4.25.2',
  'servers.action.os-getVNCConsole': '000 navigation only; hp cassette from 003 §4.4.16.1',
  'servers.action.lock': '004 navigation only: no body or example in any seed',
  'servers.action.unlock': '004 navigation only: no body or example in any seed',
  'servers.action.migrate': '004 navigation only: no body or example in any seed',
  'servers.action.resetNetwork': '004 navigation only: no body or example in any seed',
  'servers.instanceActions.list': '000 navigation only; hp cassette from 003 §4.4.20.1',
  'servers.instanceActions.get': '000 navigation only; hp cassette from 003 §4.4.20.2',
  'servers.virtualInterfaces.list': '000/004 navigation only: no example in any seed',
  'servers.virtualInterfaces.create': '000/004 navigation only: no example in any seed',
  'servers.virtualInterfaces.delete': '000/004 navigation only: no example in any seed',
  'flavors.extraSpecs.list': '000/004 navigation only: no example in any seed',
  'flavors.extraSpecs.get': '000/004 navigation only: no example in any seed',
  'networks.list': '001 Table 1.3 names its rate limit and the navigation the page; no example in any seed',
  'networks.create': 'navigation only: no example in any seed',
  'networks.get': 'navigation only: no example in any seed',
  'networks.delete': 'navigation only: no example in any seed',
  'keypairs.list': '000 navigation only; hp cassette from 003 §4.4.9.1',
  'keypairs.create': '000 navigation only; hp cassette from 003 §4.4.9.2',
  'keypairs.get': '000 navigation only; hp cassette from 003 §4.4.9.3',
  'keypairs.delete': '000 navigation only; hp cassette from 003 §4.4.9.4',
  'quotas.get': 'navigation only: no example in any seed',
}

function committedFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort()
}

function cassetteFor(operation: string, dialect: string, format: string) {
  return built.find(({ name }) => name.kind === 'operation' && name.operation === operation && name.dialect === dialect && name.format === format)
}

describe('cassettes/library', () => {
  test('is up to date with the builder (run npm run build:library when this fails)', () => {
    expect(committedFiles(LIBRARY)).toEqual(built.map(({ file }) => file))
    for (const file of built) expect(readFileSync(join(LIBRARY, file.file), 'utf8'), file.file).toBe(file.text)
  })

  test("README's library tables are up to date with the builder", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    expect(replaceLibraryReadmeBlock(readme, built)).toBe(readme)
  })

  test('has a JSON cassette in each dialect that documents an operation, and lists the rows the seeds give no example for', () => {
    const missing: string[] = []
    for (const operation of OPERATIONS) {
      for (const dialect of ['rackspace', 'hp'] as const) {
        if (operation.dialects.includes(dialect) && !cassetteFor(operation.key, dialect, 'json')) missing.push(`${operation.key} (${dialect})`)
      }
    }
    expect(missing).toEqual([])
    const navigationOnly = OPERATIONS.filter((operation) => !operation.dialects.includes('rackspace')).filter((operation) => operation.dialects.includes('rackspace-nav'))
    expect(navigationOnly.map((operation) => operation.key).sort()).toEqual(Object.keys(NO_RACKSPACE_EXAMPLE).sort())
    for (const operation of navigationOnly) {
      expect(cassetteFor(operation.key, 'rackspace', 'json'), operation.key).toBeUndefined()
      expect(cassetteFor(operation.key, 'hp', 'json') !== undefined, `${operation.key}: ${NO_RACKSPACE_EXAMPLE[operation.key]}`).toBe(operation.dialects.includes('hp'))
    }
  })

  test('has an XML cassette for every XML example, and one file per operation, dialect and format', () => {
    const xmlExamples = built.filter(({ source }) => source.endsWith('.xml.json'))
    expect(xmlExamples.length).toBeGreaterThan(100)
    for (const { name, file } of xmlExamples) expect(name.kind === 'operation' && name.format === 'xml' && file.endsWith('.xml.json'), file).toBe(true)
    expect(new Set(built.map(({ cassette }) => cassette.name)).size).toBe(built.length)
  })

  test('names the source section and the repairs of every cassette in its metadata', () => {
    for (const { file, cassette } of built) {
      expect(cassette.meta?.sources?.length, file).toBeGreaterThan(0)
      for (const source of cassette.meta?.sources ?? []) {
        expect(source.document, file).toMatch(/^\d{3}$/)
        expect(source.section, file).not.toBe('')
        expect(Array.isArray(source.repairs), file).toBe(true)
      }
    }
    const create = built.find(({ cassette }) => cassette.name === 'library/servers.create')
    expect(create?.cassette.meta?.sources?.[0]?.repairs?.join(' ')).toContain('page break')
  })

  test('has every scenario, in recorded order, with consistent placeholder ids', () => {
    const boot = built.find(({ cassette }) => cassette.name === 'library/scenarios/boot-and-poll-active')?.cassette
    expect(boot?.interactions.map((interaction) => interaction.operation)).toEqual(expect.arrayContaining(['identity.tokens.create', 'servers.create', 'servers.get']))
    const polls = boot?.interactions.filter((interaction) => interaction.operation === 'servers.get') ?? []
    expect(new Set(polls.map((interaction) => interaction.params['server_id'])).size).toBe(1)
    expect(polls.map((interaction) => interaction.occurrence)).toEqual(polls.map((_, index) => index))
  })

  test('passes the schema and lint: no surviving secrets', async () => {
    for (const file of built) parseCassette(file.text, file.file)
    const report = await lintPath(LIBRARY)
    expect(report.findings).toEqual([])
    expect(report.files).toBe(built.length)
  })

  test('is redacted: none of the documents\' credentials survive', () => {
    const secrets = ['MyRackspacePwd', 'Dd5pNZtpVVQ3', '858fb4c2', 'eaaafd18-0fed-4b3a-81b4-663c99ec1cbb', 'BEGIN RSA PRIVATE KEY', 'HPAuth_']
    for (const { file, text } of built) for (const secret of secrets) expect(text.includes(secret), `${file} holds ${secret}`).toBe(false)
  })
})
