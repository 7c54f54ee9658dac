import { describe, expect, test } from 'vitest'
import { documentedCodes, encodeStoredBody, getOperation } from '../../cassettes/index.js'
import type { Interaction, StoredBody } from '../../cassettes/index.js'
import { libraryNames } from '../../replay/library.js'
import type { EngineDescription } from '../contract/replay-engine.js'

/** The root of a body: the sorted top-level keys of JSON, the local name of the XML root element. */
export function bodyRoot(text: string, kind: StoredBody['kind'] | 'none'): string {
  if (kind === 'none' || text === '') return '(no body)'
  if (kind === 'json') {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value).sort().join(',') : typeof value
  }
  if (kind === 'xml') {
    const element = /<([A-Za-z_][\w.:-]*)/.exec(text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''))
    return element ? `<${(element[1] as string).replace(/^.*:/, '')}>` : '(no element)'
  }
  return kind
}

function requestUrl(interaction: Interaction, base: string): string {
  const { path, query } = interaction.request
  const search = query.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')
  return `${base}${path}${search === '' ? '' : `?${search}`}`
}

/**
 * Loads every library cassette by name into `engine` and sends each recorded request, in order:
 * the answer must have the recorded status, one the catalog documents for the operation in the
 * cassette's dialect, and the recorded body root; afterwards every interaction has been used.
 */
export function describeLibraryReplay(name: string, engine: EngineDescription): void {
  describe(`every library cassette replays through ${name}`, () => {
    for (const cassetteName of libraryNames()) {
      test(cassetteName, async () => {
        const tape = await engine.create(cassetteName)
        try {
          for (const interaction of tape.session.cassette.interactions) {
            const { request, response } = interaction
            const operation = getOperation(interaction.operation)
            expect(operation, `${interaction.operation} is a documented operation`).toBeDefined()
            const base = tape.session.routes.bases.get(request.origin) as string
            const body = encodeStoredBody(request.body)
            const answer = await engine.client(requestUrl(interaction, base), {
              method: request.method,
              headers: { ...request.headers },
              ...(body.length > 0 ? { body: body.toString('utf8') } : {}),
            })
            const at = `#${interaction.id} ${interaction.operation}`
            expect(answer.status, at).toBe(response?.status)
            expect(documentedCodes(operation!, interaction.dialect), at).toContain(answer.status)
            expect(bodyRoot(answer.text, response?.body?.kind ?? 'none'), at).toBe(bodyRoot(encodeStoredBody(response?.body ?? null).toString('utf8'), response?.body?.kind ?? 'none'))
          }
          tape.assertAllUsed()
        } finally {
          await tape.close()
        }
      })
    }
  })
}
