import type { BigIntStats } from 'node:fs'
import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises'
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
  const tail = Buffer.from(serializeInteractionsTail(interactions, written.interactions === 0))
  const offset = written.bytes - (written.interactions === 0 ? EMPTY_END.length : INTERACTIONS_END.length)
  const appended: WrittenCassetteFile = { bytes: offset + tail.length, interactions: written.interactions + interactions.length }
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
    await appendAtomically(key, visible, { tail, offset, bytes: appended.bytes })
    return appended
  })
}

/** Removes the shadow appendToCassetteFile keeps next to `path`, once its appends are done. */
export function removeAppendShadow(path: string): Promise<void> {
  return inWriteQueue(path, dropShadow)
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

/** What an append writes: `tail` at `offset`, leaving a file of `bytes` bytes. */
interface AppendedTail {
  readonly tail: Buffer
  readonly offset: number
  readonly bytes: number
}

/**
 * A cassette file's shadow as this process left it. Only a shadow that is still exactly that
 * (same inode, one link, size, change time) and mirrors the file now at the path is written to
 * and renamed over it: anything else is removed and the append copies the file instead.
 */
interface AppendShadow {
  readonly path: string
  readonly ino: bigint
  /** Its change time after this process last wrote it: any later write changes it. */
  readonly ctimeNs: bigint
  readonly bytes: number
  /** The inode of the cassette file it mirrors. */
  readonly visibleIno: bigint
}

/** Shadows by cassette path (resolved); an append takes its path's shadow out while it runs. */
const shadows = new Map<string, AppendShadow>()

/**
 * The append itself, in an order where every crash leaves a complete cassette at `path`: the
 * next file (the shadow, or a fresh copy) gets the tail and is fsynced while the cassette is
 * untouched; the cassette is hard-linked to a new shadow name; the next file is renamed over the
 * cassette; only then does the old cassette, no longer visible, get the tail as the new shadow.
 * Leftovers of a crash are hidden temp files named with this pid, swept once it is gone.
 */
async function appendAtomically(path: string, visible: BigIntStats, appended: AppendedTail): Promise<void> {
  await removeAbandonedTemps(path)
  const shadow = await takeShadow(path, visible, Number(visible.size))
  const next = shadow ?? join(dirname(path), tempName(basename(path), process.pid, nextTempCounter()))
  let kept: string | null = null
  let nextIno: bigint
  try {
    nextIno = await writeNext(path, next, shadow === null, appended)
    kept = await keepUnderShadowName(path)
    await rename(next, path)
  } catch (error) {
    await rm(next, { force: true }).catch(() => undefined)
    if (kept) await rm(kept, { force: true }).catch(() => undefined)
    throw writeError(path, error)
  }
  // Until the rename is durable, a power cut can bring the old file back at `path`: it is written to only after.
  const durable = await syncFolder(dirname(path))
  if (kept && durable) await refreshShadow(path, { path: kept, ino: visible.ino, visibleIno: nextIno }, appended)
  else if (kept) await rm(kept, { force: true }).catch(() => undefined)
}

/** Puts the tail into `next` (the shadow, or a new copy of the file at `path`) and fsyncs it; its inode. */
async function writeNext(path: string, next: string, copy: boolean, appended: AppendedTail): Promise<bigint> {
  const handle = await open(next, copy ? 'wx' : 'r+', 0o644)
  try {
    if (copy) await copyFile(path, next)
    await handle.write(appended.tail, 0, appended.tail.length, appended.offset)
    await handle.sync()
    return (await handle.stat({ bigint: true })).ino
  } finally {
    await handle.close()
  }
}

/** The shadow of `path` if it can be trusted with an append to a `bytes`-byte file; else removes it. */
async function takeShadow(path: string, visible: BigIntStats, bytes: number): Promise<string | null> {
  const shadow = shadows.get(path)
  if (!shadow) return null
  shadows.delete(path)
  const info = await stat(shadow.path, { bigint: true }).catch(() => null)
  const intact = info !== null && info.isFile() && info.ino === shadow.ino && info.nlink === 1n && info.ctimeNs === shadow.ctimeNs && Number(info.size) === bytes
  if (intact && shadow.bytes === bytes && shadow.visibleIno === visible.ino) return shadow.path
  await rm(shadow.path, { force: true }).catch(() => undefined)
  return null
}

/** Forgets and removes the shadow of `path` (resolved), if any. */
async function dropShadow(path: string): Promise<void> {
  const shadow = shadows.get(path)
  if (!shadow) return
  shadows.delete(path)
  await rm(shadow.path, { force: true }).catch(() => undefined)
}

/**
 * A new hidden name for the file now at `path`, so it outlives the rename over it; null where
 * the folder cannot hard-link (EPERM, EXDEV, ENOTSUP, EMLINK...): the append goes on without a
 * shadow, and the next one copies.
 */
async function keepUnderShadowName(path: string): Promise<string | null> {
  const name = join(dirname(path), shadowName(basename(path), process.pid, nextTempCounter()))
  try {
    await link(path, name)
    return name
  } catch {
    return null
  }
}

/**
 * Gives the old cassette file (now only at `kept.path`) the tail it lacks, so it equals the
 * cassette again and becomes its shadow. It is checked to be that file and no longer the visible
 * one before it is written to. A failure costs only the shadow.
 */
async function refreshShadow(path: string, kept: Pick<AppendShadow, 'path' | 'ino' | 'visibleIno'>, appended: AppendedTail): Promise<void> {
  try {
    const handle = await open(kept.path, 'r+')
    try {
      const before = await handle.stat({ bigint: true })
      if (before.ino !== kept.ino || before.nlink !== 1n) throw new Error('the kept file is not the one it should be')
      await handle.write(appended.tail, 0, appended.tail.length, appended.offset)
      const after = await handle.stat({ bigint: true })
      shadows.set(path, { ...kept, ctimeNs: after.ctimeNs, bytes: appended.bytes })
    } finally {
      await handle.close()
    }
  } catch {
    shadows.delete(path)
    await rm(kept.path, { force: true }).catch(() => undefined)
  }
}

function nextTempCounter(): number {
  tempCounter += 1
  return tempCounter
}

/** Fills a temp file next to `path` (opened for writing), fsyncs it and renames it over `path`. */
async function writeAtomically(path: string, fill: (handle: FileHandle) => Promise<unknown>): Promise<void> {
  const folder = dirname(path)
  const temp = join(folder, tempName(basename(path), process.pid, nextTempCounter()))
  try {
    await mkdir(folder, { recursive: true })
    await removeAbandonedTemps(path)
    const handle = await open(temp, 'wx', 0o644)
    try {
      await fill(handle)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, path)
    await syncFolder(folder)
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined)
    throw writeError(path, error)
  }
}

function writeError(path: string, error: unknown): CloudtapeError {
  return new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_WRITE', `Cannot write cassette "${path}": ${(error as Error).message}. Check that the folder is writable and the disk is not full.`, { cause: error })
}

function tempName(file: string, pid: number, counter: number): string {
  return `.${file}.${pid}.${counter}.tmp`
}

/** Named like a temp file, so the sweep of a gone writer's temp files removes it too. */
function shadowName(file: string, pid: number, counter: number): string {
  return `.${file}.${pid}.${counter}.shadow.tmp`
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

/** The writer's pid in a temp or shadow file name `<prefix><pid>.<counter>[.shadow].tmp`, else null. */
function abandonedTempPid(name: string, prefix: string): number | null {
  if (!name.startsWith(prefix) || !name.endsWith('.tmp')) return null
  const [pid, counter, ...rest] = name.slice(prefix.length, -'.tmp'.length).split('.')
  const kind = rest.length === 0 || (rest.length === 1 && rest[0] === 'shadow')
  return kind && /^\d+$/.test(pid ?? '') && /^\d+$/.test(counter ?? '') ? Number(pid) : null
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

/** Makes the rename itself durable; not every platform can open a folder, which is fine (false then). */
async function syncFolder(folder: string): Promise<boolean> {
  try {
    const handle = await open(folder, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
    return true
  } catch {
    // Best effort (Windows cannot fsync a directory).
    return false
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
