import { access } from 'node:fs/promises'
import { CloudtapeError, createCassetteRecorder, saveCassetteFile } from '../../cassettes/index.js'
import type { RawExchange } from '../../cassettes/index.js'
import type { ReplayAnswer } from '../answers.js'
import { cassettePath, loadCassetteSource } from '../load-cassette.js'
import { isLibraryName } from '../library-names.js'
import { resolveSessionOptions, type ReplaySessionOptions } from '../options.js'
import { createReplaySession, type ReplaySession } from '../session.js'
import { inProcessOutcome, transportError } from './transport.js'

type PollyRequest = import('@pollyjs/core').Request
type Har = import('@pollyjs/persister').Har
type HarEntry = import('@pollyjs/persister').HarEntry
type PersisterClass = typeof import('@pollyjs/persister').default
/** The persister class, as Polly.register() takes it. */
export type CloudtapePersisterClass = (new (polly: import('@pollyjs/core').Polly) => import('@pollyjs/persister').default) & { readonly id: string }

/** `persisterOptions.cloudtape`: where cassettes live, and the session's options. */
export interface CloudtapePersisterOptions extends ReplaySessionOptions {
  /** Folder of the cassettes; the Polly recording name is the cassette name. Default: the working directory. */
  readonly dir?: string
}

/**
 * Builds the `cloudtape` Polly persister: recordings are cloudtape cassettes named by the Polly
 * recording name (written through the recorder: normalized, redacted), and replay matches through a cloudtape session (operation keys, placeholders,
 * per-resource timelines) instead of Polly's request hashes. Loaded on demand: @pollyjs/persister
 * costs about 300 ms to import.
 *
 * @example
 * Polly.register(NodeHttpAdapter)
 * Polly.register(await cloudtapePersister())
 * const polly = new Polly('servers/boot-reboot-delete', {
 *   adapters: ['node-http'], persister: 'cloudtape', recordIfMissing: false,
 *   persisterOptions: { cloudtape: { dir: 'test/cassettes' } },
 * })
 * @note A request the session does not match gets no entry: Polly then records it
 * (recordIfMissing) or fails with its own message. Passthrough is Polly's to configure.
 */
export async function cloudtapePersister(): Promise<CloudtapePersisterClass> {
  const Persister = (await import('@pollyjs/persister')).default as unknown as PersisterClass
  return class CloudtapePersister extends Persister {
    // One session per Polly instance (each has its own persister): Polly instances never share order state.
    private readonly sessions = new Map<string, Promise<ReplaySession>>()

    static override get id(): string {
      return 'cloudtape'
    }

    private get cloudtape(): CloudtapePersisterOptions {
      return (this.options ?? {}) as CloudtapePersisterOptions
    }

    override async onFindRecording(recordingId: string): Promise<Har | null> {
      const name = this.polly.recordingName
      if (this.polly.recordingId !== recordingId) return null
      const exists = await access(cassettePath(name, this.cloudtape.dir)).then(() => true, () => false)
      // Polly checks the creator name; the entries come from findEntry, one request at a time.
      return exists ? ({ log: { version: '1.2', creator: { name: 'Polly.JS', version: '6', comment: 'persister:cloudtape' }, entries: [], _recordingName: name } } as unknown as Har) : null
    }

    override async findEntry(request: PollyRequest): Promise<HarEntry | null> {
      if ((await this.onFindRecording(request.recordingId)) === null) return null
      const session = await this.session(request.recordingName)
      const answer = session.handle({ method: request.method, url: request.url, headers: request.headers, body: request.body ?? null })
      return harEntry(answer, request, resolveSessionOptions(this.cloudtape).clock.now())
    }

    /**
     * Writes what Polly recorded as a cloudtape cassette: normalized and redacted by the recorder,
     * so no secret reaches disk. A whole cassette only: appending to an existing one would mint
     * placeholders that collide with its own.
     */
    override async onSaveRecording(recordingId: string, har: Har): Promise<void> {
      const name = this.polly.recordingName
      if (isLibraryName(name)) {
        throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_WRITE', `Polly recorded requests missing from the library cassette "${name}"; library cassettes are read-only. Record into a cassette of your own (a name outside library/).`)
      }
      const path = cassettePath(name, this.cloudtape.dir)
      const exists = await access(path).then(() => true, () => false)
      if (exists && this.polly.mode !== 'record') {
        throw new CloudtapeError(
          'ERR_CLOUDTAPE_CASSETTE_WRITE',
          `Polly recorded requests missing from cassette "${path}" (recording ${recordingId}); cloudtape does not append to a cassette. Re-record it whole with Polly's mode "record", or \`cloudtape record --cassette ${path} --target <identity URL>\`.`,
        )
      }
      const recorder = createCassetteRecorder({ name, clock: resolveSessionOptions(this.cloudtape).clock })
      for (const entry of har.log.entries as unknown as HarEntryShape[]) recorder.record(toExchange(entry))
      await saveCassetteFile(path, recorder.cassette())
    }

    override async onDeleteRecording(): Promise<void> {
      throw new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_WRITE', 'The cloudtape persister never deletes cassettes: remove the file yourself.')
    }

    private session(name: string): Promise<ReplaySession> {
      const key = `${this.cloudtape.dir ?? ''}\u0000${name}`
      let session = this.sessions.get(key)
      if (!session) {
        session = loadCassetteSource(name, this.cloudtape.dir).then(({ cassette, path }) => createReplaySession(cassette, { cassettePath: path, ...this.cloudtape }))
        this.sessions.set(key, session)
      }
      return session
    }
  }
}

function harEntry(answer: ReplayAnswer, request: PollyRequest, now: number): HarEntry | null {
  const outcome = inProcessOutcome(answer)
  if ('error' in outcome) throw outcome.error
  if ('hold' in outcome) throw transportError({ kind: 'timeout', message: 'a fault rule never answered' })
  if ('passthrough' in outcome) return null
  const { status, headers, body } = outcome.reply
  const text = isText(headers['content-type']) ? { text: body.toString('utf8') } : { text: body.toString('base64'), encoding: 'base64' }
  return {
    _id: request.id,
    _order: request.order,
    startedDateTime: new Date(now).toISOString(),
    time: 0,
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 0, receive: 0, ssl: -1 },
    cache: {},
    request: { method: request.method, url: request.url, httpVersion: 'HTTP/1.1', headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: -1 },
    response: {
      status,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      headers: Object.entries({ ...headers, 'content-length': String(body.length) }).map(([name, value]) => ({ name, value })),
      cookies: [],
      redirectURL: '',
      headersSize: -1,
      bodySize: body.length,
      content: { mimeType: headers['content-type'] ?? 'text/plain', size: body.length, ...text },
    },
  } as unknown as HarEntry
}

interface HarEntryShape {
  readonly request: { readonly method: string; readonly url: string; readonly headers: ReadonlyArray<{ name: string; value: string }>; readonly postData?: { readonly text?: string } }
  readonly response: { readonly status: number; readonly headers: ReadonlyArray<{ name: string; value: string }>; readonly content?: { readonly text?: string; readonly encoding?: string } }
}

function toExchange(entry: HarEntryShape): RawExchange {
  const content = entry.response.content
  return {
    request: { method: entry.request.method, url: entry.request.url, headers: harHeaders(entry.request.headers), body: Buffer.from(entry.request.postData?.text ?? '', 'utf8') },
    response: {
      status: entry.response.status,
      headers: harHeaders(entry.response.headers),
      body: Buffer.from(content?.text ?? '', content?.encoding === 'base64' ? 'base64' : 'utf8'),
    },
  }
}

function harHeaders(headers: ReadonlyArray<{ name: string; value: string }>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const { name, value } of headers) out[name.toLowerCase()] = out[name.toLowerCase()] === undefined ? value : `${out[name.toLowerCase()]}, ${value}`
  return out
}

function isText(contentType: string | undefined): boolean {
  return contentType === undefined || /json|xml|text/i.test(contentType)
}
