import { createReplayServer } from '../../replay/server/replay-server.js'
import { fetchClient } from '../contract/http-client.js'
import { describeLibraryReplay } from './library-replay.js'

describeLibraryReplay('the replay server', {
  create: (cassette, options) => createReplayServer({ cassette, warn: () => {}, ...options }).then((server) => ({ ...server, assertAllUsed: () => server.session.assertAllUsed() })),
  client: fetchClient,
  missesOverHttp: true,
})
