import { CloudtapeError } from '../cassettes/index.js'
import type { Interaction } from '../cassettes/index.js'
import type { BodyFacts } from './body-leaves.js'
import { firstInteraction, variantFacts, type CassetteIndex, type Variant } from './cassette-index.js'
import type { Mask, RequestFacts } from './request-facts.js'
import { isLibraryName } from './library-names.js'

/** The layers of a match, in the order they are compared. */
export const MISS_LAYERS = ['operation', 'origin', 'format', 'parameter', 'query', 'header', 'body', 'exhausted'] as const
export type MissLayer = (typeof MISS_LAYERS)[number]

/** Why a request matched nothing: the closest interaction and the first layer where it differs. */
export interface MissReport {
  readonly method: string
  /** The path as received, with query. */
  readonly path: string
  readonly operation: string
  readonly cassette: string
  readonly closest: { readonly interaction: Interaction; readonly layer: MissLayer; readonly detail: string } | null
  readonly unused: number
  readonly total: number
  /** The command that re-records the cassette. */
  readonly command: string
}

/** ERR_CLOUDTAPE_NO_MATCH with the structured report. */
export class NoMatchError extends CloudtapeError {
  readonly report: MissReport
  constructor(report: MissReport) {
    super('ERR_CLOUDTAPE_NO_MATCH', formatMissReport(report))
    this.report = report
  }
}

/** Scanning stops here: a miss report is worth a bounded cost, even on a huge cassette. */
const MAX_CANDIDATES = 2000

/** The recorded request closest to `facts`, with the first layer where they differ. */
export function findClosest(index: CassetteIndex, facts: RequestFacts, isUnused: (variant: Variant) => boolean): MissReport['closest'] {
  const sameOperation = index.byOperation.get(facts.operation)
  if (!sameOperation) return closestOperation(index, facts)
  const placeholders = index.placeholders()
  let best: { variant: Variant; depth: number; detail: string } | null = null
  for (const variant of sameOperation.slice(0, MAX_CANDIDATES)) {
    const [depth, detail] = compare(variantFacts(index, variant), placeholders.maskOf(variant), facts)
    if (!best || depth > best.depth || (depth === best.depth && isUnused(variant) && !isUnused(best.variant))) {
      best = { variant, depth, detail }
    }
  }
  if (!best) return null
  return { interaction: firstInteraction(index, best.variant), layer: MISS_LAYERS[best.depth] as MissLayer, detail: best.detail }
}

function closestOperation(index: CassetteIndex, facts: RequestFacts): MissReport['closest'] {
  let best: { variant: Variant; score: number } | null = null
  for (const variant of index.variants.slice(0, MAX_CANDIDATES)) {
    const score = commonPrefix(variant.operation, facts.operation) + (variant.method === facts.method ? 1000 : 0)
    if (!best || score > best.score) best = { variant, score }
  }
  if (!best) return null
  const detail = `operation differs: recorded ${best.variant.operation}, received ${facts.operation}`
  return { interaction: firstInteraction(index, best.variant), layer: 'operation', detail }
}

function commonPrefix(a: string, b: string): number {
  let n = 0
  while (n < a.length && a[n] === b[n]) n += 1
  return n
}

/** [index into MISS_LAYERS of the first differing layer, what differs]. */
function compare(recorded: RequestFacts, mask: Mask, facts: RequestFacts): [number, string] {
  if (recorded.origin !== facts.origin) return [1, `origin differs: recorded ${recorded.origin}, received ${facts.origin}`]
  if (recorded.format !== facts.format) return [2, `format differs: recorded ${recorded.format}, received ${facts.format}`]
  const checks: Array<[number, string, string | null]> = [
    [3, 'parameter', pairsDiffer(recorded.params, facts.params, mask.params)],
    [4, 'query', pairsDiffer(recorded.query, facts.query, mask.query)],
    [5, 'header', pairsDiffer(recorded.headers, facts.headers, mask.headers)],
    [6, 'body', bodyDiffers(recorded.body, facts.body, mask)],
  ]
  for (const [depth, label, difference] of checks) if (difference !== null) return [depth, `${label} ${difference}`]
  return [7, 'every recorded answer to this request was used and exhausted is "error"']
}

type Pairs = ReadonlyArray<readonly [string, string]>

function pairsDiffer(recorded: Pairs, received: Pairs, masked: ReadonlySet<string>): string | null {
  const names = [...new Set([...recorded.map(([name]) => name), ...received.map(([name]) => name)])].sort()
  for (const name of names) {
    const want = recorded.filter(([key]) => key === name).map(([, value]) => value)
    const got = received.filter(([key]) => key === name).map(([, value]) => value)
    const same = masked.has(name) ? want.length === got.length : want.join('\u0000') === got.join('\u0000')
    if (!same) return `${JSON.stringify(name)}: recorded ${shown(want)}, received ${shown(got)}`
  }
  return null
}

function shown(values: readonly string[]): string {
  if (values.length === 0) return '(absent)'
  return values.map((value) => JSON.stringify(value)).join(', ')
}

function bodyDiffers(recorded: BodyFacts, received: BodyFacts, mask: Mask): string | null {
  if (received.broken !== null && recorded.broken === null) return `is ${received.broken}`
  const want = new Map(recorded.leaves.map((leaf) => [leaf.path, leaf.value]))
  const got = new Map(received.leaves.map((leaf) => [leaf.path, leaf.value]))
  const paths = [...new Set([...want.keys(), ...got.keys()])].sort()
  for (const path of paths) {
    const a = want.get(path)
    const b = got.get(path)
    if (a === b || (mask.body.has(path) && a !== undefined && b !== undefined)) continue
    return `differs at ${path}: recorded ${a ?? '(absent)'}, received ${b ?? '(absent)'}`
  }
  return null
}

/** The miss message: what failed, on what → why → what to do. */
export function formatMissReport(report: MissReport): string {
  const lines = [`No recorded interaction matches ${report.method} ${report.path} (${report.operation}) in cassette "${report.cassette}".`]
  if (report.closest) {
    const { interaction, detail } = report.closest
    lines.push(`  Closest: #${interaction.id} ${interaction.operation} (${interaction.response?.status ?? interaction.transportFault?.kind ?? '-'}); ${detail}.`)
  } else {
    lines.push('  The cassette has no interactions.')
  }
  lines.push(`  ${report.unused} of ${report.total} interactions unused.`)
  lines.push(`  Re-record with \`${report.command}\`, or let unmatched requests through with \`--on-miss passthrough\` (cloudtape replay) or { onMiss: 'passthrough' } (library).`)
  return lines.join('\n')
}

/** The re-record command for a cassette path. */
export function recordCommand(path: string): string {
  // A library cassette holds a documented example, not the user's traffic: record their own.
  if (isLibraryName(path)) return `cloudtape record --cassette <your cassette> --target <identity URL> (${path} is a documented example from the cassette library)`
  return `cloudtape record --cassette ${path} --target <identity URL>`
}

/** The assertAllUsed failure: one row per unused interaction. */
export function formatUnusedTable(cassette: string, unused: readonly Interaction[], total: number): string {
  const rows = unused.map((interaction) => [
    `#${interaction.id}`,
    interaction.operation,
    Object.entries(interaction.params).filter(([name]) => name !== 'tenant_id').map(([name, value]) => `${name}=${value}`).join(' ') || '-',
    String(interaction.response?.status ?? interaction.transportFault?.kind ?? '-'),
  ])
  const header = ['id', 'operation', 'params', 'status']
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)))
  const line = (cells: readonly string[]): string => `  ${cells.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ')}`.trimEnd()
  return [
    `${unused.length} of ${total} interactions in cassette "${cassette}" were not used:`,
    line(header),
    ...rows.map(line),
    '  Remove them from the cassette, re-record it, or check why the client skipped them.',
  ].join('\n')
}
