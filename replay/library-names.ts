import { checkCassetteName, CloudtapeError, isCloudtapeError } from '../cassettes/index.js'

/**
 * The naming scheme of the cassette library (cassettes/library/), shared by the loader and the
 * builder:
 *
 * ```
 * library/servers.create               → rackspace/servers.create.json      (rackspace, JSON: the default)
 * library/servers.create.xml           → rackspace/servers.create.xml.json
 * library/hp/servers.create[.xml]      → hp/servers.create[.xml].json
 * library/rackspace/servers.create     → rackspace/servers.create.json      (the dialect spelled out)
 * library/scenarios/boot-and-poll-active → scenarios/boot-and-poll-active.json
 * ```
 * A trailing `.json` is accepted and ignored.
 */

export const LIBRARY_PREFIX = 'library/'
export const LIBRARY_DIALECTS = ['rackspace', 'hp'] as const
export const LIBRARY_SCENARIOS = 'scenarios'

/** What a library cassette is: one documented operation in a dialect and format, or a scenario. */
export type LibraryCassetteName =
  | { readonly kind: 'operation'; readonly dialect: (typeof LIBRARY_DIALECTS)[number]; readonly operation: string; readonly format: 'json' | 'xml' }
  | { readonly kind: 'scenario'; readonly scenario: string }

/** True for `library/...`: such a name always means the built-in library, never a local file. */
export function isLibraryName(nameOrPath: string): boolean {
  return nameOrPath.startsWith(LIBRARY_PREFIX)
}

/** The file (relative to the library folder, `/`-separated) and the canonical name of a library cassette. */
export function libraryFileOf(name: LibraryCassetteName): { file: string; cassetteName: string } {
  if (name.kind === 'scenario') return { file: `${LIBRARY_SCENARIOS}/${name.scenario}.json`, cassetteName: `${LIBRARY_PREFIX}${LIBRARY_SCENARIOS}/${name.scenario}` }
  const stem = name.format === 'xml' ? `${name.operation}.xml` : name.operation
  const dialectFolder = name.dialect === 'rackspace' ? '' : `${name.dialect}/`
  return { file: `${name.dialect}/${stem}.json`, cassetteName: `${LIBRARY_PREFIX}${dialectFolder}${stem}` }
}

/** The canonical name of the library file `file` (relative to the library folder). */
export function libraryNameOfFile(file: string): string {
  const stem = file.replace(/\.json$/i, '')
  return `${LIBRARY_PREFIX}${stem.startsWith('rackspace/') ? stem.slice('rackspace/'.length) : stem}`
}

/**
 * The file, relative to the library folder, that a `library/...` name means. Names cannot leave
 * the folder: `..`, absolute parts, backslashes and empty segments fail with ERR_CLOUDTAPE_CASSETTE_NAME.
 */
export function libraryFileOfName(name: string): string {
  const rest = name.slice(LIBRARY_PREFIX.length).replace(/\.json$/i, '')
  try {
    checkCassetteName(rest)
  } catch (error) {
    if (!isCloudtapeError(error, 'ERR_CLOUDTAPE_CASSETTE_NAME')) throw error
    const why = error.message.replace(/^Invalid cassette name [^:]*: /, '').replace(/\. Use a relative path.*$/, '')
    throw new CloudtapeError(
      'ERR_CLOUDTAPE_CASSETTE_NAME',
      `Invalid library cassette name ${JSON.stringify(name)}: ${why}. Library names look like library/servers.create, library/hp/servers.create.xml or library/scenarios/reboot; \`cloudtape library\` lists them.`,
    )
  }
  const [first] = rest.split('/')
  const explicit = (LIBRARY_DIALECTS as readonly string[]).includes(first as string) || first === LIBRARY_SCENARIOS
  return `${explicit ? rest : `rackspace/${rest}`}.json`
}
