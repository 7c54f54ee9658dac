import nock from 'nock'
import { afterAll, beforeAll } from 'vitest'
import { useCassette } from '../../replay/engines/nock.js'
import { describeReplayEngine } from '../contract/replay-engine.js'
import { fetchClient } from '../contract/http-client.js'

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())

describeReplayEngine('nock', { create: (cassette, options) => useCassette(cassette, options), client: fetchClient, missesOverHttp: false })
