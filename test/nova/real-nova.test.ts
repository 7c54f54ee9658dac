import { beforeAll, describe, expect, test } from 'vitest'
import { cassettePath, expectCleanCassette, freshLaneDir, keepTranscript, recordThroughCloudtape, replayThroughCloudtape } from './lane.js'
import { KEEP_NOVA, novaAnswers, stopNova } from './nova-local.js'
import { openstackClientStory } from './stories/openstack-client.js'
import { pkgcloudChoice, recordPkgcloudShapedStory, replayPkgcloudStory } from './stories/pkgcloud.js'
import type { BootChoice, StoryOutcome } from '../helpers/pkgcloud-story.js'
import type { Transcript } from './stories/transcript.js'

// Record phase with Nova running, then Nova is stopped and every cassette is replayed through
// `cloudtape replay`: what a client saw live is what it sees from the cassette.
const live: { openstack?: Transcript } = {}
// pkgcloud authenticates first: it replays a compute-only recording through the synthesized identity.
const pkgcloudLive: { choice?: BootChoice; outcome?: StoryOutcome } = {}

describe.sequential('real Nova through cloudtape', () => {
  beforeAll(freshLaneDir)

  describe.sequential('record (Nova running)', () => {
    test('openstack: flavors, images, create and wait, reboot, show, list, delete, missing server', async () => {
      live.openstack = await recordThroughCloudtape('openstack', (proxy) => openstackClientStory(`${proxy}/v2.1`))
      await keepTranscript('openstack', 'live', live.openstack.text())
      await expectCleanCassette('openstack')
    })

    test('pkgcloud-shaped requests with the fixed token: flavors, images, create and wait, reboot and wait, delete', async () => {
      const choice = await pkgcloudChoice()
      const outcome = await recordThroughCloudtape('pkgcloud', (proxy) => recordPkgcloudShapedStory(proxy, choice))
      expect(outcome.steps).toEqual(['created pkgcloud-vm', 'active true', 'rebooted', 'active true', 'deleted true'])
      Object.assign(pkgcloudLive, { choice, outcome })
      await expectCleanCassette('pkgcloud')
    })
  })

  describe.sequential('replay (Nova stopped)', () => {
    beforeAll(async () => {
      await stopNova()
      if (!KEEP_NOVA) expect(await novaAnswers()).toBe(false)
    })

    test('openstack prints what it printed live', async (context) => {
      if (!live.openstack) return context.skip(`nothing recorded in ${cassettePath('openstack')}`)
      const replayed = await replayThroughCloudtape('openstack', (url) => openstackClientStory(`${url}/v2.1`))
      await keepTranscript('openstack', 'replay', replayed.text())
      expect(replayed.entries).toEqual(live.openstack.entries)
    })

    test('pkgcloud authenticates against the synthesized identity and boots, reboots and deletes as recorded', async (context) => {
      const { choice, outcome } = pkgcloudLive
      if (!choice || !outcome) return context.skip(`nothing recorded in ${cassettePath('pkgcloud')}`)
      const replayed = await replayThroughCloudtape('pkgcloud', async (url) => {
        const seen = await replayPkgcloudStory(url, choice)
        const { unused } = (await (await fetch(`${url}/_cloudtape/unused`)).json()) as { unused: unknown[] }
        expect(unused).toEqual([])
        return seen
      })
      expect(replayed).toEqual(outcome)
    })
  })
})
