import { CloudtapeError } from '../../cassettes/errors.js'
import { OPERATIONS } from '../../cassettes/operation-catalog.js'
import type { LibraryFile } from './build-library.js'

/** The README's library tables sit between these markers; the builder rewrites what is between. */
export const README_START = '<!-- library-tables:start (npm run build:library writes this part) -->'
export const README_END = '<!-- library-tables:end -->'

/** `readme` with the tables between the markers replaced by the ones `files` give. */
export function replaceLibraryReadmeBlock(readme: string, files: readonly LibraryFile[]): string {
  const start = readme.indexOf(README_START)
  const end = readme.indexOf(README_END)
  if (start < 0 || end < start) {
    throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `README.md has no library tables block. Add the lines\n${README_START}\n${README_END}\nto its "Cassette library" section and run npm run build:library again.`)
  }
  return `${readme.slice(0, start + README_START.length)}\n${libraryTables(files)}${readme.slice(end)}`
}

/** One row per documented operation (in operations.tsv order) with its formats per dialect, then the scenarios. */
export function libraryTables(files: readonly LibraryFile[]): string {
  const formats = new Map<string, string[]>()
  const scenarios: string[] = []
  for (const { name, cassette } of files) {
    if (name.kind === 'scenario') {
      const format = cassette.interactions[0]?.format ?? 'json'
      scenarios.push(`| \`library/scenarios/${name.scenario}\` | ${cassette.dialect} | ${format} | ${cassette.interactions.length} | ${cassette.meta?.description ?? ''} |`)
      continue
    }
    const key = `${name.operation}\u0000${name.dialect}`
    formats.set(key, [...(formats.get(key) ?? []), name.format])
  }
  const cell = (operation: string, dialect: string): string => (formats.get(`${operation}\u0000${dialect}`) ?? []).sort().join(', ') || '-'
  const operations = OPERATIONS.filter((operation) => formats.has(`${operation.key}\u0000rackspace`) || formats.has(`${operation.key}\u0000hp`)).map(
    (operation) => `| \`${operation.key}\` | ${cell(operation.key, 'rackspace')} | ${cell(operation.key, 'hp')} |`,
  )
  return [
    '| operation | rackspace (`library/<operation>[.xml]`) | hp (`library/hp/<operation>[.xml]`) |',
    '|---|---|---|',
    ...operations,
    '',
    '| scenario | dialect | format | interactions | story |',
    '|---|---|---|---|---|',
    ...scenarios,
    '',
  ].join('\n')
}
