import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { CloudtapeError } from '../../cassettes/errors.js'
import { resolveOperation } from '../../cassettes/resolve-operation.js'
import type { ProgramIO } from '../program.js'

interface OperationOptions {
  body?: string
  contentType?: string
  accept?: string
  json?: boolean
}

/** `cloudtape operation <METHOD> <URL> [--body <file>] [--json]`: prints the operation key. */
export function registerOperationCommand(program: Command, io: ProgramIO): void {
  program
    .command('operation')
    .description('print the operation key of a request (documented key, or a fallback key for unknown paths)')
    .argument('<method>', 'HTTP method, e.g. POST')
    .argument('<url>', 'absolute URL or path, e.g. https://dfw.servers.api.rackspacecloud.com/v2/010101/servers')
    .option('--body <file>', 'request body file (needed for POST .../action)')
    .option('--content-type <type>', 'content type of the body (default: from the file name or its first character)')
    .option('--accept <type>', 'Accept header the client would send')
    .option('--json', 'print key, params, format and whether it is documented as JSON')
    .action(async (method: string, url: string, options: OperationOptions) => {
      const body = options.body === undefined ? undefined : await readBody(options.body)
      const contentType = options.contentType ?? (body === undefined ? undefined : guessContentType(options.body ?? '', body))
      const resolved = resolveOperation({ method, url, body, contentType, accept: options.accept })
      if (options.json) {
        const { key, documented, params, format, apiVersion, reason } = resolved
        io.writeOut(`${JSON.stringify({ key, documented, params, format, apiVersion, ...(reason ? { reason } : {}) }, null, 2)}\n`)
      } else {
        io.writeOut(`${resolved.key}\n`)
        if (resolved.reason) io.writeErr(`note: ${resolved.reason}\n`)
      }
    })
}

async function readBody(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new CloudtapeError('ERR_CLOUDTAPE_USAGE', `Cannot read the body file "${file}": ${(error as Error).message}. Pass an existing file to --body.`, { cause: error })
  }
}

function guessContentType(file: string, body: string): string {
  if (/\.xml$/i.test(file) || body.trimStart().startsWith('<')) return 'application/xml'
  return 'application/json'
}
