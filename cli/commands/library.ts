import type { Command } from 'commander'
import { assertOneOf } from '../../cassettes/index.js'
import { listLibraryCassettes, type LibraryEntry } from '../../replay/index.js'
import { LIBRARY_DIALECTS } from '../../replay/library-names.js'
import type { ProgramIO } from '../program.js'
import { formatTable } from '../table.js'

interface LibraryOptions {
  json?: boolean
  dialect?: string
  format?: string
}

const FORMATS = ['json', 'xml'] as const

/** `cloudtape library [--dialect d] [--format f] [--json]`: the cassettes shipped with cloudtape, by name. */
export function registerLibraryCommand(program: Command, io: ProgramIO): void {
  program
    .command('library')
    .description('list the cassette library: documented examples of every operation and ready scenarios, loadable by name')
    .option('--dialect <dialect>', `only this dialect (${LIBRARY_DIALECTS.join('|')})`)
    .option('--format <format>', `only this format (${FORMATS.join('|')})`)
    .option('--json', 'print the entries as JSON')
    .action(async (options: LibraryOptions) => {
      if (options.dialect !== undefined) assertOneOf('--dialect', options.dialect, LIBRARY_DIALECTS)
      if (options.format !== undefined) assertOneOf('--format', options.format, FORMATS)
      const entries = (await listLibraryCassettes()).filter(
        (entry) => (options.dialect === undefined || entry.dialect === options.dialect) && (options.format === undefined || entry.format === options.format),
      )
      if (options.json) {
        io.writeOut(`${JSON.stringify(entries, null, 2)}\n`)
        return
      }
      io.writeOut(libraryTable(entries))
      const scenarios = entries.filter((entry) => entry.kind === 'scenario').length
      io.writeOut(
        `${entries.length} library cassettes (${entries.length - scenarios} operations, ${scenarios} scenarios). Load one by name: useCassette('library/servers.create'), cloudtape replay --cassette <name>, cloudtape show <name>.\n`,
      )
    })
}

const COLUMNS = ['name', 'operation', 'dialect', 'format', 'interactions'] as const

function libraryTable(entries: readonly LibraryEntry[]): string {
  return formatTable(COLUMNS, entries.map((entry) => [entry.name, entry.operation ?? 'scenario', entry.dialect, entry.format, String(entry.interactions)]))
}
