import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { XMLValidator } from 'fast-xml-parser'
import { describe, expect, test } from 'vitest'
import { OPERATIONS, documentedCodes, getOperation } from '../../cassettes/operation-catalog.js'
import { resolveOperation } from '../../cassettes/resolve-operation.js'
import { parseOperationExample, type OperationExample } from '../../scripts/library/example-schema.js'

const DIR = fileURLToPath(new URL('../../scripts/library/examples/hp/', import.meta.url))

const FILES = readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()

const EXAMPLES: ReadonlyArray<readonly [string, OperationExample]> = FILES.map((name) => [
  name,
  parseOperationExample(readFileSync(DIR + name, 'utf8'), `examples/hp/${name}`),
])

/**
 * Operations for which 003 prints an XML request or response body. Every other hp operation has
 * a JSON example only: deletes, whose 003 section gives no body at all, the volume attachment get
 * (JSON only in 003), volume types (no example in 003) and identity (not in 003).
 */
const XML_IN_003: readonly string[] = [
  'availabilityZones.list', 'extensions.get', 'extensions.list', 'flavors.get', 'flavors.list',
  'flavors.listDetail', 'floatingIps.create', 'floatingIps.get', 'floatingIps.list', 'images.get',
  'images.list', 'images.listDetail', 'images.metadata.get', 'images.metadata.list',
  'images.metadata.replace', 'images.metadata.set', 'images.metadata.update', 'keypairs.create',
  'keypairs.get', 'keypairs.list', 'limits.get', 'securityGroupRules.create', 'securityGroups.create',
  'securityGroups.get', 'securityGroups.list', 'servers.action.addFloatingIp',
  'servers.action.addSecurityGroup', 'servers.action.createImage', 'servers.action.os-getConsoleOutput',
  'servers.action.os-getVNCConsole', 'servers.action.os-start', 'servers.action.os-stop',
  'servers.action.reboot', 'servers.action.rebuild', 'servers.action.removeFloatingIp',
  'servers.action.removeSecurityGroup', 'servers.action.rescue', 'servers.action.unrescue', 'servers.create',
  'servers.get', 'servers.instanceActions.get', 'servers.instanceActions.list', 'servers.ips.getByNetwork',
  'servers.ips.list', 'servers.list', 'servers.listDetail', 'servers.metadata.get', 'servers.metadata.list',
  'servers.metadata.replace', 'servers.metadata.set', 'servers.metadata.update', 'servers.update',
  'servers.volumeAttachments.create', 'servers.volumeAttachments.list', 'versions.get',
  'volumeSnapshots.create', 'volumeSnapshots.get', 'volumeSnapshots.list', 'volumeSnapshots.listDetail',
  'volumes.create', 'volumes.get', 'volumes.list', 'volumes.listDetail',
]

/** Prefixes (element or attribute) a document uses that no xmlns:prefix declares. */
function undeclaredPrefixes(xml: string): string[] {
  const used = new Set<string>()
  for (const match of xml.matchAll(/<\/?([A-Za-z][\w.-]*):[\w.-]+/g)) used.add(match[1] as string)
  for (const match of xml.matchAll(/\s([A-Za-z][\w.-]*):[\w.-]+\s*=/g)) used.add(match[1] as string)
  used.delete('xmlns')
  const declared = new Set([...xml.matchAll(/xmlns:([\w.-]+)\s*=/g)].map((match) => match[1] as string))
  return [...used].filter((prefix) => !declared.has(prefix))
}

/** Throws when a body does not parse as what its content type says. */
function assertBodyParses(body: string | null, contentType: string | undefined, where: string): void {
  if (body === null) return
  expect(contentType, `${where} has a body but no content-type`).toBeDefined()
  if (/json/.test(contentType ?? '')) {
    expect(() => JSON.parse(body), `${where} is not valid JSON`).not.toThrow()
    return
  }
  expect(contentType, `${where}: unexpected content-type`).toMatch(/xml/)
  expect(XMLValidator.validate(body), `${where} is not well-formed XML`).toBe(true)
  expect(undeclaredPrefixes(body), `${where} uses undeclared namespace prefixes`).toEqual([])
}

describe('hp library examples (scripts/library/examples/hp)', () => {
  test('has a JSON example for every hp operation, and an XML one exactly where 003 gives XML', () => {
    const hpOperations = OPERATIONS.filter((operation) => operation.dialects.includes('hp')).map((operation) => operation.key)
    expect(hpOperations).toHaveLength(78)
    for (const key of XML_IN_003) expect(hpOperations, `${key} is not an hp operation`).toContain(key)
    const expected = [...hpOperations.map((key) => `${key}.json.json`), ...XML_IN_003.map((key) => `${key}.xml.json`)]
    expect(FILES).toEqual(expected.sort())
  })

  test.each(EXAMPLES)('%s is named after its operation and format, in the hp dialect', (name, example) => {
    expect(name).toBe(`${example.operation}.${example.format}.json`)
    expect(example.dialect).toBe('hp')
  })

  test.each(EXAMPLES)('%s cites 003 sections and lists its repairs', (_name, example) => {
    expect(example.sources.length).toBeGreaterThan(0)
    for (const source of example.sources) {
      expect(source.document).toBe('003')
      expect(source.section).toMatch(/^§\d+(\.\d+)*$/)
      for (const repair of source.repairs) expect(repair.trim().length).toBeGreaterThan(10)
    }
  })

  test.each(EXAMPLES)('%s has bodies that parse as their content type says', (name, example) => {
    assertBodyParses(example.request.body, example.request.headers['content-type'], `${name} request`)
    assertBodyParses(example.response.body, example.response.headers['content-type'], `${name} response`)
  })

  test.each(EXAMPLES)('%s answers in the format it asks for', (_name, example) => {
    expect(example.request.headers['accept']).toBe(`application/${example.format}`)
    const responseType = example.response.headers['content-type']
    if (example.response.body !== null) expect(responseType).toContain(example.format)
  })

  test.each(EXAMPLES)('%s resolves to its declared operation', (_name, example) => {
    const resolved = resolveOperation({
      method: example.request.method,
      url: example.request.url,
      body: example.request.body,
      contentType: example.request.headers['content-type'],
      accept: example.request.headers['accept'],
    })
    expect(resolved.reason).toBeUndefined()
    expect(resolved.key).toBe(example.operation)
    expect(resolved.documented).toBe(true)
    expect(resolved.format).toBe(example.format)
  })

  test.each(EXAMPLES)('%s answers with a documented hp status', (_name, example) => {
    const operation = getOperation(example.operation)
    expect(operation?.dialects).toContain('hp')
    expect(documentedCodes(operation!, 'hp')).toContain(example.response.status)
  })
})
