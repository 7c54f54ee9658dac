import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { serializeCassette } from '../../cassettes/cassette-format.js'
import { createFakeClock } from '../../cassettes/clock.js'
import { lintCassetteText } from '../../cassettes/lint.js'
import type { Dialect } from '../../cassettes/operation-catalog.js'
import { createCassetteRecorder } from '../../cassettes/recorder.js'

const ROOT = new URL('../../scripts/library/examples/', import.meta.url)

interface Example {
  operation: string
  request: { method: string; url: string; headers: Record<string, string>; body: string | null }
  response: { status: number; headers: Record<string, string>; body: string | null }
}

const examples = ['rackspace', 'hp'].flatMap((dialect) =>
  readdirSync(new URL(`${dialect}/`, ROOT)).map((file) => ({ dialect: dialect as Dialect, file, example: JSON.parse(readFileSync(join(ROOT.pathname, dialect, file), 'utf8')) as Example })),
)

/** Values the documents use for secrets, which must never come out of the recorder. */
const DOCUMENTED_SECRETS = /\\?"(?:adminPass|password|apiKey|private_key)\\?": ?\\?"(?!REDACTED-)|(?:adminPass|password|apiKey)=\\?"(?!REDACTED-)|<adminPass>(?!REDACTED-)|PRIVATE KEY-----/

describe('the documented examples of the library source data, recorded', () => {
  test('there are examples for both dialects', () => {
    expect(examples.filter((item) => item.dialect === 'hp').length).toBeGreaterThan(10)
    expect(examples.filter((item) => item.dialect === 'rackspace').length).toBeGreaterThan(10)
  })

  test.each(examples.map((item) => [`${item.dialect}/${item.file}`, item] as const))('records %s: the operation resolves, no secret survives, lint is clean', (_, { dialect, file, example }) => {
    const recorder = createCassetteRecorder({ name: file, dialect, clock: createFakeClock(0) })
    const interaction = recorder.record({
      request: { ...example.request, body: Buffer.from(example.request.body ?? '') },
      response: { ...example.response, body: Buffer.from(example.response.body ?? '') },
    })
    expect(interaction.operation).toBe(example.operation)
    const written = serializeCassette(recorder.cassette())
    expect(written).not.toMatch(DOCUMENTED_SECRETS)
    expect(lintCassetteText(written, file).findings).toEqual([])
  })
})
