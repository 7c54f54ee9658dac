import { usePollyCassette } from '../../replay/engines/polly.js'
import { describeReplayEngine } from '../contract/replay-engine.js'
import { nodeHttpClient } from '../contract/http-client.js'

describeReplayEngine('polly', { create: (cassette, options) => usePollyCassette(cassette, options), client: nodeHttpClient, missesOverHttp: false })
