import { beforeAll, describe, expect, test } from 'vitest'
import { cassettePath, expectCleanCassette, freshLaneDir, keepTranscript, recordThroughCloudtape, replayThroughCloudtape } from './lane.js'
import { KEEP_NOVA, novaAnswers, stopNova } from './nova-local.js'
import { openstackClientStory } from './stories/openstack-client.js'
import type { Transcript } from './stories/transcript.js'

// Record phase with Nova running, then Nova is stopped and every cassette is replayed through
// `cloudtape replay`: what a client saw live is what it sees from the cassette.
const live: { openstack?: Transcript } = {}

describe.sequential('real Nova through cloudtape', () => {
  beforeAll(freshLaneDir)

  describe.sequential('record (Nova running)', () => {
    test('openstack: flavors, images, create and wait, reboot, show, list, delete, missing server', async () => {
      live.openstack = await recordThroughCloudtape('openstack', (proxy) => openstackClientStory(`${proxy}/v2.1`))
      await keepTranscript('openstack', 'live', live.openstack.text())
      await expectCleanCassette('openstack')
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
  })
})
