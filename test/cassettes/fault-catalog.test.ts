import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { XMLParser } from 'fast-xml-parser'
import { describe, expect, test } from 'vitest'
import { FAULTS, FAULT_NAMESPACES, faultsForDialect, getFault, renderFault } from '../../cassettes/fault-catalog.js'

const TABLE = fileURLToPath(new URL('../../../shared/api/faults.tsv', import.meta.url))

describe('fault catalog', () => {
  test.runIf(existsSync(TABLE))('matches ../shared/api/faults.tsv for the rackspace and hp dialects', () => {
    const rows = readFileSync(TABLE, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .slice(1)
      .map((line) => line.split('\t'))
    expect(FAULTS.map((fault) => fault.name)).toEqual(rows.map(([name]) => name))
    for (const [name, code, dialects, all, notes] of rows) {
      const fault = getFault(name ?? '')
      expect(fault?.code).toBe(Number(code))
      expect(fault?.dialects.filter((dialect) => dialect !== 'nova').join(',')).toBe(dialects)
      expect(fault?.all).toBe(all === 'yes')
      expect(fault?.notes).toBe(notes ?? '')
    }
  })

  test('lists the faults of each dialect', () => {
    expect(faultsForDialect('hp').map((fault) => fault.name)).toContain('conflictingRequest')
    expect(faultsForDialect('hp').map((fault) => fault.name)).not.toContain('buildInProgress')
    expect(faultsForDialect('rackspace').map((fault) => fault.name)).toContain('buildInProgress')
    expect(faultsForDialect('nova').map((fault) => fault.name)).toEqual(
      expect.arrayContaining(['conflictingRequest', 'forbidden', 'computeFault', 'itemNotFound']),
    )
  })
})

describe('renderFault', () => {
  test('renders the 001 Example 1.49 itemNotFound body as JSON', () => {
    const fault = renderFault({ name: 'itemNotFound', dialect: 'rackspace', format: 'json', message: 'Not Found', details: 'Error Details...' })
    expect(fault.status).toBe(404)
    expect(JSON.parse(fault.body)).toEqual({ itemNotFound: { code: 404, message: 'Not Found', details: 'Error Details...' } })
  })

  test('renders overLimit with retryAt in the v1.1 namespace for rackspace XML (001 Example 1.52)', () => {
    const fault = renderFault({ name: 'overLimit', dialect: 'rackspace', format: 'xml', message: 'OverLimit Retry...', details: 'Error Details...', retryAt: '2010-08-01T00:00:00Z' })
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(fault.body)
    expect(fault).toMatchObject({ status: 413, contentType: 'application/xml' })
    expect(parsed.overLimit).toEqual({
      '@xmlns': FAULT_NAMESPACES.rackspace,
      '@code': '413',
      '@retryAt': '2010-08-01T00:00:00Z',
      message: 'OverLimit Retry...',
      details: 'Error Details...',
    })
  })

  test('uses the v2 namespace and no retryAt for hp', () => {
    const fault = renderFault({ name: 'overLimit', dialect: 'hp', format: 'xml', retryAt: '2010-08-01T00:00:00Z' })
    expect(fault.body).toContain('xmlns="http://docs.openstack.org/compute/api/v2"')
    expect(fault.body).not.toContain('retryAt')
  })

  test('answers Nova requests in JSON only, without details, with its error content type', () => {
    const fault = renderFault({ name: 'conflictingRequest', dialect: 'nova', format: 'xml' })
    expect(fault.contentType).toBe('application/json; charset=UTF-8')
    expect(Object.keys(JSON.parse(fault.body).conflictingRequest)).toEqual(['code', 'message'])
  })

  // Bodies copied from real Nova Zed answers (../shared/nova-local/README.md, the real-Nova lane).
  test.each([
    [404, 'itemNotFound', 'Instance 00000000-0000-0000-0000-000000000000 could not be found.'],
    [409, 'conflictingRequest', "Cannot 'reboot' instance 7de1eb6e-b176-4033-89fe-63df4e60cdc7 while it is in vm_state building"],
    [403, 'forbidden', 'Quota exceeded for instances: Requested 1, but already used 1 of 1 instances'],
    [400, 'badRequest', 'Malformed request body'],
    [406, 'computeFault', 'Version 9.99 is not supported by the API. Minimum is 2.1 and maximum is 2.93.'],
  ])('renders Nova %i %s byte for byte as Nova sends it', (code, name, message) => {
    const fault = renderFault({ name, dialect: 'nova', format: 'json', code, message })
    expect(fault).toEqual({
      status: code,
      contentType: 'application/json; charset=UTF-8',
      body: `{"${name}": {"code": ${code}, "message": ${JSON.stringify(message)}}}`,
    })
  })

  test('escapes non-ASCII in Nova bodies as Python json.dumps does', () => {
    const fault = renderFault({ name: 'badRequest', dialect: 'nova', format: 'json', message: 'caf\u00e9 \u{1F600} "q"' })
    expect(fault.body).toBe('{"badRequest": {"code": 400, "message": "caf\\u00e9 \\ud83d\\ude00 \\"q\\""}}')
    expect(JSON.parse(fault.body)).toEqual({ badRequest: { code: 400, message: 'caf\u00e9 \u{1F600} "q"' } })
  })

  test('escapes markup in messages', () => {
    const fault = renderFault({ name: 'badRequest', dialect: 'hp', format: 'xml', message: 'bad <server> & "name"' })
    expect(fault.body).toContain('<message>bad &lt;server&gt; &amp; &quot;name&quot;</message>')
  })
})
