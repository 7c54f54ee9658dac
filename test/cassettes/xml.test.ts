import { describe, expect, test } from 'vitest'
import { isCloudtapeError } from '../../cassettes/errors.js'
import { canonicalXml, canonicalXmlTree, decodeXmlEntities, isWellFormedXml, parseXml } from '../../cassettes/xml.js'
import { scanXml } from '../../cassettes/xml-scan.js'
import { CREATE_SERVER_XML_RESPONSE_2_8 } from './fixtures/seed-examples.js'

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz a="&lol4;">&lol4;</lolz>`

describe('XML helpers', () => {
  test('parses with prefixes, namespace declarations and attributes as written', () => {
    const root = parseXml(CREATE_SERVER_XML_RESPONSE_2_8)
    expect(root.name).toBe('server')
    expect(root.attributes['xmlns:atom']).toBe('http://www.w3.org/2005/Atom')
    expect(root.attributes['OS-DCF:diskConfig']).toBe('AUTO')
    const links = root.children.filter((child) => 'name' in child && child.name === 'atom:link')
    expect(links).toHaveLength(2)
  })

  test('never expands DOCTYPE entities (billion laughs stays its own size)', () => {
    const root = parseXml(BILLION_LAUGHS)
    expect(root.attributes['a']).toBe('&lol4;')
    expect(canonicalXml(BILLION_LAUGHS).length).toBeLessThan(200)
  })

  test('canonical form ignores prefixes, attribute order, whitespace and escapes', () => {
    const a = '<a:server xmlns:a="http://docs.openstack.org/compute/api/v1.1" name="x&amp;y" id="1">\n  <a:metadata/>\n</a:server>'
    const b = '<server id="1" name="x&#38;y" xmlns="http://docs.openstack.org/compute/api/v1.1"><metadata></metadata></server>'
    expect(canonicalXml(a)).toBe(canonicalXml(b))
    expect(canonicalXmlTree(b)).toEqual({
      name: '{http://docs.openstack.org/compute/api/v1.1}server',
      attributes: [['id', '1'], ['name', 'x&y']],
      children: [{ name: '{http://docs.openstack.org/compute/api/v1.1}metadata', attributes: [], children: [] }],
    })
  })

  test('canonical form tells different namespaces and values apart', () => {
    const v11 = '<itemNotFound xmlns="http://docs.openstack.org/compute/api/v1.1" code="404"/>'
    const v2 = '<itemNotFound xmlns="http://docs.openstack.org/compute/api/v2" code="404"/>'
    expect(canonicalXml(v11)).not.toBe(canonicalXml(v2))
    expect(canonicalXml('<a>1</a>')).not.toBe(canonicalXml('<a>2</a>'))
  })

  test('keeps CDATA content literal', () => {
    expect(canonicalXmlTree('<a><![CDATA[x &amp; <y>]]></a>').children).toEqual(['x &amp; <y>'])
  })

  test('fails with ERR_CLOUDTAPE_XML_INVALID on malformed XML', () => {
    for (const bad of ['<server><name></server>', '<a x="1" x="2"/>', 'not xml']) {
      expect(() => parseXml(bad)).toThrowError(expect.objectContaining({ code: 'ERR_CLOUDTAPE_XML_INVALID' }))
    }
    try {
      parseXml('<server><name></server>')
    } catch (error) {
      expect(isCloudtapeError(error)).toBe(true)
      expect((error as Error).message).toMatch(/line 1/)
    }
    expect(isWellFormedXml('<a/>')).toBe(true)
    expect(isWellFormedXml('{"a":1}')).toBe(false)
  })

  test('decodes only predefined entities and character references', () => {
    expect(decodeXmlEntities('&lt;&#65;&#x42;&amp;&custom;')).toBe('<AB&&custom;')
  })

  test('scanXml rewrites attribute values and text in place, leaving every other byte', () => {
    const xml = '<?xml version="1.0"?>\n<!-- c --><a  x = "1" y=\'2\'><b>text</b><![CDATA[raw]]></a>'
    const out = scanXml(xml, {
      open: () => undefined,
      close: () => undefined,
      attribute: (name, raw) => (name === 'x' ? `<${raw}>"` : undefined),
      text: (raw, cdata) => (cdata ? 'RAW]]>' : raw.toUpperCase()),
    })
    expect(out).toBe('<?xml version="1.0"?>\n<!-- c --><a  x = "<1>&quot;" y=\'2\'><b>TEXT</b><![CDATA[RAW]]]]><![CDATA[>]]></a>')
  })
})
