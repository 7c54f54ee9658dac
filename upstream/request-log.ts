/** One request the fake cloud received, as it arrived (secrets included: it stays in memory). */
export interface LoggedRequest {
  /** 1 for the first request the cloud received, across all origins. */
  readonly seq: number
  /** `identity` or the region name. */
  readonly target: string
  readonly method: string
  /** Path and query as received. */
  readonly url: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: string
  /** The operation key (cloudtape's resolver), e.g. `servers.action.reboot`. */
  readonly operation: string
  /** The status answered; null while pending, or when a switch hung or reset the request. */
  status: number | null
  /** The injected clock's time on arrival. */
  readonly receivedAt: number
}

/** The latest requests, oldest first, bounded so long benchmark runs keep flat memory. */
export interface RequestLog {
  readonly entries: LoggedRequest[]
  add(entry: Omit<LoggedRequest, 'seq' | 'status'>): LoggedRequest
  clear(): void
}

/** Creates a log that keeps the latest `limit` requests (0 keeps none). */
export function createRequestLog(limit: number): RequestLog {
  const entries: LoggedRequest[] = []
  let seq = 0
  return {
    entries,
    add: (fields) => {
      seq += 1
      const entry: LoggedRequest = { ...fields, seq, status: null }
      if (limit === 0) return entry
      if (entries.length >= limit) entries.shift()
      entries.push(entry)
      return entry
    },
    clear: () => void entries.splice(0, entries.length),
  }
}
