import { Option, type Command } from 'commander'
import { FAULTS, faultsForDialect, type FaultDefinition } from '../../cassettes/fault-catalog.js'
import { DIALECTS, type Dialect } from '../../cassettes/operation-catalog.js'
import { FAULT_STAND_INS } from '../../replay/faults/dialect-faults.js'
import { FAULT_RULE_SYNTAX } from '../../replay/faults/parse-rule-text.js'
import type { ProgramIO } from '../program.js'

interface FaultsOptions {
  dialect?: Dialect
  json?: boolean
}

/** `cloudtape faults [--dialect d] [--json]`: the documented fault catalog. */
export function registerFaultsCommand(program: Command, io: ProgramIO): void {
  program
    .command('faults')
    .description('list the documented faults (name, status, expected in all requests, notes) a rule can inject')
    .addOption(new Option('--dialect <dialect>', 'only the faults of this dialect, and its stand-ins').choices(DIALECTS))
    .option('--json', 'print the catalog as JSON')
    .action((options: FaultsOptions) => {
      const dialect = options.dialect ?? null
      const faults = dialect === null ? [...FAULTS] : faultsForDialect(dialect)
      const standIns = dialect === null ? {} : FAULT_STAND_INS[dialect]
      if (options.json) io.writeOut(`${JSON.stringify({ dialect, faults: faults.map(toJson), standIns }, null, 2)}\n`)
      else io.writeOut(renderText(faults, dialect, standIns))
    })
}

function toJson(fault: FaultDefinition): object {
  return { name: fault.name, status: fault.code, all: fault.all, dialects: fault.dialects, message: fault.message, notes: fault.notes }
}

function renderText(faults: readonly FaultDefinition[], dialect: Dialect | null, standIns: Readonly<Record<string, string>>): string {
  const header = dialect === null ? ['fault', 'status', 'all', 'dialects', 'notes'] : ['fault', 'status', 'all', 'notes']
  const rows = faults.map((fault) => {
    const all = fault.all ? 'yes' : ''
    const cells = [fault.name, String(fault.code), all]
    return dialect === null ? [...cells, fault.dialects.join(','), fault.notes] : [...cells, fault.notes]
  })
  const lines = table([header, ...rows])
  const title = dialect === null ? 'Documented faults (all dialects)' : `Documented faults of the ${dialect} dialect`
  const footer = [
    '',
    '"all": 001 marks the fault "expected in all requests".',
    ...(Object.keys(standIns).length === 0
      ? []
      : [`Stand-ins (asked for → sent in ${dialect}): ${Object.entries(standIns).map(([asked, sent]) => `${asked} → ${sent}`).join(', ')}`]),
    `Inject them with cloudtape replay --fault ${FAULT_RULE_SYNTAX}.`,
  ]
  return `${title}\n\n${lines.join('\n')}\n${footer.join('\n')}\n`
}

/** Left-aligned columns, the last one unpadded. */
function table(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? []
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  )
}
