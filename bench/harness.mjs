// The shared parts of every benchmark in bench/: alternating rounds, medians, the machine's
// description, markdown tables and the summary rows that `npm run bench` (bench/run.mjs) collects.
// Every benchmark measures its baseline in the same run, in alternating order, so that whatever
// else the (shared, 2-core) machine is doing falls on both sides of a ratio alike.
import { spawnSync } from 'node:child_process'
import { appendFileSync, readFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { createRequire } from 'node:module'
import autocannon from 'autocannon'

const require = createRequire(import.meta.url)

/** True when the script was started with --quick: the smoke run's shorter rounds. */
export const QUICK = process.argv.includes('--quick')

/** Where run.mjs wants this script's summary rows (one JSON object a line), if it started us. */
const SUMMARY_FILE = process.env.CLOUDTAPE_BENCH_SUMMARY

/**
 * Runs every variant once per round, rotating who goes first each round, and returns each
 * variant's results in round order. `measure(name, round)` does one measurement.
 */
export async function alternate(names, rounds, measure, { onRound } = {}) {
  const results = Object.fromEntries(names.map((name) => [name, []]))
  for (let round = 0; round < rounds; round += 1) {
    const order = names.map((_, index) => names[(index + round) % names.length])
    for (const name of order) results[name].push(await measure(name, round))
    onRound?.(round, order, results)
  }
  return results
}

/** The same for synchronous measurements (in-process loops), without an await between them. */
export function alternateSync(names, rounds, measure) {
  const results = Object.fromEntries(names.map((name) => [name, []]))
  for (let round = 0; round < rounds; round += 1) {
    for (let index = 0; index < names.length; index += 1) {
      const name = names[(index + round) % names.length]
      results[name].push(measure(name, round))
    }
  }
  return results
}

export function median(values) {
  return percentile(values, 0.5)
}

/** Nearest-rank percentile (q in 0..1); NaN for no values. */
export function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
}

/** The median of one field over a variant's rounds. */
export function medianOf(runs, field) {
  return median(runs.map((run) => run[field]))
}

/** Versions of the packages a benchmark compares, as installed (null when one is not). */
export function versions(names = ['autocannon', 'nock', 'http-proxy', 'talkback', 'mountebank', 'wiremock']) {
  const entries = [['cloudtape', readVersion('../package.json')]]
  for (const name of names) entries.push([name, readVersion(`${name}/package.json`)])
  return Object.fromEntries(entries.filter(([, version]) => version !== null))
}

function readVersion(specifier) {
  try {
    const path = specifier.startsWith('.') ? new URL(specifier, import.meta.url) : require.resolve(specifier)
    return JSON.parse(readFileSync(path, 'utf8')).version ?? null
  } catch {
    return null
  }
}

/** Cores, CPU model, memory, load average now, Node and package versions. */
export function machine() {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model?.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    loadavg: loadavg().map((value) => Number(value.toFixed(2))),
    node: process.version,
    versions: versions(),
  }
}

export function describeMachine(info = machine()) {
  const packages = Object.entries(info.versions).map(([name, version]) => `${name} ${version}`).join(', ')
  return `${info.cores} cores (${info.cpu}), ${info.memoryGb} GB, load average ${info.loadavg.join(' ')}, Node ${info.node}; ${packages}`
}

/** A markdown table: `headers` is a list of column names, `rows` a list of lists of cells. */
export function markdownTable(headers, rows) {
  const line = (cells) => `| ${cells.map((cell) => String(cell)).join(' | ')} |`
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n')
}

/**
 * One line of the summary table. `value` and `baseline` are what was compared (numbers, with
 * `unit`), `ratio` is value / baseline unless given, `target` says what the issue asks for and
 * `met` whether this run met it (null when there is no target).
 */
export function summaryRow({ benchmark, measure, value, baseline, unit, ratio, target = '-', met = null, note = '' }) {
  const row = { benchmark, measure, value, baseline, unit, ratio: ratio ?? value / baseline, target, met, note }
  if (SUMMARY_FILE) appendFileSync(SUMMARY_FILE, `${JSON.stringify(row)}\n`)
  return row
}

/** Prints a run's own summary rows as a markdown table (run.mjs prints all of them together). */
export function printSummary(rows) {
  console.log(summaryTable(rows))
}

export function summaryTable(rows) {
  return markdownTable(
    ['benchmark', 'measure', 'measured', 'baseline', 'ratio', 'target', 'met'],
    rows.map((row) => [
      row.benchmark,
      row.measure,
      formatValue(row.value, row.unit),
      formatValue(row.baseline, row.unit),
      Number.isFinite(row.ratio) ? `${row.ratio.toFixed(2)}×` : '-',
      row.target,
      row.met === null ? '-' : row.met ? 'yes' : '**no**',
    ]),
  )
}

export function formatValue(value, unit) {
  if (value === null || value === undefined || Number.isNaN(value)) return '-'
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
  return unit ? `${text} ${unit}` : text
}

/**
 * autocannon as a promise. With `samples: true` every response time is kept (for percentiles
 * finer than autocannon's whole-millisecond histogram).
 */
export function cannon(options, { samples = false } = {}) {
  return new Promise((resolve, reject) => {
    const times = []
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve({ result, samples: times })))
    if (samples) instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime))
  })
}

/** Progress on stderr, so stdout stays the report. */
export function log(text) {
  process.stderr.write(`${text}\n`)
}

/** Nanoseconds since an arbitrary start, as a number. */
export function nowNs() {
  return Number(process.hrtime.bigint())
}

/**
 * Pins a process and all its threads to one core with taskset (Linux), so a load generator and
 * the server it measures cannot share a core. Returns false where it cannot (no taskset, one
 * core): the run goes on unpinned and says so.
 */
export function pinToCore(pid, core) {
  if (cpus().length < 2) return false
  const result = spawnSync('taskset', ['-a', '-c', '-p', String(core), String(pid)], { stdio: 'ignore' })
  return result.status === 0
}
