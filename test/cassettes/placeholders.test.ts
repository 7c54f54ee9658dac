import { isIPv4, isIPv6 } from 'node:net'
import { describe, expect, test } from 'vitest'
import { hexPlaceholder, hostPlaceholder, ipv4Placeholder, ipv6Placeholder, isPlaceholder, macPlaceholder, numericPlaceholder, placeholderCounters, secretPlaceholder, uuidPlaceholder, WELL_KNOWN_VALUES } from '../../cassettes/placeholders.js'
import { expiryTime, fixedTime } from '../../cassettes/timestamps.js'

describe('placeholders', () => {
  test('keep the shape of what they replace', () => {
    expect(uuidPlaceholder(3)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(numericPlaceholder(1, 6)).toBe('999001')
    expect(numericPlaceholder(1, 14)).toBe('99999999999001')
    expect(hexPlaceholder(1, 32)).toMatch(/^ca55e77e0{23}1$/)
    expect(hexPlaceholder(12, 56)).toHaveLength(56)
    expect(isIPv4(ipv4Placeholder(1))).toBe(true)
    expect(ipv4Placeholder(1)).toBe('192.0.2.1')
    expect(ipv4Placeholder(255)).toBe('198.51.100.1')
    expect(isIPv4(ipv4Placeholder(100_000))).toBe(true)
    expect(isIPv6(ipv6Placeholder(300))).toBe(true)
    expect(hostPlaceholder(2)).toBe('host-2.example.com')
    expect(macPlaceholder(1)).toBe('00:00:5e:00:53:01')
    expect(macPlaceholder(300, '-', true)).toBe('02-00-5E-00-01-2C')
  })

  test('are safe in JSON, XML, headers and URLs', () => {
    for (const value of [secretPlaceholder('adminPass', 1), uuidPlaceholder(1), numericPlaceholder(1, 6), hexPlaceholder(1, 32), hostPlaceholder(1)]) {
      expect(encodeURIComponent(value)).toBe(value)
      expect(value).not.toMatch(/[<>&"'\s]/)
    }
  })

  test('isPlaceholder recognizes every minted form, alone or after a prefix', () => {
    for (const value of ['REDACTED-token-1', 'REDACTED-privateKey-12', uuidPlaceholder(7), uuidPlaceholder(7, true), 'req-ca55e77e-0000-4000-8000-000000000000', numericPlaceholder(2, 6), hexPlaceholder(4, 32), 'username-3', 'host-1.example.com', '192.0.2.9', '203.0.113.4', ipv6Placeholder(10), macPlaceholder(3), macPlaceholder(70_000, '-'), fixedTime('2012-07-26T16:09:16Z'), expiryTime('2012-09-14T15:11:57.585-05:00'), `MossoCloudFS_${uuidPlaceholder(1)}`]) {
      expect(isPlaceholder(value), value).toBe(true)
    }
  })

  test('isPlaceholder rejects real values and the documented constants', () => {
    for (const value of ['858fb4c2-bf15-4dac-917d-8ec750ae9baa', '010101', 'MyRackspacePwd', 'dfw.servers.api.rackspacecloud.com', '50.56.175.199', '2001:4800:780e:510::1', 'fa:16:3e:2f:3c:55', '2012-07-26T16:09:16Z', '', ...WELL_KNOWN_VALUES]) {
      expect(isPlaceholder(value), value).toBe(false)
    }
  })

  test('normalized timestamps keep the format of the original', () => {
    expect(fixedTime('2012-07-26T16:09:16Z')).toBe('2000-01-01T00:00:00Z')
    expect(fixedTime('2012-11-13T15:38:54.123456+01:00')).toBe('2000-01-01T00:00:00.000000+01:00')
    expect(fixedTime('2012-11-13 15:38')).toBe('2000-01-01 00:00')
    expect(fixedTime('2012-11-13')).toBe('2000-01-01')
    expect(fixedTime('Mon, 23 Jul 2012 20:24:48 GMT')).toBe('Sat, 01 Jan 2000 00:00:00 GMT')
    expect(fixedTime('None')).toBe('None')
    expect(expiryTime('2012-09-14T15:11:57.585-05:00')).toBe('2099-01-01T00:00:00.000-05:00')
  })

  test('placeholderCounters reads back the highest counter of every form in a text', () => {
    const text = JSON.stringify({
      values: [secretPlaceholder('token', 2), secretPlaceholder('adminPass', 7), uuidPlaceholder(12), uuidPlaceholder(3, true), numericPlaceholder(4, 6), numericPlaceholder(1200, 6), hexPlaceholder(9, 32), hexPlaceholder(5, 4)],
      more: `https://${hostPlaceholder(3)}/v2 ${ipv4Placeholder(300)} ${ipv4Placeholder(100_000)} ${ipv6Placeholder(26)} ${macPlaceholder(7, '-')} ${macPlaceholder(70_000)} username-5`,
    })
    expect(placeholderCounters(text)).toEqual({
      secrets: { token: 2, adminPass: 7 },
      shapes: { uuid: 12, numeric: 1200, hex: 9, host: 3, ipv4: 100_000, ipv6: 26, mac: 70_000, username: 5 },
    })
    expect(placeholderCounters('{"flavor": "2", "REDACTED-unknownKind-4": 1}')).toEqual({ secrets: {}, shapes: {} })
  })
})
