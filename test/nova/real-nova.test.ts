import { beforeAll, describe, expect, test } from 'vitest'
import type { BootChoice, StoryOutcome } from '../helpers/pkgcloud-story.js'
import { expectEmbeddedQuotaFaultRendered, expectInjectedFaultsAsLive, expectNovaFaultsRendered, INJECTED_FAULTS } from './fault-shapes.js'
import { cassettePath, expectCleanCassette, freshLaneDir, keepTranscript, recordThroughCloudtape, replayThroughCloudtape } from './lane.js'
import { KEEP_NOVA, novaAnswers, stopNova } from './nova-local.js'
import { novaClientStory } from './stories/nova-client.js'
import { openstackClientStory } from './stories/openstack-client.js'
import { pkgcloudChoice, recordPkgcloudShapedStory, replayPkgcloudStory } from './stories/pkgcloud.js'
import { plainHttpStory, type PlainStoryResult } from './stories/plain-http.js'
import type { Transcript } from './stories/transcript.js'

// Record phase with Nova running, then Nova is stopped and every cassette is replayed through
// `cloudtape replay`: what a client saw live is what it sees from the cassette. A story that
// failed to record is skipped in the replay phase (its own failure already tells why).
const live: { openstack?: Transcript; nova?: Transcript; plain?: PlainStoryResult } = {}
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

    test('nova: flavors, boot and poll, reboot and poll, show, list, delete, missing server', async () => {
      live.nova = await recordThroughCloudtape('nova', (proxy) => novaClientStory(`${proxy}/v2.1`))
      await keepTranscript('nova', 'live', live.nova.text())
      await expectCleanCassette('nova')
    })

    test('plain HTTP on /v2/{project} and /v2.1: 409, resize, createImage, metadata, 400, 403 quota, racing creates', async () => {
      const result = await recordThroughCloudtape('plain-http', (proxy) => plainHttpStory(proxy))
      await keepTranscript('plain-http', 'live', JSON.stringify(result.observations, null, 2))
      expect(result.imageLocation).toMatch(/\/_upstream\/http\/127\.0\.0\.1:9292\/images\/[0-9a-f-]{36}$/)
      const legacy = result.observations.filter((observation) => observation.step.startsWith('v2 '))
      expect(legacy.every((observation) => Object.values(observation.versionHeaders).every((value) => value === null))).toBe(true)
      const microversioned = result.observations.find((observation) => observation.step === 'v2.1 metadata get')
      expect(microversioned?.versionHeaders).toMatchObject({ 'openstack-api-version': 'compute 2.79', 'x-openstack-nova-api-version': '2.79' })
      expect(result.erroredServer['fault']).toMatchObject({ code: 413, message: expect.stringMatching(/^Quota exceeded for instances/) })
      expectNovaFaultsRendered(result.answers)
      expectEmbeddedQuotaFaultRendered(result.erroredServer)
      live.plain = result
      await expectCleanCassette('plain-http')
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

    test('nova prints what it printed live', async (context) => {
      if (!live.nova) return context.skip(`nothing recorded in ${cassettePath('nova')}`)
      const replayed = await replayThroughCloudtape('nova', (url) => novaClientStory(`${url}/v2.1`))
      await keepTranscript('nova', 'replay', replayed.text())
      expect(replayed.entries).toEqual(live.nova.entries)
    })

    test('the plain client gets the same statuses, headers and body shapes', async (context) => {
      if (!live.plain) return context.skip(`nothing recorded in ${cassettePath('plain-http')}`)
      const replayed = await replayThroughCloudtape('plain-http', (url) => plainHttpStory(url))
      await keepTranscript('plain-http', 'replay', JSON.stringify(replayed.observations, null, 2))
      expect(replayed.observations).toEqual(live.plain.observations)
      expect(replayed.imageLocation).toMatch(/\/_upstream\/http\/host-\d+\.example\.com\/images\/ca55e77e-0000-4000-8000-\d{12}$/)
    })

    test('faults injected by cloudtape replay in the nova dialect are the bytes Nova sent', async (context) => {
      const plain = live.plain
      if (!plain) return context.skip(`nothing recorded in ${cassettePath('plain-http')}`)
      const rules = INJECTED_FAULTS.flatMap(({ rule }) => ['--fault', rule])
      await replayThroughCloudtape('plain-http', (url) => expectInjectedFaultsAsLive(url, plain.answers), [...rules, '--dialect', 'nova'])
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
