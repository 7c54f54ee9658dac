import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { runCloudtape, startCloudtape } from './cloudtape-process.js'
import { NOVA } from './nova-local.js'
import { RACE_PROJECT } from './stories/plain-http.js'

/** Cassettes of the last run stay here for inspection (git-ignored). */
export const LANE_DIR = fileURLToPath(new URL('../../.cache/nova-lane/', import.meta.url))

export async function freshLaneDir(): Promise<void> {
  await rm(LANE_DIR, { recursive: true, force: true })
  await mkdir(LANE_DIR, { recursive: true })
}

export function cassettePath(name: string): string {
  return `${LANE_DIR}${name}.json`
}

/** Writes what a client saw (`openstack.live.txt`, `openstack.replay.txt`) beside the cassette, to diff on failure. */
export async function keepTranscript(name: string, phase: 'live' | 'replay', text: string): Promise<void> {
  await writeFile(`${LANE_DIR}${name}.${phase}.txt`, text)
}

/** `cloudtape record` in front of Nova (served at the proxy's root) and Glance; `story` gets the proxy URL. */
export async function recordThroughCloudtape<T>(name: string, story: (proxyUrl: string) => Promise<T>): Promise<T> {
  const recorder = await startCloudtape(['record', '--target', NOVA.url, '--target', NOVA.glanceUrl, '--cassette', cassettePath(name)])
  let result: T
  try {
    result = await story(recorder.url)
  } finally {
    const code = await recorder.stop()
    expect(code, recorder.stderr()).toBe(0)
  }
  expect(recorder.stdout()).toMatch(/^recorded 1 /m)
  return result
}

/** `cloudtape replay` of a lane cassette; `story` gets the replay server's URL (compute at its root). */
export async function replayThroughCloudtape<T>(name: string, story: (replayUrl: string, routes: string) => Promise<T>, extraArgs: readonly string[] = []): Promise<T> {
  const server = await startCloudtape(['replay', '--cassette', cassettePath(name), ...extraArgs])
  try {
    return await story(server.url, server.stdout())
  } finally {
    await server.stop()
    expect(server.stderr(), 'replay misses').not.toMatch(/no match|ERR_CLOUDTAPE_NO_MATCH/i)
  }
}

/**
 * `cloudtape lint` passes, and no live value made it into the file: the noauth token, the project
 * ids, Nova's and Glance's host:port, real request ids, UUIDs and long hex ids other than placeholders
 * (and the all-zero UUID the stories ask for), or a timestamp of today.
 */
export async function expectCleanCassette(name: string): Promise<void> {
  const lint = await runCloudtape(['lint', cassettePath(name)])
  expect(lint.code, lint.stdout + lint.stderr).toBe(0)
  const text = (await readFile(cassettePath(name), 'utf8')).replace(/"recordedAt": "[^"]*"/, '')
  for (const live of [NOVA.token, NOVA.demoToken, NOVA.project, NOVA.demoProject, RACE_PROJECT, '127.0.0.1:8774', '127.0.0.1:9292']) {
    expect(text, `${name} holds ${live}`).not.toContain(live)
  }
  const hexIds = text.match(/\b[0-9a-f]{16,}\b/g) ?? []
  expect(hexIds.filter((hex) => !/^ca55e77e\d+$/.test(hex)), `${name} holds hex ids that are not placeholders`).toEqual([])
  const uuids = text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []
  expect(uuids.filter((uuid) => !uuid.startsWith('ca55e77e-0000-4000-8000-') && uuid !== '00000000-0000-0000-0000-000000000000')).toEqual([])
  expect(text).not.toContain(new Date().toISOString().slice(0, 10))
}
