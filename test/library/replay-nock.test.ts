import nock from 'nock'
import { afterAll, beforeAll } from 'vitest'
import { useCassette } from '../../replay/engines/nock.js'
import { fetchClient } from '../contract/http-client.js'
import { describeLibraryReplay } from './library-replay.js'

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())

describeLibraryReplay('nock (useCassette)', { create: (cassette, options) => useCassette(cassette, options), client: fetchClient, missesOverHttp: false })
