import type { TransportFault } from '../../cassettes/index.js'

const ERROR_CODES: Readonly<Record<TransportFault['kind'], string>> = {
  refused: 'ECONNREFUSED',
  reset: 'ECONNRESET',
  timeout: 'ETIMEDOUT',
  truncated: 'ECONNRESET',
  'invalid-response': 'HPE_INVALID_CONSTANT',
}

/** The error an HTTP client sees for a recorded transport fault, as Node would raise it. */
export function transportError(fault: TransportFault): Error {
  return Object.assign(new Error(`[cloudtape] recorded transport fault (${fault.kind}): ${fault.message}`), { code: ERROR_CODES[fault.kind] })
}

/** Headers as one string per name; what engines receive from clients varies. */
export function flattenHeaders(headers: Readonly<Record<string, string | number | readonly string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)
  }
  return out
}
