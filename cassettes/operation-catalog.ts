import { OPERATION_ROWS } from './operation-catalog-data.js'

/** The API dialects cloudtape speaks. `nova` is today's OpenStack Nova (JSON only). */
export const DIALECTS = ['rackspace', 'hp', 'nova'] as const
export type Dialect = (typeof DIALECTS)[number]

/** How the operations table names the documents an operation comes from. */
export type CatalogDialect = 'rackspace' | 'hp' | 'rackspace-nav'

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'] as const
export type HttpMethod = (typeof HTTP_METHODS)[number]

/** One row of operations.tsv, transcribed as is (codes still in the table's `a,b/c` notation). */
export interface OperationRow {
  readonly key: string
  readonly method: string
  readonly template: string
  readonly action: string | null
  readonly dialects: readonly string[]
  readonly codes: string
  readonly source: string
}

/** A documented operation, ready to use. */
export interface Operation {
  readonly key: string
  readonly method: HttpMethod
  /** Path template after the endpoint host, e.g. `/v2/{tenant_id}/servers/{server_id}`. */
  readonly template: string
  /** For `POST .../action`: the body key (JSON top-level key, XML root local name). */
  readonly action: string | null
  readonly dialects: readonly CatalogDialect[]
  /** Documented normal response codes per dialect (the table's `rackspace/hp` split). */
  readonly codes: { readonly rackspace: readonly number[]; readonly hp: readonly number[] }
  /** Where the documents describe it, e.g. `001 §2.3.2; 003 §4.4.1.17`. */
  readonly source: string
}

function parseCodes(codes: string): Operation['codes'] {
  const toList = (part: string): number[] => part.split(',').map((code) => Number(code.trim()))
  const [rackspace = '', hp] = codes.split('/')
  return { rackspace: toList(rackspace), hp: toList(hp ?? rackspace) }
}

/**
 * Where a document contradicts the operations table, both answers are documented codes.
 * keypairs.create: the table gives hp 200, but 003 §4.4.9.2 says "Normal Response Code(s): 202".
 */
export const CODE_CORRECTIONS: Readonly<Record<string, Partial<Operation['codes']> & { readonly note: string }>> = {
  'keypairs.create': { hp: [200, 202], note: '003 §4.4.9.2 gives 202 where operations.tsv gives 200 for hp' },
}

function withCorrections(key: string, codes: Operation['codes']): Operation['codes'] {
  const correction = CODE_CORRECTIONS[key]
  if (!correction) return codes
  return { rackspace: correction.rackspace ?? codes.rackspace, hp: correction.hp ?? codes.hp }
}

function toOperation(row: OperationRow): Operation {
  return {
    key: row.key,
    method: row.method as HttpMethod,
    template: row.template,
    action: row.action,
    dialects: row.dialects as CatalogDialect[],
    codes: withCorrections(row.key, parseCodes(row.codes)),
    source: row.source,
  }
}

/** Every documented operation, in the order of operations.tsv. */
export const OPERATIONS: readonly Operation[] = OPERATION_ROWS.map(toOperation)

const BY_KEY: ReadonlyMap<string, Operation> = new Map(OPERATIONS.map((operation) => [operation.key, operation]))

/** The documented operation with this key, or undefined. */
export function getOperation(key: string): Operation | undefined {
  return BY_KEY.get(key)
}

/**
 * The documented normal codes of an operation in a dialect. `nova` follows the rackspace column
 * (the OpenStack behaviour both documents derive from).
 */
export function documentedCodes(operation: Operation, dialect: Dialect): readonly number[] {
  return dialect === 'hp' ? operation.codes.hp : operation.codes.rackspace
}
