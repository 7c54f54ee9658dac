import type { ClientRun } from '../real-clients.js'
import { OutputNormalizer } from '../normalize-output.js'

/** One client command and what it printed, normalized. */
export interface TranscriptEntry {
  readonly command: string
  readonly exitCode: number
  readonly output: string
}

/** Collects a story's commands; the same story run live and against a replay must give equal transcripts. */
export class Transcript {
  readonly entries: TranscriptEntry[] = []
  private readonly normalizer = new OutputNormalizer()

  /**
   * @param inputs values the story passes on command lines (the seeded image id) and their labels:
   *   the same live and replayed, while the outputs show the recorded placeholder instead.
   */
  constructor(private readonly inputs: Readonly<Record<string, string>> = {}) {}

  /** Records a command (its arguments normalized like its output) and returns the raw run. */
  add(command: readonly string[], run: ClientRun): ClientRun {
    this.entries.push({
      command: this.normalizer.normalize(command.map((arg) => this.withInputs(arg)).join(' ')),
      exitCode: run.code,
      output: this.normalizer.normalize(`${run.stdout}\n${run.stderr}`),
    })
    return run
  }

  private withInputs(arg: string): string {
    let text = arg
    for (const [value, label] of Object.entries(this.inputs)) text = text.split(value).join(label)
    return text
  }

  /** The transcript as text, one block per command (the lane writes it beside the cassette). */
  text(): string {
    return this.entries.map((entry) => `$ ${entry.command}\n[exit ${entry.exitCode}]\n${entry.output}\n`).join('\n')
  }
}

/** The value of a `| field | value |` row of a client's table. */
export function tableField(output: string, field: string): string {
  const row = output.split('\n').find((line) => new RegExp(`^\\|\\s*${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\|`).test(line))
  const value = row?.split('|')[2]?.trim()
  if (!value) throw new Error(`no "${field}" row in:\n${output}`)
  return value
}
