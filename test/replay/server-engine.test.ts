import { createReplayServer } from '../../replay/server/replay-server.js'
import { describeReplayEngine } from '../contract/replay-engine.js'
import { fetchClient } from '../contract/http-client.js'

describeReplayEngine('server', {
  create: (cassette, options) => createReplayServer({ cassette, warn: () => {}, ...options }).then((server) => ({ ...server, assertAllUsed: () => server.session.assertAllUsed() })),
  client: fetchClient,
  missesOverHttp: true,
})
