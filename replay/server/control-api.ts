import type { IncomingMessage, ServerResponse } from 'node:http'
import { isCloudtapeError } from '../../cassettes/index.js'
import { parseFaultRuleJson, parseFaultRuleText, type FaultRuleSpec } from '../faults/index.js'
import type { ReplaySession } from '../session.js'

/** The reserved path prefix of the control API: only at the root, never under an origin prefix. */
export const CONTROL_PREFIX = '/_cloudtape/'

const ENDPOINTS = [
  'GET    /_cloudtape/requests      the request log',
  'GET    /_cloudtape/unused        interactions not used yet',
  'POST   /_cloudtape/reset         start the cassette over (order state and request log)',
  'GET    /_cloudtape/faults        the fault rules, with how often each matched and fired',
  'POST   /_cloudtape/faults        add rules: JSON (a rule object, a rule text, an array) or rule texts one per line',
  'DELETE /_cloudtape/faults        remove every rule',
  'DELETE /_cloudtape/faults/<id>   remove one rule',
  'POST   /_cloudtape/faults/reset  restart the rules\' counters, draws and clocks (rules stay)',
  'GET    /_cloudtape/log           the fault log',
] as const

/** True when a request path is for the control API. */
export function isControlPath(path: string): boolean {
  return path === '/_cloudtape' || path.startsWith(CONTROL_PREFIX)
}

/** Answers a control API request; errors in a rule answer 400 with the message and code. */
export function handleControl(req: IncomingMessage, res: ServerResponse, session: ReplaySession, body: Buffer | null): void {
  try {
    route(req, res, session, body)
  } catch (error) {
    if (!isCloudtapeError(error)) throw error
    sendJson(res, 400, { error: error.message, code: error.code })
  }
}

function route(req: IncomingMessage, res: ServerResponse, session: ReplaySession, body: Buffer | null): void {
  const path = ((req.url ?? '/').split('?')[0] as string).replace(/\/+$/, '')
  const method = req.method ?? 'GET'
  const faultId = /^\/_cloudtape\/faults\/([^/]+)$/.exec(path)?.[1]
  if (method === 'DELETE' && faultId !== undefined) {
    const removed = session.faults.remove(decodeURIComponent(faultId))
    return sendJson(res, removed ? 200 : 404, removed ? { removed: faultId } : { error: `No fault rule "${faultId}".`, rules: session.faults.list().map((rule) => rule.id) })
  }
  switch (`${method} ${path}`) {
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
    case 'GET /_cloudtape/faults':
      return sendJson(res, 200, { rules: session.faults.list() })
    case 'POST /_cloudtape/faults': {
      const specs = parseRules(body?.toString('utf8') ?? '', session)
      return sendJson(res, 201, { rules: specs.map((spec) => session.faults.add(spec)) })
    }
    case 'DELETE /_cloudtape/faults':
      session.faults.clear()
      return sendJson(res, 200, { rules: [] })
    case 'POST /_cloudtape/faults/reset':
      session.faults.reset()
      return sendJson(res, 200, { reset: true })
    case 'GET /_cloudtape/log':
      return sendJson(res, 200, { log: session.faults.log() })
    default:
      return sendJson(res, 404, { error: `No control endpoint ${method} ${path}.`, endpoints: ENDPOINTS })
  }
}

/** JSON (a rule, a text in quotes, an array), or plain rule texts one per line, as curl sends them. */
function parseRules(text: string, session: ReplaySession): FaultRuleSpec[] {
  const trimmed = text.trim()
  if (/^[[{"]/.test(trimmed)) return parseFaultRuleJson(trimmed, { dialect: session.dialect })
  const lines = trimmed.split(/\r?\n/).filter((line) => line.trim() !== '')
  return lines.length === 0 ? parseFaultRuleJson(trimmed, { dialect: session.dialect }) : lines.flatMap((line) => parseFaultRuleText(line, { dialect: session.dialect }))
}

/** Writes a JSON body with its length. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(`${JSON.stringify(value, null, 2)}\n`)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length })
  res.end(body)
}
