import { expect } from 'vitest'
import { applyErrorState } from 'cloudtape'
import { getFault, renderFault } from 'cloudtape/cassettes'
import type { RawAnswer } from './stories/plain-http.js'

/**
 * Every fault Nova sent (a body `{"<root>": {"code", "message"}}` with a root the catalog's nova
 * column has) is what renderFault gives for that root, code and message: the same bytes and
 * Content-Type. So an injected Nova fault cannot be told from a real one.
 */
export function expectNovaFaultsRendered(answers: readonly RawAnswer[]): void {
  const faults = answers.filter((answer) => answer.status >= 400 && answer.text.startsWith('{'))
  expect(faults.length).toBeGreaterThan(0)
  for (const answer of faults) {
    const parsed = JSON.parse(answer.text) as Record<string, { code: number; message: string }>
    const [root, fields] = Object.entries(parsed)[0] as [string, { code: number; message: string }]
    expect(getFault(root)?.dialects, `${answer.step}: ${root}`).toContain('nova')
    const rendered = renderFault({ name: root, dialect: 'nova', format: 'json', code: fields.code, message: fields.message })
    expect({ step: answer.step, status: rendered.status, contentType: rendered.contentType, body: rendered.body }).toEqual({
      step: answer.step,
      status: answer.status,
      contentType: answer.headers.get('content-type'),
      body: answer.text,
    })
  }
}

/**
 * The error-state fault rule, applied to the winner of the race (ACTIVE), embeds a fault with the
 * keys, code and message Nova gave the loser.
 */
export function expectEmbeddedQuotaFaultRendered(errored: Record<string, unknown>): void {
  const real = errored['fault'] as Record<string, unknown>
  const active = { server: { ...errored, status: 'ACTIVE', fault: undefined } }
  const result = applyErrorState(JSON.stringify(active), { dialect: 'nova', fault: { code: 413, created: String(real['created']) } })
  if (!('body' in result)) throw new Error(result.reason)
  const injected = (JSON.parse(result.body) as { server: Record<string, unknown> }).server['fault'] as Record<string, unknown>
  expect(Object.keys(injected).sort()).toEqual(Object.keys(real).sort())
  expect(injected).toEqual(real)
}

/** Which recorded answer each injected fault rule must reproduce, by the plain story's step. */
export const INJECTED_FAULTS: ReadonlyArray<{ readonly rule: string; readonly step: string }> = [
  { rule: 'forbidden@servers.create', step: 'v2.1 create over quota' },
  { rule: 'conflictingRequest@servers.action.reboot', step: 'v2 reboot while building' },
  { rule: 'itemNotFound@servers.get', step: 'v2 missing server' },
]

/**
 * Sends each live request of INJECTED_FAULTS again to a replay server running those rules in the
 * nova dialect: the injected answer has the status, Content-Type and body bytes real Nova sent.
 */
export async function expectInjectedFaultsAsLive(replayUrl: string, answers: readonly RawAnswer[]): Promise<void> {
  for (const { rule, step } of INJECTED_FAULTS) {
    const live = answers.find((answer) => answer.step === step)
    if (!live) throw new Error(`the plain story has no step "${step}"`)
    const response = await fetch(replayUrl + live.path, { method: live.method, headers: live.request.headers, ...(live.request.body === undefined ? {} : { body: live.request.body }) })
    const injected = { rule, status: response.status, contentType: response.headers.get('content-type'), body: await response.text() }
    expect(injected).toEqual({ rule, status: live.status, contentType: live.headers.get('content-type'), body: live.text })
  }
}
