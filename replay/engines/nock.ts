import type { Cassette } from '../../cassettes/index.js'
import { loadCassetteSource, type CassetteInput } from '../load-cassette.js'
import type { ReplaySessionOptions } from '../options.js'
import { createReplaySession, type ReplaySession } from '../session.js'
import { claimEngine } from './registry.js'
import { delayOf, flattenHeaders, inProcessOutcome, transportError, type InProcessOutcome } from './transport.js'

type Nock = typeof import('nock')
type NockInterceptor = import('nock').Interceptor
type ReplyCallback = (error: NodeJS.ErrnoException | null, result: import('nock').ReplyFnResult) => void

/** Options of useCassette(): the session's, and where cassette names are looked up. */
export interface UseCassetteOptions extends ReplaySessionOptions {
  /** The folder cassette names are relative to. Default: the working directory. */
  readonly dir?: string
  /** Largest cassette file read. Default: core's MAX_CASSETTE_FILE_BYTES (64 MiB). */
  readonly maxBytes?: number
}

/** What a test needs from an in-process replay. */
export interface CassetteHandle {
  /** The identity endpoint to give the client (the recorded one: nock intercepts the recorded hosts). */
  readonly authUrl: string
  readonly cassette: Cassette
  readonly session: ReplaySession
  /** Fails with ERR_CLOUDTAPE_UNUSED_INTERACTIONS and a table when an interaction was not used. */
  assertAllUsed(): void
  /** Removes the interceptors; safe to call twice. */
  close(): Promise<void>
}

/** Requests the nock engine itself sends on for passthrough carry this header, so it lets them by. */
export const PASSTHROUGH_HEADER = 'x-cloudtape-passthrough'

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/**
 * Replays a cassette in process with nock 14, which intercepts node:http and native fetch alike.
 *
 * @example
 * const tape = await useCassette('servers/boot-reboot-delete', { dir: 'test/cassettes' })
 * try {
 *   const client = createClient({ authUrl: tape.authUrl, username: 'demo', password: 'any' })
 *   await client.createServer({ name: 'web1', imageRef, flavorRef: '2' })
 *   tape.assertAllUsed()
 * } finally {
 *   await tape.close()
 * }
 * @note One engine per session: nock and Polly's node-http adapter patch the same globals, so
 * starting one while the other is active fails with ERR_CLOUDTAPE_ENGINE_CONFLICT.
 */
export async function useCassette(source: CassetteInput, options: UseCassetteOptions = {}): Promise<CassetteHandle> {
  const { cassette, path } = await loadCassetteSource(source, options.dir, options.maxBytes)
  const session = createReplaySession(cassette, { cassettePath: path, ...options })
  const origins = [...session.routes.bases.keys()]
  const release = claimEngine({ engine: 'nock', cassette: cassette.name, origins })
  const detach = session.attach('nock')
  const { default: nock } = await import('nock')
  if (!nock.isActive()) nock.activate()
  const passthrough = (options.onMiss ?? 'error') !== 'error'
  const held = new Set<() => void>()
  const interceptors = origins.flatMap((origin) => interceptOrigin(nock, origin, session, passthrough, held))
  let closed = false
  return {
    authUrl: session.authUrl,
    cassette,
    session,
    assertAllUsed: () => session.assertAllUsed(),
    close: async () => {
      if (closed) return
      closed = true
      for (const interceptor of interceptors) nock.removeInterceptor(interceptor)
      for (const release of held) release()
      detach()
      release()
    },
  }
}

interface Captured {
  readonly method: string
  readonly headers: Record<string, string>
  readonly body: Buffer
}

// allowUnmocked only when misses may pass through: nock keeps it for the host after close(), and
// in error mode nothing may reach the network.
function interceptOrigin(nock: Nock, origin: string, session: ReplaySession, passthrough: boolean, held: Set<() => void>): NockInterceptor[] {
  const captured = new WeakMap<object, Captured>()
  const scope = nock(origin, { allowUnmocked: passthrough }).persist()
  if (passthrough) scope.matchHeader(PASSTHROUGH_HEADER, (value: string | undefined) => value === undefined)
  scope.on('request', (req: { method: string; headers: Record<string, string | string[]> }, _interceptor: unknown, body: string) => {
    const headers = flattenHeaders(req.headers)
    captured.set(req, { method: req.method, headers, body: decodeNockBody(body) })
    // nock JSON.parses JSON bodies before calling a reply function and crashes the process on a
    // malformed one; the session reads the captured bytes instead, so hide the type from nock.
    if (/json/i.test(headers['content-type'] ?? '')) req.headers['content-type'] = 'application/octet-stream'
  })
  return METHODS.map((method) => {
    const interceptor = scope.intercept(() => true, method)
    interceptor.reply(function (uri, _body, callback: ReplyCallback) {
      const request = captured.get(this.req)
      if (!request) return callback(new Error('[cloudtape] nock engine: request not captured'), [500])
      const answer = session.handle({ method: request.method, url: origin + uri, headers: request.headers, body: request.body })
      const delay = delayOf(answer)
      const outcome = inProcessOutcome(answer)
      if (delay > 0) void session.clock.sleep(delay).then(() => deliver(outcome, request, callback, held))
      else deliver(outcome, request, callback, held)
    })
    return interceptor
  })
}

function deliver(outcome: InProcessOutcome, request: Captured, callback: ReplyCallback, held: Set<() => void>): void {
  if ('reply' in outcome) return callback(null, [outcome.reply.status, outcome.reply.body, withLength(outcome.reply.headers, outcome.reply.body)])
  if ('error' in outcome) return callback(outcome.error, [0])
  if ('hold' in outcome) {
    // A no-answer fault: the request waits until the client gives up or the tape closes.
    const release = (): void => {
      held.delete(release)
      callback(transportError({ kind: 'timeout', message: 'a fault rule never answered; the cassette was closed' }), [0])
    }
    held.add(release)
    return
  }
  passthrough(outcome.passthrough, request).then((result) => callback(null, result), (error: Error) => callback(error, [502]))
}

async function passthrough(url: string, request: Captured): Promise<[number, Buffer, Record<string, string>]> {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD'
  const response = await fetch(url, { method: request.method, headers: { ...request.headers, [PASSTHROUGH_HEADER]: '1' }, ...(hasBody ? { body: request.body } : {}) })
  const body = Buffer.from(await response.arrayBuffer())
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    if (name !== 'content-encoding' && name !== 'transfer-encoding') headers[name] = value
  })
  return [response.status, body, withLength(headers, body)]
}

function withLength(headers: Readonly<Record<string, string>>, body: Buffer): Record<string, string> {
  return { ...headers, 'content-length': String(body.length) }
}

// nock hands bodies over as UTF-8 text, or as hex when the bytes are not valid UTF-8.
function decodeNockBody(body: string): Buffer {
  if (body.length > 0 && body.length % 2 === 0 && /^[0-9a-f]+$/i.test(body)) {
    const bytes = Buffer.from(body, 'hex')
    if (!isUtf8Text(bytes)) return bytes
  }
  return Buffer.from(body, 'utf8')
}

function isUtf8Text(bytes: Buffer): boolean {
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)
}
