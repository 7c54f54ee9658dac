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

/**
 * The last `capacity` requests, in columns of a ring buffer: logging allocates nothing per
 * request, which keeps a busy replay server out of the garbage collector.
 */
export class RequestLog {
  private readonly methods: string[]
  private readonly urls: string[]
  private readonly operations: string[]
  private readonly outcomes: RequestLogEntry['outcome'][]
  private readonly interactions: Int32Array
  private readonly statuses: Int32Array
  private count = 0

  constructor(private readonly capacity = 10_000) {
    this.methods = new Array<string>(capacity)
    this.urls = new Array<string>(capacity)
    this.operations = new Array<string>(capacity)
    this.outcomes = new Array<RequestLogEntry['outcome']>(capacity)
    this.interactions = new Int32Array(capacity)
    this.statuses = new Int32Array(capacity)
  }

  add(method: string, url: string, operation: string, outcome: RequestLogEntry['outcome'], interaction: number | null, status: number | null): void {
    const slot = this.count % this.capacity
    this.methods[slot] = method
    this.urls[slot] = url
    this.operations[slot] = operation
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
      out.push({
        seq: seq + 1,
        method: this.methods[slot] as string,
        url: this.urls[slot] as string,
        operation: this.operations[slot] as string,
        outcome: this.outcomes[slot] as RequestLogEntry['outcome'],
        interaction: interaction < 0 ? null : interaction,
        status: status < 0 ? null : status,
      })
    }
    return out
  }
}
