import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { INTERACTIONS_END, parseCassette, serializeCassette, serializeInteractionsTail } from './cassette-format.js'
import { CloudtapeError } from './errors.js'
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
  return inWriteQueue(path, (key) => writeAtomically(key, (handle) => handle.writeFile(text))).then(() => written)
}

/**
 * Appends interactions to a cassette file this process wrote (`written` says how it left it),
 * atomically like saveCassetteFile but without serializing what the file already holds: the file
 * is copied to the temp file (by the kernel), the new entries replace its closing brackets, and
 * the copy is renamed over it. The bytes are those saveCassetteFile would write for the whole
 * cassette. Fails with ERR_CLOUDTAPE_CASSETTE_WRITE, leaving the file alone, when its size is not
 * the one it was written with (someone else changed it).
 */
export function appendToCassetteFile(path: string, written: WrittenCassetteFile, interactions: readonly Interaction[]): Promise<WrittenCassetteFile> {
  const tail = Buffer.from(serializeInteractionsTail(interactions, written.interactions === 0))
  const offset = written.bytes - (written.interactions === 0 ? EMPTY_END.length : INTERACTIONS_END.length)
  const appended: WrittenCassetteFile = { bytes: offset + tail.length, interactions: written.interactions + interactions.length }
  return inWriteQueue(path, async (key) => {
    const size = await stat(key).then((info) => info.size, () => -1)
    if (size !== written.bytes) {
      throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_WRITE', `Cannot append to cassette "${key}": it changed on disk while it was being recorded (${size < 0 ? 'it is gone' : `${size} bytes, expected ${written.bytes}`}). Record into a file nothing else writes to.`)
    }
    await writeAtomically(key, async (handle, temp) => {
      await copyFile(key, temp)
      await handle.write(tail, 0, tail.length, offset)
    })
    return appended
  })
}

/** How a cassette file with no interactions ends. */
const EMPTY_END = ']\n}\n'

/** One queue per file: writes to the same path run one after another, never interleaved. */
const writeQueues = new Map<string, Promise<unknown>>()
let tempCounter = 0

function inWriteQueue<T>(path: string, write: (key: string) => Promise<T>): Promise<T> {
  const key = resolve(path)
  const previous = writeQueues.get(key) ?? Promise.resolve()
  const next = previous.catch(() => undefined).then(() => write(key))
  writeQueues.set(key, next)
  // Forget the queue once drained, so the map does not grow with every cassette ever saved.
  void next.finally(() => {
    if (writeQueues.get(key) === next) writeQueues.delete(key)
  }).catch(() => undefined)
  return next
}

/** Fills a temp file next to `path` (opened for writing), fsyncs it and renames it over `path`. */
async function writeAtomically(path: string, fill: (handle: FileHandle, temp: string) => Promise<unknown>): Promise<void> {
  const folder = dirname(path)
  tempCounter += 1
  const temp = join(folder, tempName(basename(path), process.pid, tempCounter))
  try {
    await mkdir(folder, { recursive: true })
    await removeAbandonedTemps(path)
    const handle = await open(temp, 'wx', 0o644)
    try {
      await fill(handle, temp)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
    await syncFolder(folder)
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined)
    throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_WRITE', `Cannot write cassette "${path}": ${(error as Error).message}. Check that the folder is writable and the disk is not full.`, { cause: error })
  }
}

function tempName(file: string, pid: number, counter: number): string {
  return `.${file}.${pid}.${counter}.tmp`
}

/** Cassette paths whose folder this process already swept for abandoned temp files. */
const sweptPaths = new Set<string>()

/**
 * A writer killed between creating its temp file and renaming it (kill -9, power loss) leaves the
 * temp file behind; the cassette itself is intact. The first write of a path in a process removes
 * such files of that cassette whose writer process is gone, so debris never accumulates.
 */
async function removeAbandonedTemps(path: string): Promise<void> {
  if (sweptPaths.has(path)) return
  sweptPaths.add(path)
  const prefix = `.${basename(path)}.`
  const names = await readdir(dirname(path)).catch(() => [] as string[])
  for (const name of names) {
    const pid = abandonedTempPid(name, prefix)
    if (pid !== null && pid !== process.pid && !isProcessAlive(pid)) await rm(join(dirname(path), name), { force: true }).catch(() => undefined)
  }
}

/** The writer's pid in a temp file name `<prefix><pid>.<counter>.tmp`, else null. */
function abandonedTempPid(name: string, prefix: string): number | null {
  if (!name.startsWith(prefix) || !name.endsWith('.tmp')) return null
  const [pid, counter, ...rest] = name.slice(prefix.length, -'.tmp'.length).split('.')
  return rest.length === 0 && /^\d+$/.test(pid ?? '') && /^\d+$/.test(counter ?? '') ? Number(pid) : null
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Makes the rename itself durable; not every platform can open a folder, which is fine. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Best effort (Windows cannot fsync a directory).
  }
}

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
