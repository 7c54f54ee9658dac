import type { Command } from 'commander'
import { CloudtapeError } from '../../cassettes/errors.js'
import { lintPath } from '../../cassettes/lint.js'
import { libraryLintPath } from '../../replay/library.js'
import { isLibraryName } from '../../replay/library-names.js'
import type { ProgramIO } from '../program.js'

interface LintOptions {
  json?: boolean
}

/** `cloudtape lint <path> [--json]`: exit 1 with a report if anything looks like a surviving secret. */
export function registerLintCommand(program: Command, io: ProgramIO): void {
  program
    .command('lint')
    .description('check cassettes for surviving secrets and invalid files (exit 1 with file, JSON path and reason per finding)')
    .argument('<path>', 'a cassette file, or a folder searched recursively for .json files; library, library/hp or a library name for the cassette library')
    .option('--json', 'print the report as JSON')
    .action(async (path: string, options: LintOptions) => {
      const report = await lintPath(path === 'library' || isLibraryName(path) ? libraryLintPath(path) : path)
      if (options.json) io.writeOut(`${JSON.stringify(report, null, 2)}\n`)
      else for (const finding of report.findings) io.writeOut(`${finding.file}: ${finding.path}: ${finding.reason}\n`)
      const cassettes = `${report.files} cassette${report.files === 1 ? '' : 's'}`
      if (report.findings.length === 0) {
        if (!options.json) io.writeOut(`lint: ${cassettes}, ${report.interactions} interactions, no secrets found\n`)
        return
      }
      const files = new Set(report.findings.map((finding) => finding.file)).size
      const secret = report.findings.some((finding) => finding.kind === 'secret')
      throw new CloudtapeError(
        secret ? 'ERR_CLOUDTAPE_SECRET_IN_CASSETTE' : 'ERR_CLOUDTAPE_CASSETTE_INVALID',
        `lint found ${report.findings.length} problem${report.findings.length === 1 ? '' : 's'} in ${files} of ${cassettes}. ${secret ? 'Remove the secrets (re-record, or replace them with placeholders) before committing.' : 'Fix or re-record the invalid cassettes.'}`,
      )
    })
}
