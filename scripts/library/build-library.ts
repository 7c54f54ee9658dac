import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createFakeClock } from '../../cassettes/clock.js'
import { serializeCassette } from '../../cassettes/cassette-format.js'
import { CloudtapeError } from '../../cassettes/errors.js'
import { lintCassetteText } from '../../cassettes/lint.js'
import { createCassetteRecorder, type RawExchange } from '../../cassettes/recorder.js'
import type { Cassette, CassetteMeta } from '../../cassettes/schema.js'
import {
  EXAMPLE_DIALECTS,
  parseOperationExample,
  parseScenarioExample,
  type ExampleExchange,
  type ExampleSource,
  type OperationExample,
  type ScenarioExample,
} from './example-schema.js'
import { libraryFileOf, type LibraryCassetteName } from '../../replay/library-names.js'

/**
 * Turns the curated examples and scenarios (scripts/library/) into the cassettes of
 * cassettes/library/, each exchange passing through the core recorder, so a library cassette gets
 * exactly the normalization and redaction a recorded one gets. Pure: the same sources give the
 * same bytes (a fixed clock per document, files in sorted order).
 */

/** One file the builder writes, relative to cassettes/library/. */
export interface LibraryFile {
  readonly file: string
  readonly name: LibraryCassetteName
  readonly cassette: Cassette
  readonly text: string
  /** Where it came from, relative to scripts/library/. */
  readonly source: string
}

/**
 * `recordedAt` of a library cassette: the date of its newest source document (001 is dated
 * 2013-03-26, 003 May 2014; the pages 000/002 say ©2015 and 004 ©2020).
 */
export const DOCUMENT_DATES: Readonly<Record<string, string>> = {
  '000': '2015-01-01T00:00:00Z',
  '001': '2013-03-26T00:00:00Z',
  '002': '2015-01-01T00:00:00Z',
  '003': '2014-05-01T00:00:00Z',
  '004': '2020-01-01T00:00:00Z',
}

/** Builds every library cassette from `sourceDir` (scripts/library/), sorted by file. */
export function buildLibrary(sourceDir: string): LibraryFile[] {
  const files: LibraryFile[] = []
  for (const dialect of EXAMPLE_DIALECTS) {
    for (const file of jsonFiles(join(sourceDir, 'examples', dialect))) {
      const source = `examples/${dialect}/${file}`
      const example = parseOperationExample(readFileSync(join(sourceDir, source), 'utf8'), source)
      files.push(buildOperationCassette(example, source))
    }
  }
  for (const file of jsonFiles(join(sourceDir, 'scenarios'))) {
    const source = `scenarios/${file}`
    files.push(buildScenarioCassette(parseScenarioExample(readFileSync(join(sourceDir, source), 'utf8'), source), source))
  }
  return files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
}

function buildOperationCassette(example: OperationExample, source: string): LibraryFile {
  const name: LibraryCassetteName = { kind: 'operation', dialect: example.dialect, operation: example.operation, format: example.format }
  const meta: CassetteMeta = {
    description: `${example.operation} (${example.dialect}, ${example.format.toUpperCase()}) as documented in ${describeSources(example.sources)}`,
    sources: example.sources.map(toCassetteSource),
    notes: [`built by npm run build:library from scripts/library/${source}`],
  }
  return record(name, source, example.sources, meta, [{ operation: example.operation, format: example.format, exchange: example }])
}

function buildScenarioCassette(scenario: ScenarioExample, source: string): LibraryFile {
  const name: LibraryCassetteName = { kind: 'scenario', scenario: scenario.name }
  const meta: CassetteMeta = {
    description: scenario.description,
    sources: scenario.sources.map(toCassetteSource),
    notes: [`built by npm run build:library from scripts/library/${source}`],
  }
  const steps = scenario.exchanges.map((exchange) => ({ operation: exchange.operation, format: scenario.format, exchange }))
  return record(name, source, scenario.sources, meta, steps, scenario.dialect)
}

interface Step {
  readonly operation: string
  readonly format: string
  readonly exchange: ExampleExchange
}

function record(name: LibraryCassetteName, source: string, sources: readonly ExampleSource[], meta: CassetteMeta, steps: readonly Step[], scenarioDialect?: string): LibraryFile {
  const { file, cassetteName } = libraryFileOf(name)
  const dialect = name.kind === 'operation' ? name.dialect : scenarioDialect
  if (dialect !== 'rackspace' && dialect !== 'hp') throw buildError(source, `has no library dialect (${String(dialect)})`)
  const recorder = createCassetteRecorder({ name: cassetteName, dialect, clock: createFakeClock(recordedAt(sources, source)), meta })
  steps.forEach((step, index) => {
    const interaction = recorder.record(toRawExchange(step.exchange))
    if (interaction.operation !== step.operation || interaction.format !== step.format) {
      throw buildError(source, `step ${index + 1} records as ${interaction.operation} (${interaction.format}), not ${step.operation} (${step.format})`)
    }
  })
  const cassette = recorder.cassette()
  const text = serializeCassette(cassette)
  const { findings } = lintCassetteText(text, file)
  if (findings.length > 0) {
    throw buildError(source, `gives a cassette that lint rejects: ${findings.map((finding) => `${finding.path}: ${finding.reason}`).join('; ')}`)
  }
  return { file, name, cassette, text, source }
}

function toRawExchange(exchange: ExampleExchange): RawExchange {
  const { request, response } = exchange
  return {
    request: { method: request.method, url: request.url, headers: { ...request.headers }, body: Buffer.from(request.body ?? '', 'utf8') },
    response: { status: response.status, headers: { ...response.headers }, body: Buffer.from(response.body ?? '', 'utf8') },
  }
}

function recordedAt(sources: readonly ExampleSource[], source: string): string {
  const dates = sources.map((entry) => DOCUMENT_DATES[entry.document])
  if (dates.some((date) => date === undefined)) throw buildError(source, `names a document without a date in DOCUMENT_DATES (${sources.map((entry) => entry.document).join(', ')})`)
  return (dates as string[]).sort().at(-1) as string
}

function toCassetteSource(source: ExampleSource): { document: string; section: string; repairs: readonly string[] } {
  return { document: source.document, section: source.section, repairs: source.repairs }
}

function describeSources(sources: readonly ExampleSource[]): string {
  return sources.map((source) => `${source.document} ${source.section}`).join('; ')
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
}

function buildError(source: string, problem: string): CloudtapeError {
  return new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_INVALID', `Library source scripts/library/${source} ${problem}. Fix the source file and run npm run build:library again.`)
}
