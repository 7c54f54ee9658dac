import http from 'node:http'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** One answer, read whole. */
export interface CallResult {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly text: string
}

/** A request over node:http with the given agent (keep-alive clients share nothing else). */
export function call(agent: http.Agent | undefined, method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<CallResult> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
}

/** What a load run saw: every failure is kept with the request number that caused it. */
export interface LoadRun {
  readonly requests: number
  readonly errors: ReadonlyArray<{ readonly n: number; readonly message: string }>
  readonly ms: number
}

/**
 * `clients` workers take request numbers 0..total-1 from one counter, each on its own keep-alive
 * agent, until all are done: a bounded run whatever the speed. `send` throws to report a wrong answer.
 */
export async function runClients(clients: number, total: number, send: (n: number, agent: http.Agent) => Promise<void>): Promise<LoadRun> {
  let next = 0
  const errors: Array<{ n: number; message: string }> = []
  const started = performance.now()
  const worker = async (): Promise<void> => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    try {
      for (let n = next++; n < total; n = next++) {
        await send(n, agent).catch((error: unknown) => void errors.push({ n, message: error instanceof Error ? error.message : String(error) }))
      }
    } finally {
      agent.destroy()
    }
  }
  await Promise.all(Array.from({ length: clients }, worker))
  return { requests: total, errors, ms: performance.now() - started }
}

let collect: (() => void) | null = null

/**
 * The live JS heap after full collections. `--expose-gc` is switched on at run time and `gc`
 * taken from a fresh context, so the test needs no special node flags. Two event-loop turns
 * first: callbacks of sockets and servers that just closed hold what they served until they run.
 */
export async function settledHeapBytes(): Promise<number> {
  for (let turn = 0; turn < 2; turn += 1) await new Promise((resolve) => setImmediate(resolve))
  if (!collect) {
    setFlagsFromString('--expose-gc')
    collect = runInNewContext('gc') as () => void
  }
  for (let i = 0; i < 3; i += 1) collect()
  return process.memoryUsage().heapUsed
}

/**
 * The settled heap, measured again (up to `attempts` times) while it is still `tolerance` or more
 * above `baseline`: sockets a closed server destroyed release what they held over a few event-loop
 * turns. Retained memory stays above the line on every attempt; the smallest reading is returned.
 */
export async function heapSettledNear(baseline: number, tolerance: number, attempts = 5): Promise<number> {
  let smallest = Number.POSITIVE_INFINITY
  for (let attempt = 0; attempt < attempts && smallest - baseline >= tolerance; attempt += 1) smallest = Math.min(smallest, await settledHeapBytes())
  return smallest
}

export function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1)
}
