import { describe, expect, test } from 'vitest'
import { isCloudtapeError } from '../../cassettes/errors.js'
import { parseListen, RECORDING_PROXY_DEFAULTS, validateProxyOptions, type RecordingProxyOptions } from '../../proxy/options.js'

const VALID: RecordingProxyOptions = { targets: ['https://identity.api.rackspacecloud.com/v2.0'], cassette: 'cassettes/boot' }

function invalidMessage(options: unknown): string {
  try {
    validateProxyOptions(options as RecordingProxyOptions)
  } catch (error) {
    expect(isCloudtapeError(error, 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
    return (error as Error).message
  }
  throw new Error('expected the options to be refused')
}

describe('validateProxyOptions', () => {
  test('applies the defaults: loopback, a free port, record mode, .json appended', () => {
    const options = validateProxyOptions(VALID)
    expect(options).toMatchObject({ host: '127.0.0.1', port: 0, mode: 'record', cassettePath: 'cassettes/boot.json', dialect: undefined })
    expect(options.maxBodyBytes).toBe(RECORDING_PROXY_DEFAULTS.maxBodyBytes)
    expect(options.targets.map(String)).toEqual(['https://identity.api.rackspacecloud.com/v2.0'])
  })

  test('accepts a single target string and keeps a .json cassette path as it is', () => {
    const options = validateProxyOptions({ targets: 'http://127.0.0.1:5000/v2.0', cassette: 'a/b.json', mode: 'once', dialect: 'hp' })
    expect(options).toMatchObject({ cassettePath: 'a/b.json', mode: 'once', dialect: 'hp' })
  })

  test('fails with the valid modes listed when the mode is unknown', () => {
    expect(invalidMessage({ ...VALID, mode: 'replya' })).toContain('Expected one of: record, once, passthrough')
  })

  test('fails with the valid dialects listed when the dialect is unknown', () => {
    expect(invalidMessage({ ...VALID, dialect: 'aws' })).toContain('Expected one of: rackspace, hp, nova')
  })

  test.each([
    [[], 'No target given'],
    [['ftp://example.com/v2.0'], 'Invalid target "ftp://example.com/v2.0"'],
    [['not a url'], 'Expected an absolute http(s) URL'],
    [['https://user:secret@identity.example.com/v2.0'], 'no credentials in the URL'],
  ])('fails when the targets are %j', (targets, message) => {
    expect(invalidMessage({ ...VALID, targets })).toContain(message)
  })

  test.each([[''], ['  '], ['a\0b'], [42]])('fails when the cassette path is %j', (cassette) => {
    expect(invalidMessage({ ...VALID, cassette })).toContain('Expected a file path')
  })

  test.each([[0], [-1], [1.5], ['10']])('fails when maxBodyBytes is %j', (maxBodyBytes) => {
    expect(invalidMessage({ ...VALID, maxBodyBytes })).toContain('Expected a positive integer')
  })

  test('fails when the options are not an object', () => {
    expect(invalidMessage(null)).toContain('expected an object')
  })
})

describe('parseListen', () => {
  test.each([
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['8080', { host: '127.0.0.1', port: 8080 }],
    ['localhost:9000', { host: 'localhost', port: 9000 }],
    ['[::1]:0', { host: '::1', port: 0 }],
  ])('reads %s', (listen, expected) => {
    expect(parseListen(listen)).toEqual(expected)
  })

  test.each([['127.0.0.1'], ['host:70000'], [':'], ['a b:1']])('fails with the accepted forms on %s', (listen) => {
    expect(invalidMessage({ ...VALID, listen })).toContain('Expected host:port')
  })
})
