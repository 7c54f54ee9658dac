import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { canRecode, contentCodings, decodeBody, encodeBody } from '../../proxy/encoding.js'

const BODY = Buffer.from('{"server":{"links":[{"href":"https://dfw.servers.api.rackspacecloud.com/v2/1/servers/a","rel":"self"}]}}')

describe('content codings of held bodies', () => {
  test.each([
    ['gzip', gzipSync(BODY)],
    ['deflate', deflateSync(BODY)],
    ['br', brotliCompressSync(BODY)],
  ])('decodes %s and encodes it again', async (coding, wire) => {
    expect(await decodeBody(wire, [coding])).toEqual(BODY)
    expect(await decodeBody(await encodeBody(BODY, [coding]), [coding])).toEqual(BODY)
  })

  test('reads the codings in order, identity dropped, and knows which it can redo', () => {
    expect(contentCodings('identity, GZIP')).toEqual(['gzip'])
    expect(contentCodings(undefined)).toEqual([])
    expect(canRecode(['gzip', 'br'])).toBe(true)
    expect(canRecode(['zstd'])).toBe(false)
  })

  test('fails on a corrupt body (the proxy then passes it on unchanged)', async () => {
    await expect(decodeBody(Buffer.from('not gzip'), ['gzip'])).rejects.toThrow()
  })
})
