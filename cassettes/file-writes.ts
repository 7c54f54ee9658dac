import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { CloudtapeError } from './errors.js'

// Atomic writes of cassette files: one queue per path, hidden temp files named with the writer's
// pid (renamed over the target), the sweep of temp files whose writer is gone, folder fsync.

/** One queue per file: writes to the same path run one after another, never interleaved. */
const writeQueues = new Map<string, Promise<unknown>>()
let tempCounter = 0

export function inWriteQueue<T>(path: string, write: (key: string) => Promise<T>): Promise<T> {
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

/** A new temp file name next to `path`: hidden, named with this process's pid. */
export function tempFileFor(path: string): string {
  return join(dirname(path), tempName(basename(path), process.pid, nextTempCounter()))
}

/** A new shadow file name next to `path` (see append-shadow.ts), swept like a temp file. */
export function shadowFileFor(path: string): string {
  return join(dirname(path), shadowName(basename(path), process.pid, nextTempCounter()))
}

function nextTempCounter(): number {
  tempCounter += 1
  return tempCounter
}

/** Fills a temp file next to `path` (opened for writing), fsyncs it and renames it over `path`. */
export async function writeAtomically(path: string, fill: (handle: FileHandle) => Promise<unknown>): Promise<void> {
  const folder = dirname(path)
  const temp = tempFileFor(path)
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

/** ERR_CLOUDTAPE_CASSETTE_WRITE for a write of `path` that failed with `error`. */
export function writeError(path: string, error: unknown): CloudtapeError {
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
export async function removeAbandonedTemps(path: string): Promise<void> {
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
export async function syncFolder(folder: string): Promise<boolean> {
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

