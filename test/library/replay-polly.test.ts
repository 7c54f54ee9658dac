import { usePollyCassette } from '../../replay/engines/polly.js'
import { nodeHttpClient } from '../contract/http-client.js'
import { describeLibraryReplay } from './library-replay.js'

describeLibraryReplay('Polly.js (usePollyCassette)', { create: (cassette, options) => usePollyCassette(cassette, options), client: nodeHttpClient, missesOverHttp: false })
