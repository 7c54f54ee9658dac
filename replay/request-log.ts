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
 * The last `capacity` requests, in columns of a ring buffer: logging allocates nothing per
 * request and keeps only shared request descriptions alive, which keeps a busy replay server out
 * of the garbage collector.
 */
export class RequestLog {
  private readonly requests: LoggedRequest[]
  private readonly outcomes: RequestLogEntry['outcome'][]
  private readonly interactions: Int32Array
  private readonly statuses: Int32Array
  private count = 0

  constructor(private readonly capacity = 10_000) {
    this.requests = new Array<LoggedRequest>(capacity)
    this.outcomes = new Array<RequestLogEntry['outcome']>(capacity)
    this.interactions = new Int32Array(capacity)
    this.statuses = new Int32Array(capacity)
  }

  add(request: LoggedRequest, outcome: RequestLogEntry['outcome'], interaction: number | null, status: number | null): void {
    const slot = this.count % this.capacity
    this.requests[slot] = request
    this.outcomes[slot] = outcome
    this.interactions[slot] = interaction ?? -1
    this.statuses[slot] = status ?? -1
    this.count += 1
  }

  /** The entries kept, oldest first. */
  entries(): RequestLogEntry[] {
    const first = Math.max(0, this.count - this.capacity)
    const out: RequestLogEntry[] = []
    for (let seq = first; seq < this.count; seq += 1) {
      const slot = seq % this.capacity
      const interaction = this.interactions[slot] as number
      const status = this.statuses[slot] as number
      const request = this.requests[slot] as LoggedRequest
      out.push({
        seq: seq + 1,
        method: request.method,
        url: request.url,
        operation: request.operation,
        outcome: this.outcomes[slot] as RequestLogEntry['outcome'],
        interaction: interaction < 0 ? null : interaction,
        status: status < 0 ? null : status,
      })
    }
    return out
  }
}
