import { readdir, readFile, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { appendThroughShadow, dropShadow } from './append-shadow.js'
import { entriesTail, INTERACTIONS_END, parseCassette, serializeCassette, serializeInteractionEntry } from './cassette-format.js'
import { CloudtapeError } from './errors.js'
import { inWriteQueue, writeAtomically, writeError } from './file-writes.js'
import type { Cassette, Interaction } from './schema.js'

/** Files bigger than this are refused before reading: a cassette this big is a mistake. */
export const MAX_CASSETTE_FILE_BYTES = 64 * 1024 * 1024

export interface LoadCassetteOptions {
  /** Default MAX_CASSETTE_FILE_BYTES. */
  readonly maxBytes?: number
}

/**
 * The file a `--cassette <path>` option names: `.json` is appended when the path has no
 * `.json` extension, so `--cassette tapes/boot` and `--cassette tapes/boot.json` are the same file.
 */
export function toCassetteFilePath(path: string): string {
  return /\.json$/i.test(path) ? path : `${path}.json`
}

/**
 * Reads and validates a cassette file. ERR_CLOUDTAPE_CASSETTE_NOT_FOUND when there is no file,
 * ERR_CLOUDTAPE_CASSETTE_INVALID when it is malformed, of an unknown version, or too big.
 */
export async function loadCassetteFile(path: string, options: LoadCassetteOptions = {}): Promise<Cassette> {
  const maxBytes = options.maxBytes ?? MAX_CASSETTE_FILE_BYTES
  let size: number
  try {
    const info = await stat(path)
    if (info.isDirectory()) throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_NOT_FOUND', `Cassette "${path}" is a folder, not a file. Pass the path of a cassette file (e.g. ${join(path, 'name.json')}).`)
    size = info.size
  } catch (error) {
    if (error instanceof CloudtapeError) throw error
    throw notFound(path, error)
  }
  if (size > maxBytes) {
    throw new CloudtapeError(
      'ERR_CLOUDTAPE_CASSETTE_INVALID',
      `Cassette "${path}" is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} cloudtape reads. Split the session into smaller cassettes, or record with a lower maxBodyBytes.`,
    )
  }
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw notFound(path, error)
  }
  return parseCassette(text, path)
}

function notFound(path: string, error: unknown): CloudtapeError {
  const code = (error as NodeJS.ErrnoException).code
  const why = code === 'ENOENT' ? 'there is no such file' : `it cannot be read (${(error as Error).message})`
  return new CloudtapeError(
    'ERR_CLOUDTAPE_CASSETTE_NOT_FOUND',
    `Cassette "${path}" cannot be loaded: ${why}. Check the path, or record it first with \`cloudtape record --target <url> --cassette ${path}\`.`,
    { cause: error },
  )
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`
}

/** A cassette file as this process last wrote it: what appending to it needs to know. */
export interface WrittenCassetteFile {
  readonly bytes: number
  readonly interactions: number
}

/**
 * Writes a cassette atomically: a temp file in the same folder, fsync, then rename over the
 * target. A crash leaves the previous complete file; concurrent saves of one path in this process
 * run in turn (the last one wins), and writers in other processes each rename a complete file.
 */
export function saveCassetteFile(path: string, cassette: Cassette): Promise<WrittenCassetteFile> {
  const text = Buffer.from(serializeCassette(cassette))
  const written: WrittenCassetteFile = { bytes: text.length, interactions: cassette.interactions.length }
  return inWriteQueue(path, async (key) => {
    // The whole file changes: a shadow of the old one is of no use to the next append.
    await dropShadow(key)
    await writeAtomically(key, (handle) => handle.writeFile(text))
    return written
  })
}

/**
 * Appends interactions to a cassette file this process wrote (`written` says how it left it),
 * atomically like saveCassetteFile but without serializing what the file already holds, and
 * without copying it: the new entries replace the closing brackets of the file's shadow (a
 * hidden copy with the same bytes, `.<file>.<pid>.<n>.shadow.tmp`), which is fsynced and renamed
 * over the file, while the file it replaces is kept under a new shadow name and given the same
 * entries. Each append writes its entries twice instead of the whole file once. The first append
 * after a save copies the file to make the shadow (as does any append whose shadow is missing,
 * changed or of the wrong size, and every append where the folder cannot hard-link). The bytes
 * are those saveCassetteFile would write for the whole cassette. Fails with
 * ERR_CLOUDTAPE_CASSETTE_WRITE, leaving the file alone, when its size is not the one it was
 * written with (someone else changed it). Call removeAppendShadow when done appending.
 */
export function appendToCassetteFile(path: string, written: WrittenCassetteFile, interactions: readonly Interaction[]): Promise<WrittenCassetteFile> {
  return appendEntriesToCassetteFile(path, written, interactions.map(serializeInteractionEntry))
}

/**
 * appendToCassetteFile for interactions already serialized with serializeInteractionEntry (a
 * recorder serializes each as it comes, so that only its text waits for the write).
 */
export function appendEntriesToCassetteFile(path: string, written: WrittenCassetteFile, entries: readonly string[]): Promise<WrittenCassetteFile> {
  const tail = Buffer.from(entriesTail(entries, written.interactions === 0))
  const offset = written.bytes - (written.interactions === 0 ? EMPTY_END.length : INTERACTIONS_END.length)
  const appended: WrittenCassetteFile = { bytes: offset + tail.length, interactions: written.interactions + entries.length }
  return inWriteQueue(path, async (key) => {
    const visible = await stat(key, { bigint: true }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw writeError(key, error)
    })
    const size = visible === null ? -1 : Number(visible.size)
    if (visible === null || size !== written.bytes) {
      await dropShadow(key)
      throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_WRITE', `Cannot append to cassette "${key}": it changed on disk while it was being recorded (${size < 0 ? 'it is gone' : `${size} bytes, expected ${written.bytes}`}). Record into a file nothing else writes to.`)
    }
    await appendThroughShadow(key, visible, { tail, offset, bytes: appended.bytes })
    return appended
  })
}

/** Removes the shadow appendToCassetteFile keeps next to `path`, once its appends are done. */
export function removeAppendShadow(path: string): Promise<void> {
  return inWriteQueue(path, dropShadow)
}

/** How a cassette file with no interactions ends. */
const EMPTY_END = ']\n}\n'

/** Cassettes by name inside one folder: `servers/create` is `<root>/servers/create.json`. */
export interface CassetteStore {
  readonly root: string
  /** The file a name stands for; fails with ERR_CLOUDTAPE_CASSETTE_NAME if the name escapes the root. */
  pathOf(name: string): string
  load(name: string): Promise<Cassette>
  save(name: string, cassette: Cassette): Promise<void>
  exists(name: string): Promise<boolean>
  /** Every cassette name under the root, sorted. */
  list(): Promise<string[]>
}

/**
 * A store of cassette files under `root`. Names are relative paths with `/` separators; names
 * that are absolute, contain `..`, empty segments, backslashes or NUL are refused.
 *
 * @example
 * const store = createFileCassetteStore('test/cassettes')
 * await store.save('servers/create', recorder.cassette())
 */
export function createFileCassetteStore(root: string): CassetteStore {
  const absoluteRoot = resolve(root)
  const pathOf = (name: string): string => {
    checkCassetteName(name)
    const path = resolve(absoluteRoot, toCassetteFilePath(name))
    const inside = relative(absoluteRoot, path)
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw badName(name, 'it resolves outside the store folder')
    return path
  }
  return {
    root: absoluteRoot,
    pathOf,
    load: async (name) => loadCassetteFile(pathOf(name)),
    save: async (name, cassette) => {
      await saveCassetteFile(pathOf(name), cassette)
    },
    exists: async (name) => {
      try {
        return (await stat(pathOf(name))).isFile()
      } catch (error) {
        if (error instanceof CloudtapeError) throw error
        return false
      }
    },
    list: async () => (await listJsonFiles(absoluteRoot)).map((file) => relative(absoluteRoot, file).split(sep).join('/').replace(/\.json$/i, '')).sort(),
  }
}

/** Fails with ERR_CLOUDTAPE_CASSETTE_NAME unless `name` is a safe relative path. */
export function checkCassetteName(name: string): void {
  if (typeof name !== 'string' || name.trim() === '') throw badName(String(name), 'it is empty')
  if (name.includes('\0')) throw badName(name, 'it contains a NUL character')
  if (name.includes('\\')) throw badName(name, 'it contains a backslash (use "/" between folders)')
  if (name.startsWith('/') || isAbsolute(name) || /^[A-Za-z]:/.test(name)) throw badName(name, 'it is an absolute path')
  const segments = name.split('/')
  if (segments.includes('..')) throw badName(name, 'it contains ".."')
  if (segments.some((segment) => segment === '' || segment === '.')) throw badName(name, 'it has an empty or "." folder name')
}

function badName(name: string, why: string): CloudtapeError {
  return new CloudtapeError(
    'ERR_CLOUDTAPE_CASSETTE_NAME',
    `Invalid cassette name ${JSON.stringify(name)}: ${why}. Use a relative path inside the cassette folder, e.g. "servers/boot-reboot-delete".`,
  )
}

/** Every `.json` file under `folder`, recursively, skipping dot-files (temp files of saves in flight). */
export async function listJsonFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile() && /\.json$/i.test(entry.name) && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}
