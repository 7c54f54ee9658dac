import { NOVA } from '../nova-local.js'
import { openstack } from '../real-clients.js'
import { tableField, Transcript } from './transcript.js'

/** A server id Nova never issues: `server show` of it must fail the same way live and replayed. */
export const MISSING_SERVER = '00000000-0000-0000-0000-000000000000'

/**
 * OpenStackClient (python3-openstackclient) through `endpoint` (`<proxy or replay>/v2.1`):
 * flavor list, image list, server create and wait for ACTIVE, reboot, show (by id and by name),
 * list, delete, and the show of a missing server. Every command's exit code must be the expected one.
 */
export async function openstackClientStory(endpoint: string): Promise<Transcript> {
  const transcript = new Transcript({ [NOVA.image]: '<seeded-image>' })
  const osc = async (args: readonly string[], expectedExit = 0): Promise<string> => {
    const run = transcript.add(['openstack', ...args], await openstack(endpoint, NOVA.token, ['--os-compute-api-version', '2.79', ...args]))
    if (run.code !== expectedExit) throw new Error(`openstack ${args.join(' ')} exited ${run.code}, expected ${expectedExit}:\n${run.stdout}\n${run.stderr}`)
    return run.stdout
  }
  await osc(['flavor', 'list'])
  await osc(['image', 'list'])
  const created = await osc(['server', 'create', '--flavor', '1', '--image', NOVA.image, '--nic', 'none', '--wait', 'osc-vm'])
  const id = tableField(created, 'id')
  if (tableField(created, 'status') !== 'ACTIVE') throw new Error(`server create --wait ended with ${tableField(created, 'status')}`)
  await osc(['server', 'reboot', '--wait', id])
  await osc(['server', 'show', id])
  // By name: the client first asks GET /servers/osc-vm (a 404), then lists with ?name=osc-vm.
  await osc(['server', 'show', 'osc-vm'])
  await osc(['server', 'list'])
  await osc(['server', 'delete', '--wait', id])
  await osc(['server', 'show', MISSING_SERVER], 1)
  return transcript
}
