import { getFault } from '../../cassettes/fault-catalog.js'
import type { Dialect } from '../../cassettes/operation-catalog.js'
import type { FaultRequest } from './types.js'

/**
 * Messages Nova really sends, shaped by the request (../shared/nova-local/README.md lists the
 * bodies seen). Other dialects use the catalog's message.
 */
const NOVA_UNEXPECTED =
  'Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n' +
  "<class 'nova.exception.NovaException'>"

/** The quota Nova enforces when two creates race (README: the loser turns to ERROR with a 413). */
export const NOVA_QUOTA_MESSAGE = 'Quota exceeded for instances: Requested 1, but already used 1 of 1 instances'

/** Nova's names for server actions in its state-conflict messages. */
const NOVA_ACTION_VERBS: Readonly<Record<string, string>> = {
  'os-start': 'start',
  'os-stop': 'stop',
  confirmResize: 'confirm_resize',
  revertResize: 'revert_resize',
  createImage: 'snapshot',
  changePassword: 'set_admin_password',
}

/**
 * A realistic message for a fault on this request in this dialect. A stand-in keeps the meaning
 * of the fault asked for (`askedFor`) outside Nova, whose messages come from the request.
 */
export function defaultFaultMessage(name: string, dialect: Dialect, request: FaultRequest | null, askedFor: string = name): string {
  const fallback = getFault(dialect === 'nova' ? name : askedFor)?.message ?? 'Fault!'
  if (dialect !== 'nova' || request === null) return fallback
  switch (name) {
    case 'itemNotFound':
      return novaNotFound(request) ?? fallback
    case 'conflictingRequest':
      return novaConflict(request)
    case 'forbidden':
      return novaForbidden(request) ?? fallback
    case 'computeFault':
      return NOVA_UNEXPECTED
    default:
      return fallback
  }
}

function novaNotFound(request: FaultRequest): string | null {
  const { params } = request
  if (params['server_id'] !== undefined) return `Instance ${params['server_id']} could not be found.`
  if (params['flavor_id'] !== undefined) return `Flavor ${params['flavor_id']} could not be found.`
  if (params['image_id'] !== undefined) return `Image ${params['image_id']} could not be found.`
  return null
}

function novaConflict(request: FaultRequest): string {
  const action = request.operation.startsWith('servers.action.') ? request.operation.slice('servers.action.'.length) : null
  const verb = action === null ? (request.method === 'DELETE' ? 'delete' : 'update') : (NOVA_ACTION_VERBS[action] ?? action)
  const server = request.params['server_id']
  const instance = server === undefined ? 'instance' : `instance ${server}`
  return `Cannot '${verb}' ${instance} while it is in vm_state building`
}

function novaForbidden(request: FaultRequest): string | null {
  if (request.operation === 'servers.create') return NOVA_QUOTA_MESSAGE
  if (/^(servers|images)\.metadata\./.test(request.operation)) return 'Maximum number of metadata items exceeds 128'
  return null
}

/**
 * The message of the embedded fault of a server or image in ERROR (001 Examples 1.53–1.56): a
 * 413 is the quota race Nova really shows; otherwise Nova's usual scheduling failure for servers,
 * the document's message for images.
 */
export function defaultErrorStateMessage(resource: 'server' | 'image', code: number): string {
  if (code === 413) return NOVA_QUOTA_MESSAGE
  return resource === 'server' ? 'No valid host was found. There are not enough hosts available.' : 'An internal error occurred'
}
