import { describe, expect, test } from 'vitest'
import { isCloudtapeError } from '../../cassettes/errors.js'
import { parseOperationExample, parseScenarioExample } from '../../scripts/library/example-schema.js'

const VALID = {
  operation: 'servers.action.reboot',
  dialect: 'rackspace',
  format: 'json',
  sources: [{ document: '001', section: '§2.3.2 Example 2.30', repairs: [] }],
  request: {
    method: 'POST',
    url: 'https://dfw.servers.api.rackspacecloud.com/v2/010101/servers/abc/action',
    headers: { 'content-type': 'application/json' },
    body: '{"reboot": {"type": "HARD"}}',
  },
  response: { status: 202, headers: {}, body: null },
}

function failure(text: string): { code: string; message: string } {
  try {
    parseOperationExample(text, 'bad.json.json')
  } catch (error) {
    if (isCloudtapeError(error)) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('expected parseOperationExample to fail')
}

function withChange(change: (copy: Record<string, any>) => void): string {
  const copy = structuredClone(VALID) as Record<string, any>
  change(copy)
  return JSON.stringify(copy)
}

describe('parseOperationExample', () => {
  test('accepts a well-formed example and returns it typed', () => {
    expect(parseOperationExample(JSON.stringify(VALID), 'ok.json').request.method).toBe('POST')
  })

  test.each([
    ['malformed JSON', '{"operation": ', '$ is not JSON'],
    ['truncated file', JSON.stringify(VALID).slice(0, 40), '$ is not JSON'],
    ['an array root', '[]', '$ must be a JSON object'],
    ['a missing field', withChange((c) => delete c['response']), '$.response is missing'],
    ['an unknown field', withChange((c) => (c['notes'] = [])), '$.notes is not a known field'],
    ['an unknown dialect', withChange((c) => (c['dialect'] = 'nova')), '$.dialect must be one of: rackspace, hp'],
    ['no sources', withChange((c) => (c['sources'] = [])), '$.sources must be a non-empty array'],
    ['a source without repairs', withChange((c) => delete c['sources'][0]['repairs']), '$.sources[0].repairs is missing'],
    ['a bad document number', withChange((c) => (c['sources'][0]['document'] = '1')), '$.sources[0].document must be a seed document number'],
    ['a relative URL', withChange((c) => (c['request']['url'] = '/v2/010101/servers')), '$.request.url must be an absolute'],
    ['an unknown method', withChange((c) => (c['request']['method'] = 'FETCH')), '$.request.method must be one of'],
    ['an uppercase header', withChange((c) => (c['request']['headers'] = { Accept: 'x' })), '$.request.headers.Accept must be a lowercase header name'],
    ['a status out of range', withChange((c) => (c['response']['status'] = 99)), '$.response.status must be an HTTP status code'],
    ['an empty body string', withChange((c) => (c['response']['body'] = '')), '$.response.body must be null rather than empty'],
    ['a JSON value as body', withChange((c) => (c['response']['body'] = { a: 1 })), '$.response.body must be the body text or null'],
  ])('fails with ERR_CLOUDTAPE_CASSETTE_INVALID on %s', (_, text, expected) => {
    const { code, message } = failure(text)
    expect(code).toBe('ERR_CLOUDTAPE_CASSETTE_INVALID')
    expect(message).toContain('bad.json.json')
    expect(message).toContain(expected)
  })
})

describe('parseScenarioExample', () => {
  const scenario = {
    name: 'reboot',
    description: 'reboot a server',
    dialect: 'rackspace',
    format: 'json',
    sources: VALID.sources,
    exchanges: [{ operation: VALID.operation, request: VALID.request, response: VALID.response }],
  }

  test('accepts a well-formed scenario', () => {
    expect(parseScenarioExample(JSON.stringify(scenario), 'reboot.json').exchanges).toHaveLength(1)
  })

  test('fails with the JSON path of a broken step', () => {
    const broken = { ...scenario, exchanges: [{ ...scenario.exchanges[0], response: { status: 202, headers: {} } }] }
    expect(() => parseScenarioExample(JSON.stringify(broken), 'reboot.json')).toThrow('$.exchanges[0].response.body is missing')
  })

  test('fails when a scenario has no exchanges', () => {
    expect(() => parseScenarioExample(JSON.stringify({ ...scenario, exchanges: [] }), 'empty.json')).toThrow(
      '$.exchanges must be a non-empty array',
    )
  })
})
