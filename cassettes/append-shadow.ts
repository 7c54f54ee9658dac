import type { BigIntStats } from 'node:fs'
import { copyFile, link, open, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { removeAbandonedTemps, shadowFileFor, syncFolder, tempFileFor, writeError } from './file-writes.js'

// Appending to a cassette file without copying it: a hidden shadow copy kept in step with the
// file takes the new entries and is renamed over it (see appendToCassetteFile in store.ts).

/** What an append writes: `tail` at `offset`, leaving a file of `bytes` bytes. */
export interface AppendedTail {
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
 * Leftovers of a crash are hidden temp files named with this pid, swept once it is gone. Runs in
 * the path's write queue (inWriteQueue), after the caller checked `visible` is the file it wrote.
 */
export async function appendThroughShadow(path: string, visible: BigIntStats, appended: AppendedTail): Promise<void> {
  await removeAbandonedTemps(path)
  const shadow = await takeShadow(path, visible, Number(visible.size))
  const next = shadow ?? tempFileFor(path)
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
    await writeFully(handle, appended)
    await handle.sync()
    return (await handle.stat({ bigint: true })).ino
  } finally {
    await handle.close()
  }
}

/** Writes the whole tail at its offset: a write may take fewer bytes than asked without failing. */
async function writeFully(handle: FileHandle, appended: AppendedTail): Promise<void> {
  const { tail, offset } = appended
  for (let done = 0; done < tail.length; ) {
    const { bytesWritten } = await handle.write(tail, done, tail.length - done, offset + done)
    if (bytesWritten <= 0) throw new Error(`a write took no bytes at offset ${offset + done}`)
    done += bytesWritten
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
export async function dropShadow(path: string): Promise<void> {
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
  const name = shadowFileFor(path)
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
      await writeFully(handle, appended)
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
