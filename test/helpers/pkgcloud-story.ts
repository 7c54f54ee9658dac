import { createRequire } from 'node:module'

/** The parts of pkgcloud's openstack compute client the stories drive (pkgcloud ships no types). */
interface PkgcloudServer {
  readonly id: string
  readonly name: string
  readonly status: string
  readonly STATUS: Readonly<Record<string, string>>
  setWait(attributes: Record<string, string>, interval: number, timeLimit: number, callback: (error: unknown, server: PkgcloudServer) => void): unknown
}
type Callback<T> = (error: unknown, result: T) => void
interface Named {
  readonly id: string
  readonly name: string
}
interface PkgcloudCompute {
  getFlavors(callback: Callback<Named[]>): void
  getImages(callback: Callback<Named[]>): void
  createServer(details: { name: string; flavor: Named; image: Named }, callback: Callback<PkgcloudServer>): void
  rebootServer(server: PkgcloudServer, callback: Callback<unknown>): void
  destroyServer(server: PkgcloudServer, callback: Callback<{ ok: string }>): void
}
const pkgcloud = createRequire(import.meta.url)('pkgcloud') as { compute: { createClient(options: Record<string, unknown>): PkgcloudCompute } }

/** What the story boots: a flavor by id (flavor ids are kept in cassettes) and an image by name (image ids become placeholders). */
export interface BootChoice {
  readonly flavorId: string
  readonly imageName: string
  readonly serverName: string
}

/** What a story saw, comparable between the recording client and pkgcloud. */
export interface StoryOutcome {
  readonly flavorIds: readonly string[]
  readonly imageNames: readonly string[]
  readonly steps: readonly string[]
}

function call<T>(start: (callback: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, result) => (error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolve(result))))
}

function pick(items: readonly Named[], wanted: (item: Named) => boolean, what: string): Named {
  const found = items.find(wanted)
  if (!found) throw new Error(`no ${what} among ${JSON.stringify(items.map(({ id, name }) => ({ id, name })))}`)
  return found
}

/**
 * pkgcloud's own wait: setWait polls getServer on a timer. A 10 ms interval keeps replays fast (a
 * replay moves on per poll, not per second); the once-guard is there because setWait can call
 * back twice when two polls are in flight as the status arrives.
 */
function waitUntilRunning(server: PkgcloudServer): Promise<PkgcloudServer> {
  return new Promise((resolve, reject) => {
    let settled = false
    server.setWait({ status: server.STATUS['running'] as string }, 10, 30_000, (error, current) => {
      if (settled) return
      settled = true
      if (error) reject(error instanceof Error ? error : new Error(JSON.stringify(error)))
      else resolve(current)
    })
  })
}

/**
 * pkgcloud's openstack compute client (Identity v2.0 first, then the catalog's compute endpoint in
 * `region`): list flavors and images, boot, wait for ACTIVE, soft reboot, wait, delete.
 */
export async function pkgcloudBootRebootDelete(authUrl: string, region: string, choice: BootChoice): Promise<StoryOutcome> {
  const client = pkgcloud.compute.createClient({ provider: 'openstack', authUrl, username: 'demo', password: 'anything', region })
  const flavors = await call<Named[]>((done) => client.getFlavors(done))
  const images = await call<Named[]>((done) => client.getImages(done))
  const flavor = pick(flavors, (item) => item.id === choice.flavorId, `flavor ${choice.flavorId}`)
  const image = pick(images, (item) => item.name === choice.imageName, `image named ${choice.imageName}`)
  const server = await call<PkgcloudServer>((done) => client.createServer({ name: choice.serverName, flavor, image }, done))
  const steps = [`created ${server.name}`]
  steps.push(`active ${(await waitUntilRunning(server)).status === server.STATUS['running']}`)
  await call((done) => client.rebootServer(server, done))
  steps.push('rebooted')
  steps.push(`active ${(await waitUntilRunning(server)).status === server.STATUS['running']}`)
  const deleted = await call<{ ok: string }>((done) => client.destroyServer(server, done))
  steps.push(`deleted ${deleted.ok === server.id}`)
  return { flavorIds: flavors.map((item) => item.id), imageNames: images.map((item) => item.name), steps }
}

/**
 * The requests pkgcloud sends, from a client given a fixed token and compute endpoint (no identity
 * exchange), as the real clients of a compute-only recording are. `betweenPolls` paces polls of a
 * real cloud; upstreams that move on per poll need no pause.
 */
export async function fixedTokenBootRebootDelete(compute: string, token: string, choice: BootChoice, betweenPolls: () => Promise<void>): Promise<StoryOutcome> {
  const headers = { 'content-type': 'application/json', accept: 'application/json', 'x-auth-token': token }
  const get = async (path: string): Promise<any> => {
    const response = await fetch(`${compute}${path}`, { headers })
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`)
    return response.json()
  }
  const { flavors } = (await get('/flavors/detail')) as { flavors: Named[] }
  const { images } = (await get('/images/detail')) as { images: Named[] }
  const flavor = pick(flavors, (item) => item.id === choice.flavorId, `flavor ${choice.flavorId}`)
  const image = pick(images, (item) => item.name === choice.imageName, `image named ${choice.imageName}`)
  const body = JSON.stringify({ server: { name: choice.serverName, flavorRef: flavor.id, imageRef: image.id } })
  const created = await fetch(`${compute}/servers`, { method: 'POST', headers, body })
  if (created.status !== 202) throw new Error(`POST /servers: ${created.status} ${await created.text()}`)
  const id = ((await created.json()) as { server: { id: string } }).server.id
  const steps = [`created ${choice.serverName}`]
  const untilActive = async (): Promise<boolean> => {
    for (let poll = 0; poll < 120; poll += 1) {
      const status = ((await get(`/servers/${id}`)) as { server: { status: string } }).server.status
      if (status === 'ACTIVE') return true
      if (status === 'ERROR') return false
      await betweenPolls()
    }
    return false
  }
  steps.push(`active ${await untilActive()}`)
  const reboot = await fetch(`${compute}/servers/${id}/action`, { method: 'POST', headers, body: JSON.stringify({ reboot: { type: 'SOFT' } }) })
  if (reboot.status !== 202) throw new Error(`reboot: ${reboot.status} ${await reboot.text()}`)
  steps.push('rebooted')
  steps.push(`active ${await untilActive()}`)
  const deleted = await fetch(`${compute}/servers/${id}`, { method: 'DELETE', headers })
  steps.push(`deleted ${deleted.status === 204}`)
  return { flavorIds: flavors.map((item) => item.id), imageNames: images.map((item) => item.name), steps }
}
