import { describe, expect, test } from 'vitest'
import { FAULTS } from '../../cassettes/fault-catalog.js'
import { runCli } from '../helpers/cli.js'

describe('cloudtape faults', () => {
  test('lists every fault with its status, dialects and all-requests flag', async () => {
    const run = await runCli(['faults'])
    expect(run.exitCode).toBe(0)
    const lines = run.out.split('\n')
    expect(lines[0]).toBe('Documented faults (all dialects)')
    expect(lines[2]).toMatch(/^fault\s+status\s+all\s+dialects\s+notes$/)
    for (const fault of FAULTS) expect(run.out).toMatch(new RegExp(`^${fault.name}\\s+${fault.code}\\s`, 'm'))
    expect(run.out).toMatch(/^overLimit\s+413\s+yes\s+rackspace,hp,nova\s+verbatim examples/m)
  })

  test('lists only the faults of a dialect and its stand-ins with --dialect', async () => {
    const run = await runCli(['faults', '--dialect', 'hp'])
    expect(run.out).toContain('Documented faults of the hp dialect')
    expect(run.out).toMatch(/^conflictingRequest\s+409\s/m)
    expect(run.out).not.toMatch(/^buildInProgress\s/m)
    expect(run.out).toContain('buildInProgress → conflictingRequest')
    expect(run.out).toContain('cloudtape replay --fault <fault>@<operation-glob>')
  })

  test('prints the catalog of a dialect as JSON with --json', async () => {
    const run = await runCli(['faults', '--dialect', 'nova', '--json'])
    const printed = JSON.parse(run.out) as { dialect: string; faults: Array<{ name: string; status: number; all: boolean }>; standIns: Record<string, string> }
    expect(printed.dialect).toBe('nova')
    expect(printed.faults.map((fault) => fault.name)).toEqual(['computeFault', 'badRequest', 'unauthorized', 'forbidden', 'itemNotFound', 'badMethod', 'conflictingRequest', 'overLimit', 'badMediaType', 'notImplemented', 'serviceUnavailable'])
    expect(printed.faults.find((fault) => fault.name === 'forbidden')).toMatchObject({ status: 403, all: true })
    expect(printed.standIns['buildInProgress']).toBe('conflictingRequest')
  })

  test('fails with exit code 2 and the valid dialects for an unknown one', async () => {
    const run = await runCli(['faults', '--dialect', 'aws'])
    expect(run.exitCode).toBe(2)
    expect(run.err).toContain("argument 'aws' is invalid. Allowed choices are rackspace, hp, nova.")
  })
})
