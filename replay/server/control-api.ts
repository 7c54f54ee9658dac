import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ReplaySession } from '../session.js'

/** The reserved path prefix of the control API: only at the root, never under an origin prefix. */
export const CONTROL_PREFIX = '/_cloudtape/'

const ENDPOINTS = [
  'GET /_cloudtape/requests      the request log',
  'GET /_cloudtape/unused        interactions not used yet',
  'POST /_cloudtape/reset        start the cassette over (order state and request log)',
] as const

/** True when a request path is for the control API. */
export function isControlPath(path: string): boolean {
  return path === '/_cloudtape' || path.startsWith(CONTROL_PREFIX)
}

/** Answers a control API request. */
export function handleControl(req: IncomingMessage, res: ServerResponse, session: ReplaySession): void {
  const path = (req.url ?? '/').split('?')[0] as string
  const route = `${req.method ?? 'GET'} ${path.replace(/\/+$/, '')}`
  switch (route) {
    case 'GET /_cloudtape':
      return sendJson(res, 200, { endpoints: ENDPOINTS })
    case 'GET /_cloudtape/requests':
      return sendJson(res, 200, { requests: session.requestLog() })
    case 'GET /_cloudtape/unused':
      return sendJson(res, 200, {
        unused: session.unused().map(({ id, operation, params, response, transportFault }) => ({ id, operation, params, status: response?.status ?? transportFault?.kind ?? null })),
      })
    case 'POST /_cloudtape/reset':
      session.reset()
      return sendJson(res, 200, { reset: true })
    default:
      return sendJson(res, 404, { error: `No control endpoint ${route}.`, endpoints: ENDPOINTS })
  }
}

/** Writes a JSON body with its length. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(`${JSON.stringify(value, null, 2)}\n`)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length })
  res.end(body)
}
