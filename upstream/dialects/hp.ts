import type { BaseImageData, DialectProfile, ExtensionData, FlavorData } from './profile.js'

/** Flavors of 003 §2.1.2. */
const FLAVORS: readonly FlavorData[] = [
  { id: '100', name: 'standard.xsmall', ram: 1024, disk: 10, ephemeral: 10, vcpus: 1, swap: '', rxtxFactor: 1 },
  { id: '101', name: 'standard.small', ram: 2048, disk: 30, ephemeral: 10, vcpus: 2, swap: '', rxtxFactor: 1 },
  { id: '102', name: 'standard.medium', ram: 4096, disk: 30, ephemeral: 50, vcpus: 2, swap: '', rxtxFactor: 1 },
  { id: '103', name: 'standard.large', ram: 8192, disk: 30, ephemeral: 130, vcpus: 4, swap: '', rxtxFactor: 1 },
  { id: '104', name: 'standard.xlarge', ram: 15360, disk: 30, ephemeral: 270, vcpus: 4, swap: '', rxtxFactor: 1 },
  { id: '105', name: 'standard.2xlarge', ram: 30720, disk: 30, ephemeral: 470, vcpus: 8, swap: '', rxtxFactor: 1 },
  { id: '110', name: 'standard.4xlarge', ram: 61440, disk: 30, ephemeral: 870, vcpus: 12, swap: '', rxtxFactor: 1 },
  { id: '114', name: 'standard.8xlarge', ram: 122880, disk: 30, ephemeral: 1770, vcpus: 16, swap: '', rxtxFactor: 1 },
  { id: '203', name: 'highmem.large', ram: 16384, disk: 30, ephemeral: 130, vcpus: 4, swap: '', rxtxFactor: 1 },
  { id: '204', name: 'highmem.xlarge', ram: 30720, disk: 30, ephemeral: 270, vcpus: 4, swap: '', rxtxFactor: 1 },
  { id: '205', name: 'highmem.2xlarge', ram: 61440, disk: 30, ephemeral: 540, vcpus: 8, swap: '', rxtxFactor: 1 },
]

/** Base images named in 003 §4.4.1.22 to §4.4.1.24 (their ids come from the seed). */
const IMAGES: readonly BaseImageData[] = [
  {
    name: 'Ubuntu Server 12.04.4 LTS (amd64 20140408) - Partner Image',
    created: '2014-04-09T14:24:23Z',
    updated: '2014-04-14T14:26:41Z',
    minDisk: 8,
    minRam: 0,
    size: 260178432,
    metadata: { architecture: 'x86_64', 'com.hp__1__bootable_volume': 'true', 'com.hp__1__image_lifecycle': 'active', 'com.hp__1__image_type': 'disk', 'com.hp__1__os_distro': 'com.ubuntu', os_type: 'linux-ext4', os_version: '12.04.4_LTS' },
  },
  {
    name: 'SUSE Linux Enterprise Server 11 SP2 20130906 (b) (deprecated)',
    created: '2013-09-06T18:12:51Z',
    updated: '2013-09-09T16:08:11Z',
    minDisk: 10,
    minRam: 0,
    size: 1073741824,
    metadata: { architecture: 'x86_64', 'com.hp__1__image_lifecycle': 'deprecated', 'com.hp__1__image_type': 'disk', 'com.hp__1__os_distro': 'com.suse', os_type: 'linux-ext4' },
  },
  {
    name: 'Windows Server 2008 R2 Enterprise SP1 x64 Volume License 20130925 (b)',
    created: '2013-09-25T20:39:14Z',
    updated: '2013-09-26T11:27:02Z',
    minDisk: 30,
    minRam: 2048,
    size: 10737418240,
    metadata: { architecture: 'x86_64', 'com.hp__1__image_lifecycle': 'active', 'com.hp__1__image_type': 'disk', 'com.hp__1__os_distro': 'com.microsoft.server', os_type: 'windows' },
  },
]

function ext(alias: string, name: string, description: string, namespace: string, updated: string): ExtensionData {
  return { alias, name, description, namespace, updated }
}

/** 003 §4.4.1.2. */
const EXTENSIONS: readonly ExtensionData[] = [
  ext('OS-EXT-AZ', 'ExtendedAvailabilityZone', 'Extended Server Attributes support.', 'http://docs.openstack.org/compute/ext/extended_availability_zone/api/v2', '2013-01-30T00:00:00+00:00'),
  ext('OS-EXT-IMG-SIZE', 'ImageSize', 'Adds image size to image listings.', 'http://docs.openstack.org/compute/ext/image_size/api/v1.1', '2013-02-19T00:00:00+00:00'),
  ext('OS-EXT-IPS', 'ExtendedIps', 'Adds type parameter to the ip list.', 'http://docs.openstack.org/compute/ext/extended_ips/api/v1.1', '2013-01-06T00:00:00+00:00'),
  ext('OS-EXT-IPS-MAC', 'ExtendedIpsMac', 'Adds mac address parameter to the ip list.', 'http://docs.openstack.org/compute/ext/extended_ips_mac/api/v1.1', '2013-03-07T00:00:00+00:00'),
  ext('OS-EXT-STS', 'ExtendedStatus', 'Extended Status support.', 'http://docs.openstack.org/compute/ext/extended_status/api/v1.1', '2011-11-03T00:00:00+00:00'),
  ext('OS-FLV-EXT-DATA', 'FlavorExtraData', 'Provide additional data for flavors.', 'http://docs.openstack.org/compute/ext/flavor_extra_data/api/v1.1', '2011-09-14T00:00:00+00:00'),
  ext('OS-SCH-HNT', 'SchedulerHints', 'Pass arbitrary key/value pairs to the scheduler.', 'http://docs.openstack.org/compute/ext/scheduler-hints/api/v2', '2011-07-19T00:00:00+00:00'),
  ext('os-availability-zone', 'AvailabilityZone', '1. Add availability_zone to the Create Server v1.1 API. 2. Add availability zones describing.', 'http://docs.openstack.org/compute/ext/availabilityzone/api/v1.1', '2012-12-21T00:00:00+00:00'),
  ext('os-config-drive', 'ConfigDrive', 'Config Drive Extension.', 'http://docs.openstack.org/compute/ext/config_drive/api/v1.1', '2012-07-16T00:00:00+00:00'),
  ext('os-console-output', 'ConsoleOutput', 'Console log output support, with tailing ability.', 'http://docs.openstack.org/compute/ext/os-console-output/api/v2', '2011-12-08T00:00:00+00:00'),
  ext('os-consoles', 'Consoles', 'Interactive Console support.', 'http://docs.openstack.org/compute/ext/os-consoles/api/v2', '2011-12-23T00:00:00+00:00'),
  ext('os-create-server-ext', 'Createserverext', 'Extended support to the Create Server v1.1 API.', 'http://docs.openstack.org/compute/ext/createserverext/api/v1.1', '2011-07-19T00:00:00+00:00'),
  ext('os-extended-floating-ips', 'ExtendedFloatingIps', 'Adds optional fixed_address to the add floating IP command.', 'http://docs.openstack.org/compute/ext/extended_floating_ips/api/v2', '2013-04-19T00:00:00+00:00'),
  ext('os-flavor-rxtx', 'FlavorRxtx', 'Support to show the rxtx status of a flavor.', 'http://docs.openstack.org/compute/ext/flavor_rxtx/api/v1.1', '2012-08-29T00:00:00+00:00'),
  ext('os-flavor-swap', 'FlavorSwap', 'Support to show the swap status of a flavor.', 'http://docs.openstack.org/compute/ext/flavor_swap/api/v1.1', '2012-08-29T00:00:00+00:00'),
  ext('os-floating-ips', 'FloatingIps', 'Floating IPs support.', 'http://docs.openstack.org/compute/ext/floating_ips/api/v1.1', '2011-06-16T00:00:00+00:00'),
  ext('os-hide-server-addresses', 'HideServerAddresses', 'Support hiding server addresses in certain states.', 'http://docs.openstack.org/compute/ext/hide_server_addresses/api/v1.1', '2012-12-11T00:00:00+00:00'),
  ext('os-instance-actions', 'InstanceActions', 'View a log of actions and events taken on an instance.', 'http://docs.openstack.org/compute/ext/instance-actions/api/v1.1', '2013-02-08T00:00:00+00:00'),
  ext('os-keypairs', 'Keypairs', 'Keypair Support.', 'http://docs.openstack.org/compute/ext/keypairs/api/v1.1', '2011-08-08T00:00:00+00:00'),
  ext('os-multiple-create', 'MultipleCreate', 'Allow multiple create in the Create Server v1.1 API.', 'http://docs.openstack.org/compute/ext/multiplecreate/api/v1.1', '2012-08-07T00:00:00+00:00'),
  ext('os-rescue', 'Rescue', 'Instance rescue mode.', 'http://docs.openstack.org/compute/ext/rescue/api/v1.1', '2011-08-18T00:00:00+00:00'),
  ext('os-security-groups', 'SecurityGroups', 'Security group support.', 'http://docs.openstack.org/compute/ext/securitygroups/api/v1.1', '2013-05-28T00:00:00+00:00'),
  ext('os-server-start-stop', 'ServerStartStop', 'Start/Stop instance compute API support.', 'http://docs.openstack.org/compute/ext/servers/api/v1.1', '2012-01-23T00:00:00+00:00'),
  ext('os-used-limits', 'UsedLimits', 'Provide data on limited resources that are being used.', 'http://docs.openstack.org/compute/ext/used_limits/api/v1.1', '2012-07-13T00:00:00+00:00'),
  ext('os-user-data', 'UserData', 'Add user_data to the Create Server v1.1 API.', 'http://docs.openstack.org/compute/ext/userdata/api/v1.1', '2012-08-07T00:00:00+00:00'),
  ext('os-volumes', 'Volumes', 'Volumes support.', 'http://docs.openstack.org/compute/ext/volumes/api/v1.1', '2011-03-25T00:00:00+00:00'),
]

/** The HP Helion Public Cloud Compute dialect (003). */
export const HP_PROFILE: DialectProfile = {
  dialect: 'hp',
  regions: ['region-a.geo-1', 'region-b.geo-1'],
  username: 'MyHPCloudUser',
  genericFault: 'cloudServersFault',
  badMarkerFault: 'badRequest',
  jsonContentType: 'application/json',
  xmlContentType: 'application/xml; charset=UTF-8',
  limits: {
    maxServerMeta: 50,
    maxImageMeta: 50,
    maxPersonality: 5,
    maxPersonalitySize: 10240,
    maxTotalInstances: 40,
    maxTotalRAMSize: 15360,
    maxTotalCores: -1,
    extra: { maxSecurityGroupRules: 20, maxSecurityGroups: 10, maxTotalFloatingIps: 10, maxTotalKeypairs: 100 },
  },
  flavors: FLAVORS,
  images: IMAGES,
  extensions: EXTENSIONS,
  // Project and user ids are 14 digits, tokens "HPAuth_" and 64 hex digits (003 §3.4, §4.4.1.6).
  tenantId: (random) => String(random.int(1, 9)) + random.digits(13),
  userId: (random) => String(random.int(1, 9)) + random.digits(13),
  tokenId: (random) => `HPAuth_${random.hex(64)}`,
}
