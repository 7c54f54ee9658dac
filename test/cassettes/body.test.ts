import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { classifyBody, decodeBody, decodeContentEncoding, encodeStoredBody, toStoredBody } from '../../cassettes/body.js'

const json = (text: string) => Buffer.from(text, 'utf8')

describe('body codec', () => {
  test('stores a JSON body as a JSON value', () => {
    expect(decodeBody(json('{"server": {"id": "x", "progress": 100}}'), { contentType: 'application/json' })).toEqual({
      kind: 'json',
      json: { server: { id: 'x', progress: 100 } },
    })
  })

  test('keeps JSON as text when re-serializing would lose something', () => {
    const duplicate = '{"a": 1, "a": 2}'
    const bigInteger = '{"id": 12345678901234567890}'
    const decimal = '{"ram": 1.0}'
    for (const text of [duplicate, bigInteger, decimal]) {
      expect(decodeBody(json(text), { contentType: 'application/json' })).toEqual({ kind: 'text', text })
    }
  })

  test('keeps escapes, whitespace and key order as JSON (they carry no meaning)', () => {
    const body = decodeBody(json('{ "name" : "caf\\u00e9\\/x", "2": 1, "b": [ ] }'), { contentType: 'application/json; charset=UTF-8' })
    expect(body).toEqual({ kind: 'json', json: { name: 'café/x', 2: 1, b: [] } })
  })

  test('stores XML as its text and replays it byte for byte', () => {
    const xml = "<?xml version='1.0' encoding='UTF-8'?>\n<server xmlns=\"http://docs.openstack.org/compute/api/v1.1\"  id='1'/>\n"
    const body = decodeBody(json(xml), { contentType: 'application/xml' })
    expect(body).toEqual({ kind: 'xml', text: xml })
    expect(encodeStoredBody(body).toString('utf8')).toBe(xml)
  })

  test('stores malformed JSON and XML as text', () => {
    expect(decodeBody(json('{"server": '), { contentType: 'application/json' })).toEqual({ kind: 'text', text: '{"server": ' })
    expect(decodeBody(json('<server><name></server>'), { contentType: 'application/xml' })).toEqual({ kind: 'text', text: '<server><name></server>' })
  })

  test('stores binary and invalid UTF-8 as base64, and decodes it back exactly', () => {
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x41, 0xc3])
    const body = decodeBody(bytes, { contentType: 'text/plain' })
    expect(body).toEqual({ kind: 'base64', base64: bytes.toString('base64') })
    expect(encodeStoredBody(body).equals(bytes)).toBe(true)
  })

  test('sniffs JSON and XML when there is no content type', () => {
    expect(classifyBody(json('[1,2]'), undefined)).toEqual({ kind: 'json', json: [1, 2] })
    expect(classifyBody(json(' <a/>'), undefined)).toEqual({ kind: 'xml', text: ' <a/>' })
    expect(classifyBody(json('hello'), undefined)).toEqual({ kind: 'text', text: 'hello' })
    expect(classifyBody(Buffer.alloc(0), 'application/json')).toBeNull()
  })

  test.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync],
    ['br', brotliCompressSync],
  ] as const)('decodes %s bodies', (encoding, compress) => {
    const body = decodeBody(compress(json('{"ok": true}')), { contentType: 'application/json', contentEncoding: encoding })
    expect(body).toEqual({ kind: 'json', json: { ok: true } })
  })

  test('keeps a body that claims an encoding it does not have', () => {
    expect(decodeContentEncoding(json('plain'), 'gzip').toString()).toBe('plain')
  })

  test('keeps a prefix and a truncated mark over the size cap, never splitting a character', () => {
    const stored = toStoredBody({ kind: 'text', text: 'ééééé' }, 5)
    expect(stored).toEqual({ kind: 'text', text: 'éé', truncated: { originalBytes: 10, keptBytes: 4 } })
    const fromJson = toStoredBody({ kind: 'json', json: { a: 'xxxxxxxx' } }, 8)
    expect(fromJson).toEqual({ kind: 'text', text: '{"a":"xx', truncated: { originalBytes: 16, keptBytes: 8 } })
    const binary = toStoredBody({ kind: 'base64', bytes: Buffer.from([1, 2, 3, 4]) }, 2)
    expect(binary).toEqual({ kind: 'base64', base64: Buffer.from([1, 2]).toString('base64'), truncated: { originalBytes: 4, keptBytes: 2 } })
  })

  test('keeps very deep JSON as text', () => {
    const deep = '['.repeat(300) + ']'.repeat(300)
    expect(decodeBody(json(deep), { contentType: 'application/json' })?.kind).toBe('text')
  })

  test('encodes JSON compactly and an absent body as empty', () => {
    expect(encodeStoredBody({ kind: 'json', json: { a: [1] } }).toString()).toBe('{"a":[1]}')
    expect(encodeStoredBody(null).length).toBe(0)
  })
})
