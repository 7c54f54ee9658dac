import { NOVA } from '../nova-local.js'
import { nova } from '../real-clients.js'
import { MISSING_SERVER } from './openstack-client.js'
import { tableField, Transcript } from './transcript.js'

/**
 * novaclient's shell (python3-novaclient 18) through `endpoint` (`<proxy or replay>/v2.1`): flavor
 * list, boot and poll to ACTIVE, reboot and poll, show, list, delete, and the show of a missing
 * server. novaclient 18 has no image list, and `boot --image` looks the image up in Glance at the
 * one endpoint admin_token gives (`/v2.1/v2/images/<id>`, a 404 from Nova), so the story boots
 * from a block device mapping of the image, which needs no lookup.
 */
export async function novaClientStory(endpoint: string): Promise<Transcript> {
  const transcript = new Transcript({ [NOVA.image]: '<seeded-image>' })
  const run = async (args: readonly string[], expectedExit = 0): Promise<string> => {
    const result = transcript.add(['nova', ...args], await nova(endpoint, NOVA.token, NOVA.project, ['--os-compute-api-version', '2.79', ...args]))
    if (result.code !== expectedExit) throw new Error(`nova ${args.join(' ')} exited ${result.code}, expected ${expectedExit}:\n${result.stdout}\n${result.stderr}`)
    return result.stdout
  }
  await run(['flavor-list'])
  const booted = await run(['boot', '--flavor', '1', '--block-device', `source=image,id=${NOVA.image},dest=local,bootindex=0`, '--nic', 'none', '--poll', 'nova-vm'])
  const id = tableField(booted, 'id')
  await run(['reboot', '--poll', id])
  const shown = await run(['show', id])
  if (tableField(shown, 'status') !== 'ACTIVE') throw new Error(`nova show after the reboot says ${tableField(shown, 'status')}`)
  await run(['list'])
  await run(['delete', id])
  await run(['show', MISSING_SERVER], 1)
  return transcript
}
