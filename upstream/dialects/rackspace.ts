import type { BaseImageData, DialectProfile, ExtensionData, FlavorData } from './profile.js'

/** Flavors of 001 Example 2.60. */
const FLAVORS: readonly FlavorData[] = [
  { id: '2', name: '512MB Standard Instance', ram: 512, disk: 20, vcpus: 1, swap: 512, rxtxFactor: 2 },
  { id: '3', name: '1GB Standard Instance', ram: 1024, disk: 40, vcpus: 1, swap: 1024, rxtxFactor: 3 },
  { id: '4', name: '2GB Standard Instance', ram: 2048, disk: 80, vcpus: 2, swap: 2048, rxtxFactor: 6 },
  { id: '5', name: '4GB Standard Instance', ram: 4096, disk: 160, vcpus: 2, swap: 2048, rxtxFactor: 10 },
  { id: '6', name: '8GB Standard Instance', ram: 8192, disk: 320, vcpus: 4, swap: 2048, rxtxFactor: 15 },
  { id: '7', name: '15GB Standard Instance', ram: 15360, disk: 620, vcpus: 6, swap: 2048, rxtxFactor: 20 },
  { id: '8', name: '30GB Standard Instance', ram: 30720, disk: 1200, vcpus: 8, swap: 2048, rxtxFactor: 30 },
]

function linuxMetadata(distro: string, orgDistro: string, version: string): Record<string, string> {
  return {
    arch: 'x86-64',
    auto_disk_config: 'True',
    'com.rackspace__1__build_core': '1',
    'com.rackspace__1__visible_core': '1',
    image_type: 'base',
    'org.openstack__1__architecture': 'x64',
    'org.openstack__1__os_distro': orgDistro,
    'org.openstack__1__os_version': version,
    os_distro: distro,
    os_type: 'linux',
    os_version: version,
    rax_managed: 'false',
    rax_options: '0',
  }
}

function windowsMetadata(version: string): Record<string, string> {
  return {
    arch: 'x86-64',
    auto_disk_config: 'False',
    'com.rackspace__1__build_core': '1',
    'com.rackspace__1__visible_core': '1',
    image_type: 'base',
    'org.openstack__1__architecture': 'x64',
    'org.openstack__1__os_distro': 'com.microsoft.server',
    'org.openstack__1__os_version': version,
    os_distro: 'windows',
    os_type: 'windows',
    rax_activation_profile: 'windows',
  }
}

/** Base images of 001 Examples 2.64 to 2.67 (their ids come from the seed). */
const IMAGES: readonly BaseImageData[] = [
  { name: 'CentOS 6.0', created: '2012-10-13T16:53:56Z', updated: '2012-10-13T16:54:55Z', minDisk: 10, minRam: 256, diskConfig: 'AUTO', metadata: linuxMetadata('centos', 'org.centos', '6.0') },
  { name: 'Red Hat Enterprise Linux 6.1', created: '2012-10-13T16:43:57Z', updated: '2012-10-13T16:45:05Z', minDisk: 0, minRam: 256, diskConfig: 'AUTO', metadata: linuxMetadata('rhel', 'com.redhat', '6.1') },
  { name: 'Ubuntu 12.04 LTS (Precise Pangolin)', created: '2012-10-12T13:05:57Z', updated: '2012-10-12T13:07:15Z', minDisk: 10, minRam: 256, diskConfig: 'AUTO', metadata: linuxMetadata('ubuntu', 'org.ubuntu', '12.04') },
  { name: 'Windows Server 2008 R2 SP1 (with updates)', created: '2012-10-11T22:03:23Z', updated: '2012-10-11T22:16:55Z', minDisk: 40, minRam: 1024, diskConfig: 'MANUAL', metadata: windowsMetadata('2008.2') },
  { name: 'Windows Server 2012 (with updates) + SQL Server 2012 Web', created: '2012-10-09T14:51:22Z', updated: '2012-10-09T15:21:12Z', minDisk: 80, minRam: 2048, diskConfig: 'MANUAL', metadata: windowsMetadata('2012') },
  { name: 'Ubuntu 10.04 LTS (Lucid Lynx)', created: '2012-08-01T00:37:12Z', updated: '2012-08-01T00:37:41Z', minDisk: 10, minRam: 512, diskConfig: 'AUTO', metadata: linuxMetadata('ubuntu', 'org.ubuntu', '10.04') },
  { name: 'Ubuntu 11.10', created: '2012-02-28T19:38:57Z', updated: '2012-02-28T19:39:05Z', minDisk: 10, minRam: 256, diskConfig: 'AUTO', metadata: linuxMetadata('ubuntu', 'org.ubuntu', '11.10') },
]

/** 001 Example 1.36. */
const EXTENSIONS: readonly ExtensionData[] = [
  { alias: 'OS-DCF', name: 'DiskConfig', description: 'Disk Management Extension', namespace: 'http://docs.openstack.org/compute/ext/disk_config/api/v1.1', updated: '2011-09-27T00:00:00+00:00' },
  { alias: 'os-volumes', name: 'Volumes', description: 'Volumes support', namespace: 'http://docs.openstack.org/compute/ext/volumes/api/v1.1', updated: '2011-03-25T00:00:00+00:00' },
  { alias: 'rax-bandwidth', name: 'ServerBandwidth', description: 'Server Bandwidth Extension', namespace: 'http://docs.rackspace.com/servers/api/ext/server_bandwidth/', updated: '2012-01-19T00:00:00+00:00' },
  { alias: 'os-consoles', name: 'Consoles', description: 'Interactive Console support.', namespace: 'http://docs.openstack.org/compute/ext/os-consoles/api/v2', updated: '2011-12-23T00:00:00+00:00' },
  { alias: 'rax-networks', name: 'RAXNetworks', description: 'Admin-only Network Management Extension', namespace: 'http://docs.openstack.org/ext/services/api/v1.1', updated: '2012-03-07T09:46:43-05:00' },
  { alias: 'os-rescue', name: 'Rescue', description: 'Instance rescue mode', namespace: 'http://docs.openstack.org/compute/ext/rescue/api/v1.1', updated: '2011-08-18T00:00:00+00:00' },
  { alias: 'os-used-limits', name: 'Used Limits', description: 'Provide data on limited resources that are being used.', namespace: 'http://docs.openstack.org/compute/ext/used_limits/api/v1.1', updated: '2012-07-13T00:00:00+00:00' },
]

/** The Rackspace Next Generation Cloud Servers dialect (001). */
export const RACKSPACE_PROFILE: DialectProfile = {
  dialect: 'rackspace',
  regions: ['DFW', 'ORD'],
  username: 'MyRackspaceAcct',
  genericFault: 'computeFault',
  badMarkerFault: 'itemNotFound',
  jsonContentType: 'application/json',
  xmlContentType: 'application/xml',
  limits: {
    maxServerMeta: 20,
    maxImageMeta: 20,
    maxPersonality: 6,
    maxPersonalitySize: 10240,
    maxTotalInstances: 100,
    maxTotalRAMSize: 66560,
    maxTotalCores: -1,
    extra: { maxTotalFloatingIps: 5, maxTotalKeypairs: 100, maxTotalPrivateNetworks: 0, maxTotalVolumeGigabytes: -1, maxTotalVolumes: 0 },
  },
  flavors: FLAVORS,
  images: IMAGES,
  extensions: EXTENSIONS,
  // Account numbers are short and numeric, "010101" in the documents (001 §1.3.3).
  tenantId: (random) => random.digits(6),
  userId: (random) => String(random.int(100000, 999999)),
  tokenId: (random) => random.uuid(),
}
