import { CloudtapeError } from '../../cassettes/errors.js'
import { FAULTS, faultsForDialect, getFault } from '../../cassettes/fault-catalog.js'
import type { Dialect } from '../../cassettes/operation-catalog.js'

/**
 * The fault a dialect sends where another dialect documents one it lacks: same status, nearest
 * meaning (faults.tsv: "where a dialect lacks a fault, the nearest documented one stands in").
 * A fault missing here and from the dialect has no honest stand-in and is refused.
 *
 * @note hp documents no 403 `forbidden` (only `resizeNotAllowed`), so `forbidden` has no hp
 * stand-in: a rule gets an error that lists hp's faults, or can ask for `status: 403`.
 */
export const FAULT_STAND_INS: Readonly<Record<Dialect, Readonly<Record<string, string>>>> = {
  rackspace: {
    conflictingRequest: 'buildInProgress',
  },
  hp: {
    computeFault: 'cloudServersFault',
    buildInProgress: 'conflictingRequest',
    backupOrResizeInProgress: 'conflictingRequest',
    rescueOrUnrescueProcessingInProgress: 'conflictingRequest',
    operationNotAllowed: 'conflictingRequest',
    serverCapacityUnavailable: 'serviceUnavailable',
  },
  nova: {
    cloudServersFault: 'computeFault',
    resizeNotAllowed: 'forbidden',
    buildInProgress: 'conflictingRequest',
    backupOrResizeInProgress: 'conflictingRequest',
    rescueOrUnrescueProcessingInProgress: 'conflictingRequest',
    operationNotAllowed: 'conflictingRequest',
    serverCapacityUnavailable: 'serviceUnavailable',
  },
}

/** The fault name a dialect renders for a requested one, and what it stands in for. */
export interface DialectFault {
  readonly name: string
  readonly standInFor?: string
}

/**
 * Resolves a requested fault to the one the dialect sends. Fails with ERR_CLOUDTAPE_FAULT_RULE for
 * unknown names and for faults the dialect neither documents nor has a stand-in for.
 */
export function faultForDialect(name: string, dialect: Dialect): DialectFault {
  const fault = getFault(name)
  if (!fault) {
    throw new CloudtapeError(
      'ERR_CLOUDTAPE_FAULT_RULE',
      `Unknown fault "${name}". Use one of the ${dialect} dialect's faults: ${faultNames(dialect)} ` +
        `(or a status, latency, reset, truncate, no-answer, error-state or false-negative rule; \`cloudtape faults --dialect ${dialect}\` lists them).`,
    )
  }
  if (fault.dialects.includes(dialect)) return { name }
  const standIn = FAULT_STAND_INS[dialect][name]
  if (standIn) return { name: standIn, standInFor: name }
  throw new CloudtapeError(
    'ERR_CLOUDTAPE_FAULT_RULE',
    `The ${dialect} dialect has no "${name}" fault (documented for ${fault.dialects.join(', ')}) and no stand-in for it. ` +
      `Use one of: ${faultNames(dialect)}, or a status rule (status ${fault.code}).`,
  )
}

/** The names a dialect accepts in rules: its own faults, then the ones it has stand-ins for. */
export function acceptedFaultNames(dialect: Dialect): string[] {
  return [...faultsForDialect(dialect).map((fault) => fault.name), ...Object.keys(FAULT_STAND_INS[dialect])]
}

function faultNames(dialect: Dialect): string {
  return faultsForDialect(dialect)
    .map((fault) => fault.name)
    .join(', ')
}

/** Faults that name one specific situation, never chosen for a bare status. */
const SPECIFIC_FAULTS: ReadonlySet<string> = new Set([
  'resizeNotAllowed',
  'backupOrResizeInProgress',
  'rescueOrUnrescueProcessingInProgress',
  'operationNotAllowed',
  'serverCapacityUnavailable',
])

/**
 * The fault root a dialect uses for a bare status: its first general fault with that status in
 * catalog order, else its generic root (computeFault; cloudServersFault for hp), which the
 * documents allow with "other codes possible". Nova does the same: it names roots by status and
 * calls every other status computeFault.
 */
export function faultNameForStatus(status: number, dialect: Dialect): string {
  const own = faultsForDialect(dialect).find((fault) => fault.code === status && !SPECIFIC_FAULTS.has(fault.name))
  if (own) return own.name
  return dialect === 'hp' ? 'cloudServersFault' : 'computeFault'
}

/** Every fault name in the catalog, for messages. */
export const ALL_FAULT_NAMES: readonly string[] = FAULTS.map((fault) => fault.name)
