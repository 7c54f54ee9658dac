import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CloudtapeError, parseCassette } from '../cassettes/index.js'
import type { Dialect } from '../cassettes/index.js'
import { LIBRARY_DIALECTS, LIBRARY_PREFIX, LIBRARY_SCENARIOS, libraryFileOfName, libraryNameOfFile } from './library-names.js'

/**
 * The cassette library shipped with cloudtape (cassettes/library/, built by npm run build:library):
 * where it is, what a `library/...` name resolves to, and what it holds.
 */

let root: string | undefined

/** The library folder: `cassettes/library` of the cloudtape package, found from this file in source or in dist/. */
export function libraryDir(): string {
  if (root !== undefined) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let depth = 0; depth < 4; depth += 1) {
    if (isCloudtapePackage(dir)) return (root = join(dir, 'cassettes', 'library'))
    dir = dirname(dir)
  }
  throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_NOT_FOUND', `The cassette library cannot be found: no cloudtape package.json above ${fileURLToPath(import.meta.url)}. Reinstall cloudtape.`)
}

function isCloudtapePackage(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'cloudtape'
  } catch {
    return false
  }
}

/**
 * The file a `library/...` name means (see library-names.ts). Fails with ERR_CLOUDTAPE_CASSETTE_NAME
 * for names that would leave the library folder, and ERR_CLOUDTAPE_CASSETTE_NOT_FOUND, listing the
 * closest names, for names the library does not have.
 */
export function libraryCassettePath(name: string): string {
  const path = insideLibrary(name, libraryFileOfName(name))
  if (!isFile(path)) throw unknownLibraryName(name)
  return path
}

/**
 * What `cloudtape lint` checks for a library argument: `library` is the whole folder, `library/hp`,
 * `library/rackspace` and `library/scenarios` are its folders, anything else a cassette.
 */
export function libraryLintPath(name: string): string {
  const rest = name === 'library' ? '' : name.slice(LIBRARY_PREFIX.length).replace(/\/$/, '')
  if (rest === '') return libraryDir()
  if ([...LIBRARY_DIALECTS, LIBRARY_SCENARIOS].includes(rest)) return join(libraryDir(), rest)
  return libraryCassettePath(name)
}

function insideLibrary(name: string, file: string): string {
  const path = join(libraryDir(), ...file.split('/'))
  const inside = relative(libraryDir(), path)
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_NAME', `Invalid library cassette name ${JSON.stringify(name)}: it resolves outside the library folder. \`cloudtape library\` lists the names.`)
  }
  return path
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** Every library file, relative to the library folder, `/`-separated and sorted. */
function libraryFiles(): string[] {
  if (!existsSync(libraryDir())) return []
  return readdirSync(libraryDir(), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => relative(libraryDir(), join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort()
}

/** Every canonical library name (`library/servers.create`, `library/hp/...`, `library/scenarios/...`), sorted. */
export function libraryNames(): string[] {
  return libraryFiles().map(libraryNameOfFile).sort()
}

function unknownLibraryName(name: string): CloudtapeError {
  const close = closeNames(name.replace(/\.json$/i, ''), libraryNames())
  const hint = close.length > 0 ? ` Close names: ${close.join(', ')}.` : ''
  return new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_NOT_FOUND', `The cassette library has no "${name}".${hint} \`cloudtape library\` lists every library cassette.`)
}

/** Up to five names nearest to `wanted` by edit distance (the library's own spelling of the same thing). */
export function closeNames(wanted: string, names: readonly string[]): string[] {
  const limit = Math.max(3, Math.floor(wanted.length / 3))
  return names
    .map((name) => ({ name, distance: editDistance(wanted, name) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : 1))
    .slice(0, 5)
    .map(({ name }) => name)
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i]
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] as number
}

/** One library cassette, as `cloudtape library` lists it. */
export interface LibraryEntry {
  /** What to pass to useCassette, createReplayServer or the CLI. */
  readonly name: string
  readonly kind: 'operation' | 'scenario'
  /** The operation key of an operation cassette; null for a scenario. */
  readonly operation: string | null
  /** Every operation the cassette holds, in recorded order, without repeats. */
  readonly operations: readonly string[]
  readonly dialect: Dialect
  readonly format: 'json' | 'xml'
  readonly interactions: number
  readonly description: string
  /** The file, relative to the library folder. */
  readonly file: string
}

/** Reads every library cassette (validated) and describes it: rackspace operations, hp operations, scenarios. */
export async function listLibraryCassettes(): Promise<LibraryEntry[]> {
  const entries = await Promise.all(
    libraryFiles().map(async (file): Promise<LibraryEntry> => {
      const cassette = parseCassette(await readFile(join(libraryDir(), ...file.split('/')), 'utf8'), `library/${file}`)
      const operations = [...new Set(cassette.interactions.map((interaction) => interaction.operation))]
      const kind = file.startsWith(`${LIBRARY_SCENARIOS}/`) ? 'scenario' : 'operation'
      return {
        name: libraryNameOfFile(file),
        kind,
        operation: kind === 'operation' ? (operations[0] ?? null) : null,
        operations,
        dialect: cassette.dialect,
        format: cassette.interactions[0]?.format ?? 'json',
        interactions: cassette.interactions.length,
        description: cassette.meta?.description ?? '',
        file,
      }
    }),
  )
  return entries.sort((a, b) => listingOrder(a).localeCompare(listingOrder(b), 'en'))
}

/** Rackspace operations, then hp operations, then scenarios; by name within each. */
function listingOrder(entry: LibraryEntry): string {
  return `${entry.kind === 'scenario' ? 2 : entry.dialect === 'rackspace' ? 0 : 1} ${entry.name}`
}
