import type { ServerRecord } from '../compute-state.js'
import { ApiFault } from '../http/api-fault.js'
import { extendedStatus, type ServerStatus } from '../server-lifecycle.js'
import type { ComputeRequest } from './request.js'

const RESIZING: ReadonlySet<ServerStatus> = new Set(['RESIZE', 'VERIFY_RESIZE', 'REVERT_RESIZE'])
const RESCUING: ReadonlySet<ServerStatus> = new Set(['PREP_RESCUE', 'RESCUE', 'PREP_UNRESCUE'])

/**
 * Fails with the documented 409 when the server's state does not allow the action. HP has one
 * conflict fault, conflictingRequest (003 §3.11); Rackspace names the cause (001 Table 1.6,
 * §2.3.7): buildInProgress, backupOrResizeInProgress, rescueOrUnrescueProcessingInProgress, or
 * operationNotAllowed.
 */
export function assertActionAllowed(request: ComputeRequest, server: ServerRecord, action: string, allowed: readonly ServerStatus[]): void {
  if (allowed.includes(server.status)) return
  throw conflictFault(request, server, action)
}

function conflictFault(request: ComputeRequest, server: ServerRecord, action: string): ApiFault {
  const status = server.status
  if (request.runtime.profile.dialect === 'hp') {
    const ext = extendedStatus(status)
    const task = ext.taskState === null ? '' : ` and task_state ${ext.taskState}`
    return new ApiFault('conflictingRequest', `Cannot '${action}' instance ${server.id} while it is in vm_state ${ext.vmState}${task}`)
  }
  if (status === 'BUILD') return new ApiFault('buildInProgress', `Server ${server.id} is being built; retry '${action}' once it is ACTIVE.`)
  if (RESIZING.has(status) && action !== 'confirmResize' && action !== 'revertResize') {
    return new ApiFault('backupOrResizeInProgress', `Cannot '${action}' server ${server.id} while it is in ${status}.`)
  }
  if (RESCUING.has(status) && action !== 'unrescue') {
    return new ApiFault('rescueOrUnrescueProcessingInProgress', `Cannot '${action}' server ${server.id} while it is in ${status}.`)
  }
  return new ApiFault('operationNotAllowed', `Cannot '${action}' server ${server.id} while it is in ${status}.`)
}
