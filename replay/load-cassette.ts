import { isAbsolute, join, relative, resolve } from 'node:path'
import { CloudtapeError } from '../cassettes/index.js'
import type { Cassette } from '../cassettes/index.js'
import { loadCassetteFile } from './core-pending.js'

/** A cassette object, or where to find one. */
export type CassetteInput = Cassette | string

/**
 * Resolves a cassette name or path: a path (absolute, or with a `.json` suffix) is used as is; a
 * name (`servers/boot`) is looked up under `dir` and may not escape it.
 */
export function cassettePath(nameOrPath: string, dir: string = process.cwd()): string {
  if (isAbsolute(nameOrPath) || nameOrPath.endsWith('.json')) return resolve(dir, nameOrPath)
  const path = resolve(dir, `${nameOrPath}.json`)
  const inside = relative(resolve(dir), path)
  if (inside.startsWith('..') || isAbsolute(inside) || nameOrPath.includes('\0')) {
    throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_NAME', `The cassette name "${nameOrPath}" leaves the folder ${dir}. Use a name inside it, such as "servers/boot".`)
  }
  return join(resolve(dir), inside)
}

/** Loads `source` (or returns it when it is already a cassette), with the path miss reports print. */
export async function loadCassetteSource(source: CassetteInput, dir?: string): Promise<{ cassette: Cassette; path: string }> {
  if (typeof source !== 'string') return { cassette: source, path: source.name }
  const path = cassettePath(source, dir)
  return { cassette: await loadCassetteFile(path), path: relative(process.cwd(), path) || path }
}
