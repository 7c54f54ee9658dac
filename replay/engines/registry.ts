import { CloudtapeError } from '../../cassettes/index.js'
import type { EngineName } from '../session.js'

/** An in-process engine holding the process's HTTP interception. */
export interface ActiveEngine {
  readonly engine: EngineName
  readonly cassette: string
  readonly origins: readonly string[]
}

// On globalThis so that two copies of cloudtape in one process (source and dist) still see each other.
const REGISTRY_KEY = Symbol.for('cloudtape.activeEngines')
type Registry = Set<ActiveEngine>

function registry(): Registry {
  const holder = globalThis as { [REGISTRY_KEY]?: Registry }
  return (holder[REGISTRY_KEY] ??= new Set())
}

/**
 * Claims HTTP interception for an in-process engine, or fails with ERR_CLOUDTAPE_ENGINE_CONFLICT.
 * Polly's node-http adapter patches the same globals as nock, so the two never run together; two
 * nock sessions may, on hosts that do not overlap.
 */
export function claimEngine(entry: ActiveEngine): () => void {
  for (const active of registry()) {
    const conflict = active.engine !== entry.engine || entry.engine === 'polly' || active.origins.some((origin) => entry.origins.includes(origin))
    if (!conflict) continue
    const shared = active.origins.find((origin) => entry.origins.includes(origin))
    const why = active.engine === entry.engine && shared ? ` on ${shared}` : ''
    throw new CloudtapeError(
      'ERR_CLOUDTAPE_ENGINE_CONFLICT',
      `The ${active.engine} engine is already active for cassette "${active.cassette}"${why}; the ${entry.engine} engine cannot start for "${entry.cassette}". Call close() on the first one before starting another, or use createReplayServer() for concurrent replays.`,
    )
  }
  registry().add(entry)
  return () => void registry().delete(entry)
}
