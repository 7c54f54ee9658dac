import { createRequire } from 'node:module'
import { CloudtapeError } from '../../cassettes/index.js'
import { loadCassetteSource, type CassetteInput } from '../load-cassette.js'
import { createReplaySession, type ReplaySession } from '../session.js'
import type { CassetteHandle, UseCassetteOptions } from './nock.js'
import { claimEngine } from './registry.js'
import { delayOf, inProcessOutcome, transportError } from './transport.js'

type PollyInstance = import('@pollyjs/core').Polly
type PollyRequest = import('@pollyjs/core').Request
type PollyResponse = import('@pollyjs/core').Response
type PollyInterceptor = import('@pollyjs/core').Interceptor

/** What a Polly-served replay adds: the Polly instance, for users who configure it further. */
export interface PollyCassetteHandle extends CassetteHandle {
  readonly polly: PollyInstance
}

/**
 * Replays a cassette in process through Polly.js (its node-http adapter): every request goes to
 * the cloudtape session through a Polly intercept route, so matching, order and faults are the
 * same as with the other engines.
 *
 * @note Limits. Polly's node-http adapter patches node:http/https only: native `fetch` (undici) is
 * not intercepted (Polly issues #488, #443), so the client under test must use http/https. It runs
 * on its own nock 13 and refuses to start while nock is active; nock 14 (and msw) intercept through
 * @mswjs/interceptors, so cloudtape refuses to start Polly while that is applied, and refuses a
 * nock session while Polly runs (ERR_CLOUDTAPE_ENGINE_CONFLICT).
 */
export async function usePollyCassette(source: CassetteInput, options: UseCassetteOptions = {}): Promise<PollyCassetteHandle> {
  const { cassette, path } = await loadCassetteSource(source, options.dir, options.maxBytes)
  const session = createReplaySession(cassette, { cassettePath: path, ...options })
  refuseWhenMswIsApplied(cassette.name)
  const release = claimEngine({ engine: 'polly', cassette: cassette.name, origins: [...session.routes.bases.keys()] })
  const detach = session.attach('polly')
  try {
    let close!: () => void
    const closing = new Promise<void>((resolve) => (close = resolve))
    const polly = await startPolly(cassette.name, session, closing)
    let closed = false
    return {
      authUrl: session.authUrl,
      cassette,
      session,
      polly,
      assertAllUsed: () => session.assertAllUsed(),
      close: async () => {
        if (closed) return
        closed = true
        close()
        await polly.stop()
        detach()
        release()
      },
    }
  } catch (error) {
    detach()
    release()
    throw error
  }
}

async function startPolly(name: string, session: ReplaySession, closing: Promise<void>): Promise<PollyInstance> {
  const { Polly } = await import('@pollyjs/core')
  const adapter: unknown = (await import('@pollyjs/adapter-node-http')).default
  disableJsonParsingInPollysNock()
  // The adapter ships CommonJS whose module.exports is the class; its typings say `export default`.
  Polly.register(adapter as Parameters<typeof Polly.register>[0])
  const polly = new Polly(`cloudtape/${name}`, { adapters: ['node-http'], mode: 'replay', recordIfMissing: false, logLevel: 'silent' })
  polly.server.any().intercept((req, res, interceptor) => respond(session, req, res, interceptor, closing))
  return polly
}

async function respond(session: ReplaySession, req: PollyRequest, res: PollyResponse, interceptor: PollyInterceptor, closed: Promise<void>): Promise<void> {
  const answer = session.handle({ method: req.method, url: req.url, headers: req.headers, body: req.body ?? null })
  const delay = delayOf(answer)
  if (delay > 0) await session.clock.sleep(delay)
  const outcome = inProcessOutcome(answer)
  if ('passthrough' in outcome) return interceptor.passthrough()
  if ('error' in outcome) throw outcome.error
  if ('hold' in outcome) {
    await closed
    throw transportError({ kind: 'timeout', message: 'a fault rule never answered; the cassette was closed' })
  }
  res.status(outcome.reply.status).setHeaders({ ...outcome.reply.headers, 'content-length': String(outcome.reply.body.length) })
  // send() would JSON-encode a Buffer; the adapter streams a Buffer body as is.
  ;(res as { body: unknown }).body = outcome.reply.body
}

function refuseWhenMswIsApplied(cassette: string): void {
  if ((globalThis as Record<symbol, unknown>)[Symbol.for('client-request-interceptor')] === undefined) return
  throw new CloudtapeError(
    'ERR_CLOUDTAPE_ENGINE_CONFLICT',
    `Cannot start the Polly engine for cassette "${cassette}": nock 14 or msw is intercepting HTTP in this process, and Polly's node-http adapter patches the same globals. Call nock.restore() (or stop msw) first, run Polly tests in their own test file, or use useCassette() (nock) instead.`,
  )
}

/**
 * @note Polly's node-http adapter runs on a private nock 13, which JSON.parses a JSON request body
 * before calling Polly's reply function and throws, uncaught, on a malformed one: the process dies.
 * Polly reads the raw body anyway, so switch that parse off in Polly's own copy of nock.
 */
function disableJsonParsingInPollysNock(): void {
  const requireFromAdapter = createRequire(createRequire(import.meta.url).resolve('@pollyjs/adapter-node-http'))
  const common = requireFromAdapter('nock/lib/common') as { isJSONContent: (headers: unknown) => boolean }
  common.isJSONContent = () => false
}
