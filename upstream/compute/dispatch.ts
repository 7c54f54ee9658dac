import { resolveOperation, type ResolvedOperation } from '../../cassettes/index.js'
import type { DialectProfile } from '../dialects/profile.js'
import { ApiFault } from '../http/api-fault.js'
import type { Reply } from '../http/reply.js'
import type { IncomingRequest } from '../http/serve-request.js'
import { FLAVOR_HANDLERS } from './flavors.js'
import { IMAGE_HANDLERS } from './images.js'
import { METADATA_HANDLERS } from './metadata.js'
import type { ComputeHandler, ComputeRequest } from './request.js'
import { ACTION_HANDLERS } from './server-actions.js'
import { SERVER_HANDLERS } from './servers.js'
import { SERVICE_INFO_HANDLERS } from './service-info.js'

/** Operation key → handler: the operations the fake cloud implements. */
const HANDLERS: ReadonlyMap<string, ComputeHandler> = new Map(
  Object.entries({ ...SERVICE_INFO_HANDLERS, ...SERVER_HANDLERS, ...ACTION_HANDLERS, ...METADATA_HANDLERS, ...IMAGE_HANDLERS, ...FLAVOR_HANDLERS }),
)

/** The operation keys the fake cloud answers (others get the fault a real endpoint would send). */
export const IMPLEMENTED_OPERATIONS: readonly string[] = [...HANDLERS.keys()]

/**
 * Runs the handler of the operation. Requests it has none for get what the API would answer:
 * an action it does not know is badRequest, a path it does not serve itemNotFound, a known path
 * with the wrong method badMethod, and an operation of the documents it does not model
 * notImplemented.
 */
export function dispatchCompute(request: ComputeRequest, resolved: ResolvedOperation, incoming: IncomingRequest): Reply {
  const { profile } = request.runtime
  const handler = HANDLERS.get(resolved.key)
  if (handler && offeredBy(resolved, profile)) return handler(request)
  if (resolved.operation && offeredBy(resolved, profile)) {
    throw new ApiFault('notImplemented', `The fake cloud does not implement ${resolved.key}.`)
  }
  if (resolved.key.startsWith('servers.action.') || resolved.key.startsWith('action.')) {
    throw new ApiFault('badRequest', `There is no such action: ${resolved.key.slice(resolved.key.lastIndexOf('.') + 1)}`)
  }
  if (incoming.method.toUpperCase() === 'POST' && ACTION_PATH.test(resolved.path)) {
    throw new ApiFault('badRequest', `Malformed request body: ${resolved.reason ?? 'send one action, e.g. {"reboot": {"type": "SOFT"}}'}`)
  }
  if (!resolved.operation && otherMethodServes(incoming)) {
    throw new ApiFault('badMethod', `${incoming.method} is not allowed on ${resolved.path}.`)
  }
  throw new ApiFault('itemNotFound', 'The resource could not be found.')
}

/**
 * Whether the dialect's documents offer the operation. Rackspace also serves what its later pages
 * name ("rackspace-nav"), and every endpoint lists its versions.
 */
function offeredBy(resolved: ResolvedOperation, profile: DialectProfile): boolean {
  const dialects: readonly string[] = resolved.operation?.dialects ?? []
  if (resolved.key === 'versions.list') return true
  return dialects.includes(profile.dialect) || (profile.dialect === 'rackspace' && dialects.includes('rackspace-nav'))
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const
const ACTION_PATH = /\/servers\/[^/]+\/action$/

/** Only on the error path: does another method make this path a documented operation? */
function otherMethodServes(incoming: IncomingRequest): boolean {
  return METHODS.some((method) => {
    if (method === incoming.method.toUpperCase()) return false
    const probe = resolveOperation({ method, url: incoming.url, body: '{"probe": null}', contentType: 'application/json' })
    return probe.documented || probe.key.startsWith('servers.action.')
  })
}
