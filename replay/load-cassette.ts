import { isAbsolute, join, relative, resolve } from 'node:path'
import { checkCassetteName, loadCassetteFile, toCassetteFilePath } from '../cassettes/index.js'
import type { Cassette } from '../cassettes/index.js'
import { libraryCassettePath } from './library.js'
import { isLibraryName } from './library-names.js'

/** A cassette object, or where to find one. */
export type CassetteInput = Cassette | string

/**
 * Resolves a cassette name or path. `library/...` names the cassette library shipped with
 * cloudtape (`library/servers.create`, `library/hp/servers.create.xml`, `library/scenarios/reboot`)
 * and cannot leave it; an unknown one fails listing close names. Otherwise a path (absolute, or
 * with a `.json` suffix) is used as is, and a name (`servers/boot`) is looked up under `dir` and may
 * not leave it (ERR_CLOUDTAPE_CASSETTE_NAME).
 */
export function cassettePath(nameOrPath: string, dir: string = process.cwd()): string {
  if (isLibraryName(nameOrPath)) return libraryCassettePath(nameOrPath)
  if (isAbsolute(nameOrPath) || /\.json$/i.test(nameOrPath)) return resolve(dir, nameOrPath)
  checkCassetteName(nameOrPath)
  return join(resolve(dir), toCassetteFilePath(nameOrPath))
}

/**
 * What a CLI `<cassette>` argument means, in the form loadCassetteSource takes: a library name as
 * it is, else a file path relative to the working folder, `.json` appended when missing.
 */
export function cassetteArgument(argument: string): string {
  return isLibraryName(argument) ? argument : toCassetteFilePath(argument)
}

/** Loads `source` (or returns it when it is already a cassette), with the path miss reports print. */
export async function loadCassetteSource(source: CassetteInput, dir?: string, maxBytes?: number): Promise<{ cassette: Cassette; path: string }> {
  if (typeof source !== 'string') return { cassette: source, path: source.name }
  const path = cassettePath(source, dir)
  const cassette = await loadCassetteFile(path, maxBytes === undefined ? {} : { maxBytes })
  return { cassette, path: isLibraryName(source) ? source : relative(process.cwd(), path) || path }
}
