#!/usr/bin/env node
// `npm run bench`: every benchmark in turn, each in its own process(es) so one's garbage and JIT
// state do not weigh on the next, then one summary table (markdown, ready for bench/RESULTS.md)
// of cloudtape against each baseline and the issues' targets.
//
//   npm run bench [-- --quick] [-- --only resolution,replay-server]
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { describeMachine, machine, summaryTable } from './harness.mjs'

/** Each benchmark: its script and the arguments of a default and of a --quick run. */
const BENCHMARKS = {
  resolution: { script: 'resolution.bench.mjs', args: [], quick: ['--quick'] },
  replay: { script: 'replay.bench.mjs', args: [], quick: ['--quick'] },
  'replay-server': { script: 'replay-server.bench.mjs', args: [], quick: ['--quick'] },
  proxy: { script: 'proxy.bench.mjs', args: ['--rounds', '3', '--latency-requests', '2000'], quick: ['--rounds', '1', '--seconds', '1', '--latency-requests', '500', '--memory-requests', '5000'] },
}

const { values: options } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } })
const names = options.only ? options.only.split(',') : Object.keys(BENCHMARKS)
for (const name of names) if (!BENCHMARKS[name]) throw new Error(`no benchmark "${name}"; the benchmarks are ${Object.keys(BENCHMARKS).join(', ')}`)

const before = machine()
const started = Date.now()
const dir = await mkdtemp(join(tmpdir(), 'cloudtape-bench-run-'))
const summaryFile = join(dir, 'summary.jsonl')
const failed = []
try {
  for (const name of names) {
    const { script, args, quick } = BENCHMARKS[name]
    const argv = ['--expose-gc', new URL(script, import.meta.url).pathname, ...(options.quick ? quick : args)]
    process.stderr.write(`\n== ${name}: node ${argv.slice(1).join(' ')}\n`)
    const child = spawn(process.execPath, argv, { stdio: 'inherit', env: { ...process.env, CLOUDTAPE_BENCH_SUMMARY: summaryFile } })
    const [code, signal] = await once(child, 'exit')
    if (code !== 0) failed.push(`${name} (${signal ?? `exit ${code}`})`)
  }
  const rows = (await readFile(summaryFile, 'utf8').catch(() => ''))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line))
  const after = machine()
  const minutes = ((Date.now() - started) / 60_000).toFixed(1)
  console.log(`\n## Summary (\`npm run bench${options.quick ? ' -- --quick' : ''}\`, ${minutes} min)\n`)
  console.log(`Machine: ${describeMachine(before)}; load average after: ${after.loadavg.join(' ')}\n`)
  console.log(summaryTable(rows))
  const notes = rows.filter((row) => row.note)
  if (notes.length > 0) console.log('\n' + notes.map((row) => `- ${row.benchmark}, ${row.measure}: ${row.note}`).join('\n'))
  if (failed.length > 0) {
    console.log(`\nFailed: ${failed.join(', ')}`)
    process.exitCode = 1
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}
