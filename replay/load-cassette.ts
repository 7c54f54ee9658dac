import { isAbsolute, join, relative, resolve } from 'node:path'
import { checkCassetteName, loadCassetteFile, toCassetteFilePath } from '../cassettes/index.js'
import type { Cassette } from '../cassettes/index.js'

/** A cassette object, or where to find one. */
export type CassetteInput = Cassette | string

/**
 * Resolves a cassette name or path: a path (absolute, or with a `.json` suffix) is used as is; a
 * name (`servers/boot`) is looked up under `dir` and may not leave it (ERR_CLOUDTAPE_CASSETTE_NAME).
 */
export function cassettePath(nameOrPath: string, dir: string = process.cwd()): string {
  if (isAbsolute(nameOrPath) || /\.json$/i.test(nameOrPath)) return resolve(dir, nameOrPath)
  checkCassetteName(nameOrPath)
  return join(resolve(dir), toCassetteFilePath(nameOrPath))
}

/** Loads `source` (or returns it when it is already a cassette), with the path miss reports print. */
export async function loadCassetteSource(source: CassetteInput, dir?: string, maxBytes?: number): Promise<{ cassette: Cassette; path: string }> {
  if (typeof source !== 'string') return { cassette: source, path: source.name }
  const path = cassettePath(source, dir)
  return { cassette: await loadCassetteFile(path, maxBytes === undefined ? {} : { maxBytes }), path: relative(process.cwd(), path) || path }
}
