import { describe, expect, test } from 'vitest'
import { createFakeClock } from '../../../cassettes/clock.js'
import { isCloudtapeError } from '../../../cassettes/errors.js'
import { FAULTS, FAULT_NAMESPACES, getFault } from '../../../cassettes/fault-catalog.js'
import { DIALECTS, type Dialect } from '../../../cassettes/operation-catalog.js'
import { FAULT_STAND_INS } from '../../../replay/faults/dialect-faults.js'
import { createFaultInjector } from '../../../replay/faults/injector.js'
import type { FaultAction } from '../../../replay/faults/types.js'
import { parseXml, request, responseOf } from './helpers.js'

const FORMATS = ['json', 'xml'] as const
const START = '2011-06-09T10:51:53.000Z'

function answerFor(dialect: Dialect, format: 'json' | 'xml', fault: FaultAction, url = '/v2/010101/servers/abc') {
  const injector = createFaultInjector({ dialect, clock: createFakeClock(START), rules: [{ fault }] })
  return responseOf(injector.decide(request('GET', `${url}${format === 'xml' ? '.xml' : ''}`)))
}

/** The root, code, message and details of a fault body, whichever format it came in. */
function readFault(body: string, contentType: string | undefined): { root: string; namespace?: string; code: number; message: string; details?: string; retryAt?: string } {
  if (contentType?.includes('xml')) {
    const parsed = parseXml(body)
    const root = Object.keys(parsed).find((key) => key !== '?xml') as string
    const element = parsed[root]
    return { root, namespace: element['@xmlns'], code: Number(element['@code']), message: element.message, details: element.details, retryAt: element['@retryAt'] }
  }
  const parsed = JSON.parse(body) as Record<string, { code: number; message: string; details?: string; retryAt?: string }>
  const [root, fields] = Object.entries(parsed)[0] as [string, { code: number; message: string; details?: string; retryAt?: string }]
  expect(Object.keys(parsed)).toHaveLength(1)
  return { root, ...fields }
}

describe('every documented fault in every dialect and format', () => {
  for (const dialect of DIALECTS) {
    for (const fault of FAULTS) {
      const sent = fault.dialects.includes(dialect) ? fault.name : FAULT_STAND_INS[dialect][fault.name]
      for (const format of FORMATS) {
        if (sent === undefined) {
          test(`fails with ERR_CLOUDTAPE_FAULT_RULE for ${fault.name} in ${dialect} (no stand-in)`, () => {
            const error = (() => {
              try {
                createFaultInjector({ dialect, rules: [{ fault: { kind: 'fault', name: fault.name } }] })
              } catch (caught) {
                return caught
              }
            })()
            expect(isCloudtapeError(error, 'ERR_CLOUDTAPE_FAULT_RULE')).toBe(true)
            expect((error as Error).message).toContain(`The ${dialect} dialect has no "${fault.name}" fault`)
          })
          continue
        }
        test(`answers ${fault.name} in ${dialect} ${format} as ${sent} ${getFault(sent)?.code}`, () => {
          const response = answerFor(dialect, format, { kind: 'fault', name: fault.name, details: 'Error Details...' })
          const xml = format === 'xml' && dialect !== 'nova'
          expect(response.status).toBe(getFault(sent)?.code)
          expect(response.headers['content-type']).toBe(xml ? 'application/xml' : dialect === 'nova' ? 'application/json; charset=UTF-8' : 'application/json')
          const body = readFault(response.body, response.headers['content-type'])
          expect(body.root).toBe(sent)
          expect(body.code).toBe(getFault(sent)?.code)
          expect(body.message).toEqual(expect.any(String))
          expect(body.message.length).toBeGreaterThan(5)
          expect(body.details).toBe('Error Details...')
          if (xml) expect(body.namespace).toBe(FAULT_NAMESPACES[dialect as 'rackspace' | 'hp'])
        })
      }
    }
  }

  test('uses the catalog message when a rule gives none (rackspace, hp)', () => {
    for (const dialect of ['rackspace', 'hp'] as const) {
      const body = readFault(answerFor(dialect, 'json', { kind: 'fault', name: 'itemNotFound' }).body, 'application/json')
      expect(body).toEqual({ root: 'itemNotFound', code: 404, message: 'The resource could not be found.' })
    }
  })

  test('overrides message, details and status of a documented fault', () => {
    const response = answerFor('rackspace', 'xml', { kind: 'fault', name: 'computeFault', status: 400, message: 'Fault!', details: 'Error Details...' })
    expect(response.status).toBe(400)
    expect(readFault(response.body, response.headers['content-type'])).toEqual({
      root: 'computeFault',
      namespace: 'http://docs.openstack.org/compute/api/v1.1',
      code: 400,
      message: 'Fault!',
      details: 'Error Details...',
      retryAt: undefined,
    })
  })

  test('follows the Accept header when the URL has no suffix', () => {
    const injector = createFaultInjector({ rules: [{ fault: { kind: 'fault', name: 'itemNotFound' } }] })
    const response = responseOf(injector.decide(request('GET', '/v2/010101/servers/abc', { accept: 'application/xml' })))
    expect(response.headers['content-type']).toBe('application/xml')
    expect(parseXml(response.body)['itemNotFound']['@code']).toBe('404')
  })

  test('answers JSON by default, as the API does', () => {
    const injector = createFaultInjector({ rules: [{ fault: { kind: 'fault', name: 'badRequest' } }] })
    expect(JSON.parse(responseOf(injector.decide(request('POST', '/v2/010101/servers'))).body)).toEqual({
      badRequest: { code: 400, message: 'Malformed request body' },
    })
  })
})

describe('overLimit', () => {
  test('carries Retry-After in seconds and retryAt at the same instant in rackspace JSON (001 Example 1.51)', () => {
    const response = answerFor('rackspace', 'json', { kind: 'fault', name: 'overLimit', retryAfterSeconds: 120 })
    expect(response.status).toBe(413)
    expect(response.headers['retry-after']).toBe('120')
    expect(JSON.parse(response.body).overLimit).toMatchObject({ code: 413, retryAt: '2011-06-09T10:53:53Z' })
  })

  test('carries retryAt as an attribute in rackspace XML (001 Example 1.52)', () => {
    const response = answerFor('rackspace', 'xml', { kind: 'fault', name: 'overLimit' })
    expect(response.headers['retry-after']).toBe('60')
    expect(parseXml(response.body)['overLimit']).toMatchObject({ '@code': '413', '@retryAt': '2011-06-09T10:52:53Z' })
  })

  test('states Retry-After as an HTTP date equal to retryAt when configured', () => {
    const response = answerFor('rackspace', 'json', { kind: 'fault', name: 'overLimit', retryAfterFormat: 'http-date' })
    expect(response.headers['retry-after']).toBe('Thu, 09 Jun 2011 10:52:53 GMT')
    expect(Date.parse(response.headers['retry-after'] as string)).toBe(Date.parse(JSON.parse(response.body).overLimit.retryAt))
  })

  test('takes the Retry-After format from the injector options', () => {
    const injector = createFaultInjector({ clock: createFakeClock(START), retryAfterFormat: 'http-date', rules: [{ fault: { kind: 'fault', name: 'overLimit' } }] })
    expect(responseOf(injector.decide(request('GET', '/v2/1/servers'))).headers['retry-after']).toBe('Thu, 09 Jun 2011 10:52:53 GMT')
  })

  for (const dialect of ['hp', 'nova'] as const) {
    for (const format of FORMATS) {
      test(`gives Retry-After in seconds and no retryAt in ${dialect} ${format} (003 §3.11)`, () => {
        const response = answerFor(dialect, format, { kind: 'fault', name: 'overLimit', retryAfterSeconds: 30 })
        expect(response.headers['retry-after']).toBe('30')
        expect(response.body).not.toContain('retryAt')
        expect(readFault(response.body, response.headers['content-type']).root).toBe('overLimit')
      })
    }
  }

  test('explains the reason in details for hp', () => {
    const response = answerFor('hp', 'json', { kind: 'fault', name: 'overLimit' })
    expect(JSON.parse(response.body).overLimit.details).toBe('Retry after 2011-06-09T10:52:53Z.')
  })
})

describe('the nova dialect', () => {
  test('answers JSON even when XML is asked for, as Nova does', () => {
    const response = answerFor('nova', 'xml', { kind: 'fault', name: 'itemNotFound' })
    expect(response.headers['content-type']).toBe('application/json; charset=UTF-8')
    expect(JSON.parse(response.body)).toEqual({ itemNotFound: { code: 404, message: 'Instance abc could not be found.' } })
  })

  test('names the flavor in itemNotFound like Nova does', () => {
    const response = answerFor('nova', 'json', { kind: 'fault', name: 'itemNotFound' }, '/v2.1/flavors/nope')
    expect(JSON.parse(response.body).itemNotFound.message).toBe('Flavor nope could not be found.')
  })

  test('answers a state conflict on an action with the real conflictingRequest message', () => {
    const injector = createFaultInjector({ dialect: 'nova', rules: [{ match: { operation: 'servers.action.*' }, fault: { kind: 'fault', name: 'buildInProgress' } }] })
    const reboot = request('POST', '/v2/6f70/servers/7de1/action', { body: '{"reboot": {"type": "SOFT"}}', contentType: 'application/json' })
    expect(JSON.parse(responseOf(injector.decide(reboot)).body)).toEqual({
      conflictingRequest: { code: 409, message: "Cannot 'reboot' instance 7de1 while it is in vm_state building" },
    })
    const start = request('POST', '/v2/6f70/servers/7de1/action', { body: '{"os-start": null}', contentType: 'application/json' })
    expect(JSON.parse(responseOf(injector.decide(start)).body).conflictingRequest.message).toBe("Cannot 'start' instance 7de1 while it is in vm_state building")
  })

  test('answers quota with forbidden 403 and the real quota message', () => {
    const injector = createFaultInjector({ dialect: 'nova', rules: [{ fault: { kind: 'fault', name: 'forbidden' } }] })
    expect(JSON.parse(responseOf(injector.decide(request('POST', '/v2.1/servers'))).body)).toEqual({
      forbidden: { code: 403, message: 'Quota exceeded for instances: Requested 1, but already used 1 of 1 instances' },
    })
  })

  test('names any other status computeFault', () => {
    const injector = createFaultInjector({ dialect: 'nova', rules: [{ fault: { kind: 'status', status: 406 } }] })
    const response = responseOf(injector.decide(request('GET', '/v2.1/servers')))
    expect(response.status).toBe(406)
    expect(JSON.parse(response.body).computeFault.code).toBe(406)
  })
})

describe('status rules', () => {
  test('send any status and body as given', () => {
    const response = answerFor('rackspace', 'json', { kind: 'status', status: 502, body: '<html>Bad Gateway</html>', headers: { 'X-Proxy': 'lb1' } })
    expect(response).toEqual({ status: 502, headers: { 'content-type': 'application/xml', 'x-proxy': 'lb1' }, body: '<html>Bad Gateway</html>' })
  })

  test("render the dialect's fault for a bare status", () => {
    expect(readFault(answerFor('rackspace', 'json', { kind: 'status', status: 409 }).body, 'json').root).toBe('buildInProgress')
    expect(readFault(answerFor('hp', 'xml', { kind: 'status', status: 502 }).body, 'xml')).toMatchObject({ root: 'cloudServersFault', code: 502 })
    expect(readFault(answerFor('rackspace', 'json', { kind: 'status', status: 503 }).body, 'json').root).toBe('serviceUnavailable')
  })
})
