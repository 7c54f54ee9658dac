import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Dialect } from '../cassettes/operation-catalog.js'
import { faultFormat, sendFault } from './faults.js'
import { CONTROL_PREFIX, type UpstreamMount } from './mounts.js'
import type { RecordingMode } from './options.js'

/** What `GET /_cloudtape/status` reports. */
export interface ProxyStatus {
  readonly mode: RecordingMode
  readonly cassette: string
  readonly interactions: number
  /** Every upstream the proxy forwards to, and the proxy URL that stands for it. */
  readonly upstreams: ReadonlyArray<{ readonly origin: string; readonly url: string; readonly source: UpstreamMount['source'] }>
}

/**
 * Answers requests under `/_cloudtape/` (never forwarded): `GET /_cloudtape/status` describes the
 * proxy; anything else is an itemNotFound or badMethod fault.
 */
export function answerControl(req: IncomingMessage, res: ServerResponse, status: () => ProxyStatus, dialect: Dialect): void {
  req.resume()
  const path = (req.url ?? '').split('?')[0]
  const format = faultFormat(path ?? '', req.headers['accept'])
  if (path !== `${CONTROL_PREFIX}/status`) {
    const message = `cloudtape: ${path} is not a control endpoint; the proxy answers GET ${CONTROL_PREFIX}/status and never forwards ${CONTROL_PREFIX}/ paths.`
    sendFault(res, { name: 'itemNotFound', status: 404, message, dialect, format })
    return
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendFault(res, { name: 'badMethod', status: 405, message: `cloudtape: ${CONTROL_PREFIX}/status answers GET only.`, dialect, format })
    return
  }
  const body = Buffer.from(`${JSON.stringify(status(), null, 2)}\n`)
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length })
  res.end(req.method === 'HEAD' ? undefined : body)
}
