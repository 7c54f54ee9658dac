import { isoSeconds } from '../../cassettes/index.js'
import type { EmbeddedFault, RegionState } from '../compute-state.js'
import type { CloudRuntime } from '../runtime.js'
import type { SwitchOptions } from '../switches.js'

/**
 * Turns the server or image a request names to ERROR with an embedded fault (001 §1.11.2,
 * Examples 1.53 to 1.56), as an `asyncFault` switch asks. A request that names neither is left
 * alone. Deleted resources stay deleted.
 */
export function plantAsyncFault(runtime: CloudRuntime, region: RegionState, params: Readonly<Record<string, string>>, options: SwitchOptions): void {
  const now = runtime.clock.now()
  const fault: EmbeddedFault = {
    code: options.code ?? 500,
    created: isoSeconds(now),
    message: options.message ?? 'An internal error occurred',
    details: options.details ?? 'Error details',
  }
  const server = params['server_id'] === undefined ? undefined : region.servers.get(params['server_id'])
  const image = params['image_id'] === undefined ? undefined : region.images.get(params['image_id'])
  for (const resource of [server, image]) {
    if (!resource || resource.status === 'DELETED') continue
    resource.status = 'ERROR'
    resource.transition = null
    resource.fault = fault
    resource.updated = now
  }
}
