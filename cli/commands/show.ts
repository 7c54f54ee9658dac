import type { Command } from 'commander'
import type { Interaction } from '../../cassettes/schema.js'
import { cassetteArgument, loadCassetteSource } from '../../replay/load-cassette.js'
import type { ProgramIO } from '../program.js'
import { formatTable } from '../table.js'

interface ShowOptions {
  json?: boolean
}

/** One row of `cloudtape show`. */
export interface ShowRow {
  readonly id: number
  readonly operation: string
  readonly method: string
  readonly path: string
  /** The response status, or the transport fault's kind when there was no response. */
  readonly status: number | string
  readonly format: string
  readonly occurrence: number
  readonly params: Readonly<Record<string, string>>
}

/** `cloudtape show <cassette> [--json]`: a table of the interactions of a cassette. */
export function registerShowCommand(program: Command, io: ProgramIO): void {
  program
    .command('show')
    .description('list the interactions of a cassette: #, operation, method and path, status, format, occurrence')
    .argument('<cassette>', 'cassette file (".json" is appended when missing), as given to record --cassette, or a library name (library/servers.create)')
    .option('--json', 'print the rows as JSON')
    .action(async (cassette: string, options: ShowOptions) => {
      const { cassette: loaded } = await loadCassetteSource(cassetteArgument(cassette))
      const rows = loaded.interactions.map(toRow)
      if (options.json) {
        io.writeOut(`${JSON.stringify(rows, null, 2)}\n`)
        return
      }
      io.writeOut(showTable(rows))
      io.writeOut(`${rows.length} interaction${rows.length === 1 ? '' : 's'}, dialect ${loaded.dialect}, recorded ${loaded.recordedAt}\n`)
    })
}

function toRow(interaction: Interaction): ShowRow {
  const { request } = interaction
  const query = request.query.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')
  return {
    id: interaction.id,
    operation: interaction.operation,
    method: request.method,
    path: query === '' ? request.path : `${request.path}?${query}`,
    status: interaction.response?.status ?? interaction.transportFault?.kind ?? '-',
    format: interaction.format,
    occurrence: interaction.occurrence,
    params: interaction.params,
  }
}

const COLUMNS = ['#', 'operation', 'method', 'path', 'status', 'format', 'occurrence'] as const

function showTable(rows: readonly ShowRow[]): string {
  return formatTable(COLUMNS, rows.map((row) => [String(row.id), row.operation, row.method, row.path, String(row.status), row.format, String(row.occurrence)]))
}
