// The cassette store's append path on its own: a cassette saved empty, then grown by appending
// `--batch` interactions at a time (the recording proxy's writer appends what finished since its
// last write) up to `--interactions`. Prints wall time and this process's CPU (user + sys) for
// the appends, and the same for the last tenth, where a copy-based append pays the most.
// `--from N` saves the first N interactions whole and appends only the rest: the cost of appends
// to a big file without growing it from nothing.
// Usage: npm run build && node bench/cassette-append.mjs [--interactions 20000] [--batch 1] [--from 0]
import { mkdtemp, rm, readdir, stat } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CASSETTE_VERSION, createCassetteRecorder, createFakeClock } from '../dist/cassettes/index.js'
import * as store from '../dist/cassettes/store.js'

const { values: args } = parseArgs({
  options: {
    interactions: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '1' },
    from: { type: 'string', default: '0' },
    dir: { type: 'string' },
  },
})
const total = Number(args.interactions)
const batch = Number(args.batch)
const from = Number(args.from)

/** A servers.get exchange with a 1.3 KB server body, as the proxy benchmark's upstream answers. */
function serverExchange(n) {
  const origin = 'https://dfw.servers.api.rackspacecloud.com'
  const id = `0000${n}`.slice(-5) + '-5d6c-4e1b-9f0a-1c2b3d4e5f60'
  const body = {
    server: {
      id, name: 'bench-server', status: 'ACTIVE', progress: 100, tenant_id: '010101', user_id: '170454',
      hostId: 'e4d909c290d0fb1ca068ffaddf22cbd0', created: '2012-08-16T18:41:43Z', updated: '2012-08-16T18:50:38Z',
      accessIPv4: '198.61.236.10', accessIPv6: '2001:4800:780e:0510:d87b:9cbc:ff04:513a',
      addresses: { public: [{ addr: '198.61.236.10', version: 4 }], private: [{ addr: '10.180.3.185', version: 4 }] },
      flavor: { id: '2', links: [{ href: `${origin}/010101/flavors/2`, rel: 'bookmark' }] },
      links: [{ href: `${origin}/v2/010101/servers/${id}`, rel: 'self' }, { href: `${origin}/010101/servers/${id}`, rel: 'bookmark' }],
      metadata: { 'My Server Name': 'Apache1' },
    },
  }
  return {
    request: { method: 'GET', url: `${origin}/v2/010101/servers/${id}`, headers: { 'x-auth-token': 'tok-bench' }, body: Buffer.alloc(0) },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) },
  }
}

const recorder = createCassetteRecorder({ name: 'append-bench', clock: createFakeClock('2012-08-16T18:41:43Z'), keepInteractions: false })
const interactions = Array.from({ length: total }, (_, n) => recorder.record(serverExchange(n)))
const dir = args.dir ?? (await mkdtemp(join(tmpdir(), 'cloudtape-append-')))
const path = join(dir, 'append.json')

try {
  let written = await store.saveCassetteFile(path, { version: CASSETTE_VERSION, name: 'append-bench', dialect: 'rackspace', recordedAt: '2012-08-16T18:41:43Z', interactions: interactions.slice(0, from) })
  const start = { wall: performance.now(), cpu: process.cpuUsage() }
  let lastTenth = null
  for (let done = from; done < total; done += batch) {
    if (lastTenth === null && done >= from + (total - from) * 0.9) lastTenth = { wall: performance.now(), cpu: process.cpuUsage() }
    written = await store.appendToCassetteFile(path, written, interactions.slice(done, done + batch))
  }
  const bytes = (await stat(path)).size
  await store.removeAppendShadow?.(path)
  const end = { wall: performance.now(), cpu: process.cpuUsage() }
  const leftover = (await readdir(dir)).filter((name) => name !== 'append.json')
  const figures = (from) => {
    const cpu = process.cpuUsage(from.cpu)
    return `${((end.wall - from.wall) / 1000).toFixed(2)} s wall, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)}, sys ${(cpu.system / 1e6).toFixed(2)})`
  }
  console.log(`${total - from} interactions appended ${batch} at a time (after ${from} saved whole) into a ${(bytes / 1024 / 1024).toFixed(1)} MiB cassette; ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}, Node ${process.version}`)
  console.log(`  all appends: ${figures(start)}`)
  console.log(`  last tenth:  ${figures(lastTenth)}`)
  if (leftover.length > 0) console.log(`  left next to the cassette: ${leftover.join(', ')}`)
} finally {
  if (!args.dir) await rm(dir, { recursive: true, force: true })
}
