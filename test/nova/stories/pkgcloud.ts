import { setTimeout as pause } from 'node:timers/promises'
import { fixedTokenBootRebootDelete, pkgcloudBootRebootDelete, type BootChoice, type StoryOutcome } from '../../helpers/pkgcloud-story.js'
import { NOVA } from '../nova-local.js'

/** Flavor 1 and the image start.sh seeds; the image is chosen by name because replay shows its id as a placeholder. */
export async function pkgcloudChoice(): Promise<BootChoice> {
  const response = await fetch(`${NOVA.url}/v2/${NOVA.project}/images/${NOVA.image}`, { headers: { 'x-auth-token': NOVA.token } })
  if (!response.ok) throw new Error(`the seeded image ${NOVA.image} is not there: ${response.status} ${await response.text()}`)
  const { image } = (await response.json()) as { image: { name: string } }
  return { flavorId: '1', imageName: image.name, serverName: 'pkgcloud-vm' }
}

/**
 * What pkgcloud sends, on legacy `/v2/{project}` (where Nova boots without a `networks` key and
 * still serves `/images`), from a client given the fixed noauth token: the compute-only
 * recording that pkgcloud then replays. Real Nova moves on in time, so polls are 200 ms apart.
 */
export function recordPkgcloudShapedStory(proxyUrl: string, choice: BootChoice): Promise<StoryOutcome> {
  return fixedTokenBootRebootDelete(`${proxyUrl}/v2/${NOVA.project}`, NOVA.token, choice, () => pause(200))
}

/**
 * pkgcloud against `cloudtape replay`: it authenticates at the replay URL, gets the synthesized
 * access document, and follows its catalog in RegionOne, the region a Nova cassette's synthesized
 * catalog names by default.
 */
export function replayPkgcloudStory(replayUrl: string, choice: BootChoice): Promise<StoryOutcome> {
  return pkgcloudBootRebootDelete(replayUrl, 'RegionOne', choice)
}
