import { describe, expect, test } from 'vitest'
import { MountTable, prefixFor } from '../../proxy/mounts.js'

const table = (): MountTable => new MountTable([new URL('https://identity.api.rackspacecloud.com/v2.0'), new URL('http://127.0.0.1:9000/v2/010101')])

describe('MountTable', () => {
  test('serves the first target at the root and the others under /_upstream/<scheme>/<host>', () => {
    expect(table().mounts().map((mount) => [mount.origin, mount.prefix, mount.source])).toEqual([
      ['https://identity.api.rackspacecloud.com', '', 'target'],
      ['http://127.0.0.1:9000', '/_upstream/http/127.0.0.1:9000', 'target'],
    ])
  })

  test('routes root paths to the first target and mounted paths to their origin', () => {
    const mounts = table()
    expect(mounts.route('/v2.0/tokens')).toMatchObject({ kind: 'forward', path: '/v2.0/tokens', mount: { origin: 'https://identity.api.rackspacecloud.com' } })
    expect(mounts.route('/_upstream/http/127.0.0.1:9000/v2/010101/servers?limit=1')).toMatchObject({
      kind: 'forward',
      path: '/v2/010101/servers?limit=1',
      mount: { origin: 'http://127.0.0.1:9000' },
    })
    expect(mounts.route('/_upstream/http/127.0.0.1:9000')).toMatchObject({ kind: 'forward', path: '/' })
  })

  test('refuses origins that are neither targets nor named by a catalog', () => {
    expect(table().route('/_upstream/https/evil.example.com/v2/1/servers')).toMatchObject({ kind: 'refused', origin: 'https://evil.example.com' })
    expect(table().route('http://evil.example.com/v2/1/servers')).toMatchObject({ kind: 'refused' })
    expect(table().route('/_upstream/nonsense')).toMatchObject({ kind: 'refused', origin: null })
    expect(table().route('*')).toMatchObject({ kind: 'refused' })
  })

  test('allows a catalog origin once added, under a prefix derived from the origin alone', () => {
    const mounts = table()
    expect(mounts.add('https://DFW.servers.api.rackspacecloud.com:443/v2/010101', 'catalog')).toBe(true)
    expect(mounts.add('https://dfw.servers.api.rackspacecloud.com/v2', 'catalog')).toBe(false)
    expect(mounts.get('https://dfw.servers.api.rackspacecloud.com')?.prefix).toBe(prefixFor('https://dfw.servers.api.rackspacecloud.com'))
    expect(mounts.route('/_upstream/https/dfw.servers.api.rackspacecloud.com/v2/010101/flavors')).toMatchObject({ kind: 'forward', path: '/v2/010101/flavors' })
  })

  test('routes absolute-form requests for known origins (a client using it as HTTP_PROXY)', () => {
    expect(table().route('http://127.0.0.1:9000/v2/010101/servers')).toMatchObject({ kind: 'forward', path: '/v2/010101/servers' })
  })

  test('keeps /_cloudtape/ for the proxy itself', () => {
    expect(table().route('/_cloudtape/status')).toEqual({ kind: 'control', path: '/_cloudtape/status' })
    expect(table().route('/_cloudtapex')).toMatchObject({ kind: 'forward' })
  })
})
