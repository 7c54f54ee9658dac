import type { AnswerSource } from './answers.js'

/** One line of the request log (the control API serves it). */
export interface RequestLogEntry {
  readonly seq: number
  readonly method: string
  readonly url: string
  readonly operation: string
  readonly outcome: AnswerSource | 'passthrough' | 'transport' | 'miss'
  readonly interaction: number | null
  readonly status: number | null
}

/** What the log says about a request; resolutions carry one, shared by every repeat of the request. */
export interface LoggedRequest {
  readonly method: string
  readonly url: string
  readonly operation: string
}

/**
 * The last `capacity` requests in a ring buffer of two arrays, two slots per request: the request
 * description and its outcome, then the interaction and the status. Logging allocates nothing per
 * request, keeps only shared request descriptions alive (which keeps a busy replay server out of
 * the garbage collector) and touches two arrays rather than one per column.
 */
export class RequestLog {
  /** [request, outcome] per slot. */
  private readonly described: (LoggedRequest | RequestLogEntry['outcome'])[]
  /** [interaction, status] per slot; -1 for null. */
  private readonly numbers: Int32Array
  private count = 0

  constructor(private readonly capacity = 10_000) {
    this.described = new Array<LoggedRequest | RequestLogEntry['outcome']>(capacity * 2)
    this.numbers = new Int32Array(capacity * 2)
  }

  add(request: LoggedRequest, outcome: RequestLogEntry['outcome'], interaction: number | null, status: number | null): void {
    const at = (this.count % this.capacity) * 2
    this.described[at] = request
    this.described[at + 1] = outcome
    this.numbers[at] = interaction ?? -1
    this.numbers[at + 1] = status ?? -1
    this.count += 1
  }

  /** The entries kept, oldest first. */
  entries(): RequestLogEntry[] {
    const first = Math.max(0, this.count - this.capacity)
    const out: RequestLogEntry[] = []
    for (let seq = first; seq < this.count; seq += 1) {
      const at = (seq % this.capacity) * 2
      const request = this.described[at] as LoggedRequest
      const interaction = this.numbers[at] as number
      const status = this.numbers[at + 1] as number
      out.push({
        seq: seq + 1,
        method: request.method,
        url: request.url,
        operation: request.operation,
        outcome: this.described[at + 1] as RequestLogEntry['outcome'],
        interaction: interaction < 0 ? null : interaction,
        status: status < 0 ? null : status,
      })
    }
    return out
  }
}
