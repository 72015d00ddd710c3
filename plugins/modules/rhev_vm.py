#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rhev_vm
short_description: Create, configure, power and remove a virtual machine on oVirt / RHV
version_added: 0.1.0
description:
  - Manages one virtual machine of an oVirt or Red Hat Virtualization engine through its REST API v4,
    from creation from a template, memory and CPU topology, OS type, description, high availability, and
    its power status (running, stopped, suspended, rebooted) or removal.
  - Configuration changes are applied with one update; changes the engine can only apply at the next start
    of a running VM (memory, CPU topology, OS type) are reported in RV(vm.next_run) and RV(vm.pending)
    and with a warning, and a second run with the same values reports no change.
  - O(state=present) never changes the power status of an existing VM.
extends_documentation_fragment:
  - bigdata.platform.rhev
  - bigdata.platform.wait
  - bigdata.platform.tls
  - bigdata.platform.attributes
options:
  name:
    description:
      - Name of the VM, its identity. The engine is searched for exactly this name.
    type: str
    required: true
  state:
    description:
      - V(present) creates the VM if needed and applies its configuration; a new VM stays down.
      - V(running) also starts it (or resumes it when suspended) and waits until it is up.
      - V(stopped) shuts it down gracefully, and powers it off if it is still not down after O(shutdown_timeout)
        seconds; a suspended VM is powered off.
      - V(suspended) suspends it to memory, starting it first when it is down.
      - V(rebooted) reboots a VM that is up (which also applies a pending next-run configuration) and starts one
        that is not; it reports a change every time.
      - V(absent) removes it, powering it off first when it is running.
    type: str
    choices: [present, absent, running, stopped, suspended, rebooted]
    default: present
  cluster:
    description:
      - Cluster to create the VM in; required when the VM does not exist.
      - For an existing VM the task fails when it is in another cluster (this module does not move VMs).
    type: str
  template:
    description:
      - Template to create the VM from. V(Blank) when not given.
      - Only used when the VM is created; a different template of an existing VM gives a warning.
    type: str
  memory:
    description:
      - Memory size, as bytes or with a binary unit, such as V(2GiB), V(4096MiB) or V(8G) (powers of 1024).
      - SI units are refused, not converted; V(16GB) fails with a message to write V(16GiB), so that nobody gets
        16 * 10^9 bytes (7 % less than meant) by accident. At most V(6TiB), the engine's limit.
      - On a running VM the new size is applied at its next start.
    type: str
  memory_guaranteed:
    description:
      - Memory the engine guarantees to the VM, in the same format as O(memory). It may not exceed O(memory).
    type: str
  cpu_sockets:
    description: Number of virtual CPU sockets.
    type: int
  cpu_cores:
    description: Number of cores per socket.
    type: int
  cpu_threads:
    description: Number of threads per core.
    type: int
  os_type:
    description: Operating system type as the engine names it, such as V(rhel_8x64) or V(other_linux).
    type: str
  description:
    description: Free text description of the VM.
    type: str
  high_availability:
    description: Whether the engine restarts the VM on another host when its host fails.
    type: bool
  shutdown_timeout:
    description:
      - With O(state=stopped), seconds to wait for a graceful shutdown before the VM is powered off; must be more
        than 0 (a negative value would have turned the shutdown into an immediate power-off).
    type: int
    default: 120
  clone:
    description:
      - When creating the VM from O(template), copy the template's disks into independent disks (V(true)) instead of
        thin disks on top of the template's (V(false)). A cloned VM reports RV(vm.clone=true) and its template.
      - Only used when the VM is created.
    type: bool
    default: false
    version_added: 0.2.0
  storage_domain:
    description:
      - Storage domain for the copies of the template's disks when the VM is created, and the default storage
        domain of the disks in O(disks) that name none.
    type: str
    version_added: 0.2.0
  disks:
    description:
      - Disks of the VM, by name. A disk that does not exist is created and attached; an existing one is grown when
        O(disks[].size) is larger (never shrunk; a smaller size fails naming the disk, before anything is changed).
      - Disks the VM has and the list does not name are left alone; a disk is detached and deleted only when listed
        with O(disks[].state=absent).
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      name:
        description: Name (alias) of the disk, its identity within the VM.
        type: str
        required: true
      size:
        description:
          - Provisioned size in binary units, such as V(100GiB) or V(100G) (both 100 * 2^30 bytes), required to
            create the disk. SI units (V(100GB)) are refused, see O(memory).
        type: str
      storage_domain:
        description: Storage domain to create the disk on (default O(storage_domain), then that of the VM's first disk).
        type: str
      interface:
        description: How the disk is attached; changing it needs the VM down. New disks default to V(virtio_scsi).
        type: str
        choices: [virtio_scsi, virtio, sata]
      format:
        description: V(cow) (thin, qcow2; the default) or V(raw). Only used when the disk is created.
        type: str
        choices: [cow, raw]
      sparse:
        description: Thin provisioning; defaults to V(true) for V(cow) and V(false) for V(raw). Only used at creation.
        type: bool
      bootable:
        description: Whether the VM boots from this disk (one disk per VM).
        type: bool
      state:
        description: V(absent) detaches the disk and deletes it (deactivating it first on a running VM).
        type: str
        choices: [present, absent]
        default: present
  nics:
    description:
      - Network interfaces of the VM, by name, with the same rules as O(disks) (NICs not listed are left alone).
      - A NIC can be added to a running VM (hot plug); its interface type can only change while the VM is down.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      name:
        description: Name of the NIC, such as V(nic1), its identity within the VM.
        type: str
        required: true
      network:
        description:
          - Logical network of the VM's cluster; the NIC gets the network's vNIC profile (the one named after the
            network when it has several). An unknown network fails naming this option before any change.
        type: str
      vnic_profile:
        description: vNIC profile by name (with O(nics[].network) when several networks have one of that name).
        type: str
      interface:
        description: Device model; new NICs default to V(virtio).
        type: str
        choices: [virtio, e1000]
      mac_address:
        description: MAC address; the engine picks one from its pool when not given.
        type: str
      linked:
        description: Whether the link is up; new NICs default to V(true).
        type: bool
      state:
        description: V(absent) removes the NIC (the engine unplugs it first on a running VM).
        type: str
        choices: [present, absent]
        default: present
  cloud_init:
    description:
      - Cloud-init settings, stored as the VM's C(initialization) (persisted, not run-once); the engine gives them
        to the guest at its first start, and rhev_vm starts the VM with C(use_cloud_init) so that every start by
        this module applies the current settings, and a reboot keeps them.
      - Changing them on an existing VM is a change (RV(changes) lists the fields) that applies at the next boot;
        the result says so in RV(vm.pending) and in a warning, never as a silent no-op.
      - O(cloud_init.root_password) is never returned by the engine, so a change of the password alone is not
        detected; it is sent whenever the VM is created or another field changes.
    type: dict
    version_added: 0.2.0
    suboptions:
      host_name:
        description: Host name of the guest (its FQDN, which the guest agent then reports as RV(vm.fqdn)).
        type: str
      user_name:
        description: User to create (default of the image, such as C(cloud-user), when not given).
        type: str
      root_password:
        description: Password of O(cloud_init.user_name) (of root when none is given). Never logged or returned.
        type: str
      authorized_ssh_keys:
        description: Public SSH keys to authorize, one per list item.
        type: list
        elements: str
      dns_servers:
        description: DNS servers.
        type: list
        elements: str
      dns_search:
        description: DNS search domains, space-separated.
        type: str
      timezone:
        description: Time zone, such as V(Etc/UTC).
        type: str
      custom_script:
        description: Extra cloud-config YAML merged by cloud-init.
        type: str
      nic_configurations:
        description: Addresses of the guest's interfaces (V(eth0), V(eth1)... in the order of the VM's NICs).
        type: list
        elements: dict
        suboptions:
          name:
            description: Guest interface name, such as V(eth0).
            type: str
            required: true
          boot_protocol:
            description: V(dhcp), V(static) (needs O(cloud_init.nic_configurations[].ip) and netmask) or V(none).
              Default V(static) when an ip is given, else V(dhcp).
            type: str
            choices: [dhcp, static, none]
          ip:
            description: IPv4 address.
            type: str
          netmask:
            description: IPv4 netmask, such as V(255.255.255.0).
            type: str
          gateway:
            description: Default gateway.
            type: str
          on_boot:
            description: Bring the interface up at boot.
            type: bool
            default: true
  sysprep:
    description:
      - Sysprep settings for Windows guests, stored as the VM's C(initialization) like O(cloud_init) (and with the
        same rules), used at starts with C(use_sysprep). Mutually exclusive with O(cloud_init).
    type: dict
    version_added: 0.2.0
    suboptions:
      host_name: {description: Computer name., type: str}
      user_name: {description: User whose password O(sysprep.root_password) sets (default Administrator)., type: str}
      root_password: {description: Administrator password; never logged or returned., type: str}
      domain: {description: Active Directory domain to join., type: str}
      active_directory_ou: {description: Organizational unit of the computer account., type: str}
      org_name: {description: Organization name., type: str}
      timezone: {description: Windows time zone name., type: str}
      input_locale: {description: Input locale., type: str}
      ui_language: {description: User interface language., type: str}
      system_locale: {description: System locale., type: str}
      windows_license_key: {description: Product key; never logged or returned., type: str}
      custom_script: {description: A complete unattend.xml to use instead of the generated one., type: str}
  host:
    description: Host to run the VM on (pinned or preferred, see O(placement_policy)); an unknown host fails.
    type: str
    version_added: 0.2.0
  placement_policy:
    description:
      - V(migratable) (the engine may live-migrate the VM), V(user_migratable) (only an administrator may) or
        V(pinned) (never migrated; with O(host), it only runs there).
    type: str
    choices: [migratable, user_migratable, pinned]
    version_added: 0.2.0
  affinity_group:
    description:
      - An affinity group of the VM's cluster the VM must be a member of, created with these rules when missing
        and updated when its rules differ; membership of other groups is left alone.
      - A negative enforcing group spreads its VMs over hypervisors (masters apart); a positive one keeps them together.
    type: dict
    version_added: 0.2.0
    suboptions:
      name: {description: Name of the group., type: str, required: true}
      positive: {description: Run the group's VMs on the same host (V(true)) or on different hosts (V(false))., type: bool, default: true}
      enforcing: {description: A hard rule (a start that cannot satisfy it fails) instead of a preference., type: bool, default: false}
  tags:
    description: Tags the VM must carry (created when missing); tags not listed are left alone.
    type: list
    elements: str
    version_added: 0.2.0
  wait_for_ip:
    description:
      - When the VM is up at the end of the task, wait (within O(timeout), shared with the task's other waits)
        until its guest agent reports an IP address (in O(ip_range) when given); RV(vm.ips) and RV(vm.fqdn) then
        hold what it reported. A VM without a NIC fails at once.
    type: bool
    default: false
    version_added: 0.2.0
  ip_range:
    description: With O(wait_for_ip), the network (CIDR, such as V(10.0.0.0/24)) the awaited address must be in.
    type: str
    version_added: 0.2.0
notes:
  - Between two actions (a new VM must leave V(image_locked) before it can start, a down VM must be up before
    it can be suspended) the module always waits; O(wait=false) only skips waiting for the last one.
  - A VM in a transient status (V(image_locked), V(powering_up), V(saving_state)...) is waited for until it
    is stable before anything is done to it.
  - All the waits of one task share O(timeout); when it runs out the task fails and names the last status seen.
seealso:
  - module: bigdata.platform.rhev_vm_info
author:
  - bigdata.platform contributors (@bigdata-platform)
"""

EXAMPLES = r"""
- name: Create a Hadoop worker VM and start it
  bigdata.platform.rhev_vm:
    url: https://engine.example.com/ovirt-engine/api
    username: admin@internal
    password: "{{ ovirt_password }}"
    ca_cert: /etc/pki/ovirt-engine/ca.pem
    name: hadoop-worker-2
    cluster: hadoop
    template: centos7-hadoop
    memory: 16GiB
    cpu_sockets: 2
    cpu_cores: 4
    high_availability: true
    state: running

- name: Give it more memory at its next restart (connection from OVIRT_* environment variables)
  bigdata.platform.rhev_vm:
    name: hadoop-worker-2
    memory: 32GiB
  register: worker

- name: Reboot to apply the pending configuration
  bigdata.platform.rhev_vm:
    name: hadoop-worker-2
    state: rebooted
  when: worker.vm.next_run

- name: Stop it, powering it off if the guest ignores the shutdown for 5 minutes
  bigdata.platform.rhev_vm:
    name: hadoop-worker-2
    state: stopped
    shutdown_timeout: 300

- name: A Hadoop worker from Blank with a boot and a data disk, two networks and cloud-init, with its address
  bigdata.platform.rhev_vm:
    name: worker-1
    cluster: hadoop
    memory: 16GiB
    cpu_cores: 4
    disks:
      - {name: worker-1-boot, size: 40GiB, storage_domain: data, bootable: true}
      - {name: worker-1-data, size: 500GiB, storage_domain: fast-ssd, format: raw, interface: virtio}
    nics:
      - {name: nic1, network: ovirtmgmt}
      - {name: nic2, network: hadoop-data}
    cloud_init:
      host_name: worker-1.example.com
      user_name: cloud-user
      authorized_ssh_keys: ["{{ lookup('file', 'id_ed25519.pub') }}"]
      root_password: "{{ vault_worker_password }}"
      nic_configurations:
        - {name: eth0, boot_protocol: dhcp}
        - {name: eth1, ip: 198.51.100.21, netmask: 255.255.255.0}
    affinity_group: {name: workers-apart, positive: false, enforcing: false}
    tags: [hadoop, workers]
    state: running
    wait_for_ip: true
    ip_range: 198.51.100.0/24
  register: worker

- name: Use its address
  ansible.builtin.add_host:
    name: "{{ worker.vm.fqdn }}"
    ansible_host: "{{ worker.vm.ips | select('match', '198\\.51\\.100\\.') | first }}"
    groups: workers

- name: Remove it
  bigdata.platform.rhev_vm:
    name: hadoop-worker-2
    state: absent
"""

RETURN = r"""
vm:
  description: The VM after the task (predicted in check mode); empty when it is absent.
  returned: always
  type: dict
  contains:
    id:
      description: Engine identifier (null for a VM check mode would create).
      type: str
      sample: 6e95c1a4-1b3f-4d4e-9d7c-0a8f1d2b3c4d
    name:
      description: Name.
      type: str
      sample: hadoop-worker-2
    status:
      description: Engine status, such as C(up), C(down), C(suspended) or C(image_locked).
      type: str
      sample: up
    cluster:
      description: Cluster name.
      type: str
      sample: hadoop
    template:
      description: Name of the template it was created from.
      type: str
      sample: centos7-hadoop
    host:
      description: Host it runs on; null when down.
      type: str
      sample: host1
    clone:
      description: Whether its disks are independent copies of the template's (created with O(clone=true)).
      type: bool
      sample: false
      version_added: 0.2.0
    memory:
      description: Memory in bytes it runs with.
      type: int
      sample: 17179869184
    memory_guaranteed:
      description: Guaranteed memory in bytes.
      type: int
      sample: 17179869184
    cpu_sockets:
      description: CPU sockets.
      type: int
      sample: 2
    cpu_cores:
      description: Cores per socket.
      type: int
      sample: 4
    cpu_threads:
      description: Threads per core.
      type: int
      sample: 1
    os_type:
      description: Operating system type.
      type: str
      sample: rhel_7x64
    description:
      description: Description.
      type: str
      sample: Hadoop worker
    high_availability:
      description: Whether high availability is enabled.
      type: bool
      sample: true
    next_run:
      description: Whether a configuration is pending until the VM next starts (a restart is needed to apply it).
      type: bool
      sample: true
    pending:
      description:
        - The fields of the pending next-run configuration that differ from the running one, with their new values.
        - In the run that changed them, C(initialization) with the settings that apply at the next boot.
      type: dict
      sample: {memory: 34359738368}
    disks:
      description: Attached disks, the bootable one first.
      type: list
      elements: dict
      version_added: 0.2.0
      contains:
        id: {description: Disk (and attachment) identifier., type: str}
        name: {description: Name (alias)., type: str}
        size: {description: Provisioned size in bytes., type: int}
        storage_domain: {description: Storage domain., type: str}
        interface: {description: Attachment interface., type: str}
        format: {description: C(cow) or C(raw)., type: str}
        sparse: {description: Thin provisioned., type: bool}
        bootable: {description: Boot disk., type: bool}
        active: {description: Plugged into the VM., type: bool}
        status: {description: "C(ok), C(locked) (being created or grown) or C(illegal).", type: str}
    nics:
      description: Network interfaces, by name.
      type: list
      elements: dict
      version_added: 0.2.0
      contains:
        id: {description: NIC identifier., type: str}
        name: {description: Name., type: str}
        network: {description: Logical network., type: str}
        vnic_profile: {description: vNIC profile., type: str}
        interface: {description: Device model., type: str}
        mac_address: {description: MAC address., type: str}
        linked: {description: Link up., type: bool}
        plugged: {description: Plugged in., type: bool}
    initialization:
      description: The persisted cloud-init / sysprep settings (passwords are never returned).
      type: dict
      version_added: 0.2.0
      sample: {host_name: worker-1.example.com, user_name: cloud-user}
    placement_policy:
      description: C(migratable), C(user_migratable) or C(pinned).
      type: str
      version_added: 0.2.0
    placement_hosts:
      description: Hosts the VM is pinned to or prefers.
      type: list
      elements: str
      version_added: 0.2.0
    affinity_groups:
      description: Affinity groups of its cluster it is a member of.
      type: list
      elements: str
      version_added: 0.2.0
    tags:
      description: Its tags.
      type: list
      elements: str
      version_added: 0.2.0
    fqdn:
      description: The FQDN its guest agent reports; null until the agent reports.
      type: str
      version_added: 0.2.0
      sample: worker-1.example.com
    ips:
      description: The IP addresses its guest agent reports, in NIC order; empty until the agent reports.
      type: list
      elements: str
      version_added: 0.2.0
      sample: [192.0.2.10, 198.51.100.10]
ip:
  description:
    - The first address the guest reports in O(ip_range) (the first at all without O(ip_range)); null until the
      guest agent reports one (see O(wait_for_ip)).
  returned: when the VM is not absent
  type: str
  version_added: 0.2.0
  sample: 198.51.100.21
changes:
  description:
    - What the task changed (or would change in check mode) besides the VM's own settings and power, in order;
      sizes are in the units the options use.
  returned: always
  type: list
  elements: dict
  version_added: 0.2.0
  sample:
    - {kind: disk, name: worker-1-data, action: create, size: 100GiB, storage_domain: data}
    - {kind: nic, name: nic2, action: create, network: hadoop-data, vnic_profile: hadoop-data}
    - {kind: disk, name: worker-1-boot, action: grow, size: 40GiB}
    - {kind: initialization, name: cloud_init, action: update, fields: [host_name]}
actions:
  description:
    - The engine actions the task sent (or would send in check mode), in order; V(remove) is the deletion.
    - A shutdown that had to be completed by a power off shows as V([shutdown, stop]).
  returned: always
  type: list
  elements: str
  sample: [start]
timeline:
  description:
    - 'What the task''s waits saw, each distinct state once, such as C(status powering_up) or
      C(status up, guest addresses: none reported yet), with C(elapsed) (seconds since the task began) and
      C(what) (the wait).'
    - At C(-v), a task that waits shows the VM's state every 20 seconds.
  returned: always
  type: list
  elements: dict
  version_added: 0.2.0
  sample: [{elapsed: 0.2, what: "VM worker-1 to start", state: "status wait_for_launch"}]
diff:
  description:
    - Status and configuration before and after (the configuration includes pending next-run values), sizes in
      the units the options use, disks and NICs by name, the cloud-init / sysprep settings.
  returned: always
  type: dict
"""


import ipaddress

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, PlatformError, WaitTimeout
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import WAIT_ARGS, differences, make_diff, run_module
from ansible_collections.bigdata.platform.plugins.module_utils.rhev.client import RhevClient, rhev_argument_spec
from ansible_collections.bigdata.platform.plugins.module_utils.rhev.devices import (
    plan_affinity_group, plan_disks, plan_initialization, plan_nics, plan_placement, plan_tags, usable_profiles,
)
from ansible_collections.bigdata.platform.plugins.module_utils.rhev.sizes import (
    MAX_MEMORY, human, parse_binary_size, unit_of,
)
from ansible_collections.bigdata.platform.plugins.module_utils.rhev.vm import (
    ACTION_TARGETS, CONFIG_FIELDS, TRANSIENT_STATUSES, describe_vm, effective_config, locked_disks, power_actions, predict,
    vm_body,
)
from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline

STATES = ["present", "absent", "running", "stopped", "suspended", "rebooted"]
PRESENCE = dict(type="str", default="present", choices=["present", "absent"])
IDENTITY = ("name", "cluster", "template", "storage_domain", "host", "tags", "disks.name", "disks.storage_domain",
            "nics.name", "nics.network", "nics.vnic_profile", "affinity_group.name")


def argument_spec():
    nic_configuration = dict(
        name=dict(type="str", required=True), boot_protocol=dict(type="str", choices=["dhcp", "static", "none"]),
        ip=dict(type="str"), netmask=dict(type="str"), gateway=dict(type="str"), on_boot=dict(type="bool", default=True))
    guest = dict(host_name=dict(type="str"), user_name=dict(type="str"), timezone=dict(type="str"),
                 custom_script=dict(type="str"), root_password=dict(type="str", no_log=True))
    return rhev_argument_spec(WAIT_ARGS, dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=STATES),
        cluster=dict(type="str"),
        template=dict(type="str"),
        clone=dict(type="bool", default=False),
        storage_domain=dict(type="str"),
        memory=dict(type="str"),
        memory_guaranteed=dict(type="str"),
        cpu_sockets=dict(type="int"),
        cpu_cores=dict(type="int"),
        cpu_threads=dict(type="int"),
        os_type=dict(type="str"),
        description=dict(type="str"),
        high_availability=dict(type="bool"),
        shutdown_timeout=dict(type="int", default=120),
        disks=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True), size=dict(type="str"), storage_domain=dict(type="str"),
            interface=dict(type="str", choices=["virtio_scsi", "virtio", "sata"]),
            format=dict(type="str", choices=["cow", "raw"]), sparse=dict(type="bool"), bootable=dict(type="bool"),
            state=PRESENCE)),
        nics=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True), network=dict(type="str"), vnic_profile=dict(type="str"),
            interface=dict(type="str", choices=["virtio", "e1000"]), mac_address=dict(type="str"),
            linked=dict(type="bool"), state=PRESENCE)),
        cloud_init=dict(type="dict", options=dict(
            guest, authorized_ssh_keys=dict(type="list", elements="str", no_log=False),
            dns_servers=dict(type="list", elements="str"), dns_search=dict(type="str"),
            nic_configurations=dict(type="list", elements="dict", options=nic_configuration))),
        sysprep=dict(type="dict", options=dict(
            guest, domain=dict(type="str"), org_name=dict(type="str"), active_directory_ou=dict(type="str"),
            input_locale=dict(type="str"), ui_language=dict(type="str"), system_locale=dict(type="str"),
            windows_license_key=dict(type="str", no_log=True))),
        host=dict(type="str"),
        placement_policy=dict(type="str", choices=["migratable", "user_migratable", "pinned"]),
        affinity_group=dict(type="dict", options=dict(
            name=dict(type="str", required=True), positive=dict(type="bool", default=True),
            enforcing=dict(type="bool", default=False))),
        tags=dict(type="list", elements="str"),
        wait_for_ip=dict(type="bool", default=False),
        ip_range=dict(type="str"),
    ))


def desired_config(params):
    """The configuration the user manages (None: not managed), with sizes parsed and counts checked."""
    desired = {field: params.get(field) for field in CONFIG_FIELDS}
    for field in ("memory", "memory_guaranteed"):
        desired[field] = parse_binary_size(params[field], field, MAX_MEMORY)
    for field in ("cpu_sockets", "cpu_cores", "cpu_threads"):
        if desired[field] is not None and not 1 <= desired[field] <= 1024:
            raise OptionError(field, params[field], "must be at least 1 and at most 1024")
    return desired


def address_range(params):
    if not params["ip_range"]:
        return None
    try:
        return ipaddress.ip_network(params["ip_range"], strict=False)
    except ValueError:
        raise OptionError("ip_range", params["ip_range"], "is not a network in CIDR notation, such as 10.0.0.0/24")


def addresses_in(vm, network):
    ips = (vm or {}).get("ips") or []
    return [ip for ip in ips if network is None or ipaddress.ip_address(ip) in network]


def view(vm, params):
    """What --diff shows of a VM: sizes in the units the user wrote, disks and NICs by name."""
    if not vm:
        return None
    shown = {key: vm.get(key) for key in ("name", "cluster", "template", "status", "placement_policy",
                                          "placement_hosts", "affinity_groups", "tags")}
    shown.update(effective_config(vm))
    for field in ("memory", "memory_guaranteed"):
        shown[field] = human(shown[field], unit_of(params.get(field)))
    units = {disk["name"]: unit_of(disk.get("size")) for disk in params.get("disks") or []}
    shown["disks"] = {disk["name"]: {"size": human(disk["size"], units.get(disk["name"]) or "GiB"),
                                     "storage_domain": disk["storage_domain"], "interface": disk["interface"],
                                     "bootable": disk["bootable"]} for disk in vm.get("disks") or []}
    shown["nics"] = {nic["name"]: {"network": nic["network"], "vnic_profile": nic["vnic_profile"],
                                   "interface": nic["interface"], "linked": nic["linked"]} for nic in vm.get("nics") or []}
    shown["initialization"] = vm.get("initialization") or {}
    return shown


class VmTask:
    """One rhev_vm task against one engine."""

    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.params = module.params
        self.name = module.params["name"]
        self.sent = []
        self.steps_done = []
        self.created = False
        self.deadline = Deadline(module.params["timeout"])
        self.ip_network = address_range(module.params)

    def run(self):
        raw = self.settle(self.client.find_vm(self.name))
        before = self.client.normalize(raw)
        state = self.params["state"]
        if before is None and state == "absent":
            return dict(changed=False, vm={}, actions=[], changes=[], diff=make_diff(None, None))
        if before is None and not self.params["cluster"]:
            raise OptionError("cluster", None, "is required to create VM %s" % self.name)
        if before is not None:
            self.check_placement(before)
        if state == "absent":
            return self.ensure_absent(raw, before, power_actions(before["status"], state))
        cluster = self.cluster_of(raw)
        if before is None:
            self.check_template()
        changes = differences(before and effective_config(before), desired_config(self.params))
        actions = power_actions(before["status"] if before else "down", state)
        predicted = predict(before, changes, actions, self.new_vm())
        steps, predicted, bodies = self.plan(before, predicted, cluster, actions)
        changed = before is None or bool(changes) or bool(actions) or bool(steps)
        try:
            if changed and not self.module.check_mode:
                raw = self.apply(raw, changes, bodies, actions, cluster)
                predicted = self.client.normalize(raw)
                actions = self.sent
            if self.params["wait_for_ip"] and not self.module.check_mode and predicted["status"] == "up":
                predicted = self.wait_for_ip(predicted)
        except PlatformError as exc:
            if self.sent or self.steps_done or self.created:  # the engine accepted part of it
                exc.details.update(changed=True, actions=list(self.sent), changes=list(self.steps_done))
            raise
        self.warn_pending(predicted, steps, actions)
        addresses = addresses_in(predicted, self.ip_network)
        return dict(changed=changed, vm=predicted, actions=actions, changes=[step.public() for step in steps],
                    ip=addresses[0] if addresses else None,
                    diff=make_diff(view(before, self.params), view(predicted, self.params)))

    def new_vm(self):
        vm = dict.fromkeys(CONFIG_FIELDS)
        vm.update(id=None, name=self.name, status="down", cluster=self.params["cluster"], host=None,
                  template=self.params["template"] or "Blank", clone=self.params["clone"], next_run=False, pending={},
                  disks=[], nics=[], initialization={}, placement_policy="migratable", placement_hosts=[],
                  affinity_groups=[], tags=[], fqdn=None, ips=[])
        return vm

    # -- reading and planning -----------------------------------------------------------------------------
    def cluster_of(self, raw):
        """The VM's cluster with its affinity groups: from the VM's own read, or read (it must exist) for a new VM."""
        if raw is not None:
            return raw.get("cluster") or {}
        cluster = self.client.named("clusters", self.params["cluster"], follow="affinity_groups,networks")
        if cluster is None:
            reason = "names no cluster of the engine; VM %s cannot be created" % self.name
            raise OptionError("cluster", self.params["cluster"], reason)
        return cluster

    def check_template(self):
        template = self.params["template"] or "Blank"
        if self.client.named("templates", template) is None:
            raise OptionError("template", template, "names no template of the engine; VM %s cannot be created" % self.name)
        if self.params["storage_domain"] and not self.domain_exists(self.params["storage_domain"]):
            raise OptionError("storage_domain", self.params["storage_domain"], "names no storage domain of the engine")

    def domain_names(self):
        return {domain.get("name") for domain in self.client.all_of("storagedomains")}

    def domain_exists(self, name):
        return name in self.domain_names()

    def profiles(self, cluster):
        """The vNIC profiles usable in the cluster, read only when a NIC needs one resolved."""
        def read():
            networks = cluster.get("networks")
            if networks is None:
                networks = (self.client.named("clusters", cluster["name"], follow="networks") or {}).get("networks")
            return usable_profiles(self.client.all_of("vnicprofiles", follow="network"),
                                   (networks or {}).get("network", []))
        return read

    def default_domain(self, vm):
        disks = (vm or {}).get("disks") or []
        return self.params["storage_domain"] or (disks[0]["storage_domain"] if disks else None)

    def plan(self, before, predicted, cluster, actions):
        """(steps, predicted VM, engine bodies) for disks, NICs, initialization, placement, group and tags;
        refuses what the engine would refuse before anything is sent."""
        running = bool(before) and before["status"] != "down" and "stop" not in actions and "shutdown" not in actions
        disk_steps, predicted["disks"] = plan_disks(predicted["disks"], self.params["disks"], running,
                                                    self.default_domain(before), self.domain_names)
        nic_steps, predicted["nics"] = plan_nics(predicted["nics"], self.params["nics"], running, self.profiles(cluster))
        init_steps, predicted["initialization"], init_body = plan_initialization(predicted["initialization"], self.params)
        placement_steps, placement_body = plan_placement(
            predicted, self.params, lambda host: self.client.named("hosts", host) is not None)
        if placement_body:
            predicted["placement_policy"] = placement_body["affinity"]
            predicted["placement_hosts"] = [self.params["host"]] if self.params["host"] else predicted["placement_hosts"]
        group_steps = plan_affinity_group(predicted["id"], cluster, self.params["affinity_group"])
        if group_steps:
            predicted["affinity_groups"] = sorted(set(predicted["affinity_groups"]) | {self.params["affinity_group"]["name"]})
        tag_steps = plan_tags(predicted, self.params["tags"])
        predicted["tags"] = sorted(set(predicted["tags"]) | set(self.params["tags"] or []))
        steps = init_steps + placement_steps + disk_steps + nic_steps + tag_steps + group_steps
        return steps, predicted, {"initialization": init_body, "placement_policy": placement_body, "steps": steps}

    def check_placement(self, vm):
        cluster = self.params["cluster"]
        # A VM the engine still creates (the answer to its POST lost) may not show its cluster yet: nothing to compare.
        if cluster and vm["cluster"] is not None and cluster != vm["cluster"]:
            raise OptionError("cluster", cluster, "is not the cluster of the existing VM %s (%s); this module does "
                                                  "not move VMs between clusters" % (self.name, vm["cluster"]))
        template = self.params["template"]
        if template and template != vm["template"]:
            self.module.warn("VM %s exists and was created from template %s; template %s is only used to create "
                             "a VM" % (self.name, vm["template"], template))

    def warn_pending(self, vm, steps, actions):
        if vm and vm.get("next_run"):
            self.module.warn("VM %s runs with its old configuration until it is restarted (state=rebooted); pending: %s"
                             % (self.name, ", ".join("%s=%s" % item for item in sorted(vm["pending"].items()))))
        if any(step["kind"] == "initialization" for step in steps) and "start" not in actions and vm.get("id"):
            vm["pending"] = dict(vm.get("pending") or {}, initialization=vm["initialization"])
            self.module.warn("VM %s: the new %s settings apply at its next boot (when rhev_vm starts it, with "
                             "use_cloud_init/use_sysprep); a reboot from inside the guest does not apply them"
                             % (self.name, "cloud_init" if self.params["cloud_init"] else "sysprep"))

    # -- acting ---------------------------------------------------------------------------------------------
    def apply(self, raw, changes, bodies, actions, cluster):
        if raw is None:
            raw = self.client.get_vm(self.create(bodies, wait=bool(actions or bodies["steps"]) or self.params["wait"])["id"])
            before = self.client.normalize(raw)
            dummy, dummy, bodies = self.plan(before, dict(before), cluster, actions)
        else:
            body = vm_body({k: wanted for k, (dummy, wanted) in changes.items()})
            body.update({key: bodies[key] for key in ("initialization", "placement_policy") if bodies[key]})
            if body:
                raw = self.client.update_vm(raw["id"], body)
        self.apply_steps(raw["id"], bodies["steps"], cluster)
        if any(step["kind"] == "disk" and step["action"] in ("create", "grow") for step in bodies["steps"]):
            if actions or self.params["wait"]:
                self.wait_for_disks(raw["id"])
        return self.client.get_vm(self.run_actions(raw, actions)["id"])

    def create(self, bodies, wait):
        body = vm_body(desired_config(self.params), self.params["cluster"], self.params["template"] or "Blank", self.name)
        body.update({key: bodies[key] for key in ("initialization", "placement_policy") if bodies[key]})
        if self.params["storage_domain"]:
            template = self.client.named("templates", self.params["template"] or "Blank", follow="disk_attachments")
            body["disk_attachments"] = {"disk_attachment": [
                {"disk": {"id": attachment["id"], "storage_domains": {"storage_domain": [{"name": self.params["storage_domain"]}]}}}
                for attachment in (template.get("disk_attachments") or {}).get("disk_attachment", [])]}
        raw = self.client.create_vm(body, clone=self.params["clone"])
        self.created = True
        return self.wait_for(raw["id"], "down", "VM %s to be created" % self.name) if wait else raw

    def apply_steps(self, vm_id, steps, cluster):
        client = self.client
        groups = {}
        for step in steps:
            kind, action = step["kind"], step["action"]
            if kind == "disk" and action == "create":
                client.add_disk(vm_id, step["_body"])
            elif kind == "disk" and action == "remove":
                if step["_deactivate"]:
                    client.update_disk(vm_id, step["_id"], {"active": False})
                client.remove_disk(vm_id, step["_id"])
            elif kind == "disk":
                client.update_disk(vm_id, step["_id"], step["_body"])
            elif kind == "nic" and action == "create":
                client.add_nic(vm_id, step["_body"])
            elif kind == "nic" and action == "remove":
                client.remove_nic(vm_id, step["_id"])
            elif kind == "nic":
                client.update_nic(vm_id, step["_id"], step["_body"])
            elif kind == "tag":
                self.tag(vm_id, step["name"])
            elif kind == "affinity_group":
                self.group_step(vm_id, step, cluster["id"], groups)
            else:
                continue  # initialization and placement went with the VM's own update
            self.steps_done.append(step.public())

    def tag(self, vm_id, name):
        if name not in {tag.get("name") for tag in self.client.all_of("tags")}:
            self.client.add_tag(name)
        self.client.tag_vm(vm_id, name)

    def group_step(self, vm_id, step, cluster_id, created):
        """Create, update or join an affinity group; `created` maps the names of groups this task made to their ids."""
        if step["action"] == "create":
            created[step["name"]] = self.client.add_affinity_group(cluster_id, step["_body"])["id"]
        elif step["action"] == "update":
            self.client.update_affinity_group(cluster_id, step["_id"], step["_body"])
        else:
            self.client.add_to_affinity_group(cluster_id, step.get("_id") or created[step["name"]], vm_id)

    def start_body(self):
        if self.params["cloud_init"]:
            return {"use_cloud_init": True}
        if self.params["sysprep"]:
            return {"use_sysprep": True}
        return {}

    def run_actions(self, raw, actions):
        for index, action in enumerate(actions):
            last = index == len(actions) - 1
            if action == "shutdown":
                raw = self.shut_down(raw, wait=self.params["wait"] or not last)
                continue
            self.send(raw, action, self.start_body() if action == "start" else None)
            if self.params["wait"] or not last or (action == "start" and self.params["wait_for_ip"]):
                raw = self.wait_for(raw["id"], ACTION_TARGETS[action], "VM %s to %s" % (self.name, action),
                                    starting=action == "start")
        return raw

    def shut_down(self, raw, wait):
        """Graceful shutdown; power off when the guest has not gone down after shutdown_timeout."""
        self.send(raw, "shutdown")
        if not wait:
            return raw
        try:
            return self.wait_for(raw["id"], "down", "VM %s to shut down" % self.name,
                                 timeout=self.params["shutdown_timeout"])
        except WaitTimeout:
            if self.deadline.expired():
                raise  # the task's own timeout ran out, not the guest's chance to shut down
            self.send(raw, "stop")
            return self.wait_for(raw["id"], "down", "VM %s to power off" % self.name)

    def ensure_absent(self, raw, before, actions):
        if not self.module.check_mode:
            if actions:
                self.send(raw, "stop")
                self.wait_for(raw["id"], "down", "VM %s to power off before removal" % self.name)
            self.client.remove_vm(raw["id"])
            self.sent.append("remove")
            if self.params["wait"]:
                self.wait(raw["id"], lambda vm: vm is None, "VM %s to be removed" % self.name)
        return dict(changed=True, vm={}, actions=actions + ["remove"], changes=[],
                    diff=make_diff(view(before, self.params), None))

    def send(self, raw, action, body=None):
        self.client.vm_action(raw["id"], action, body)
        self.sent.append(action)

    # -- waiting --------------------------------------------------------------------------------------------
    def settle(self, raw):
        """Wait until a VM in a transient status (image_locked, powering_up...) is stable; None if it vanishes."""
        if raw is None or raw.get("status") not in TRANSIENT_STATUSES:
            return raw
        return self.wait(raw["id"], lambda vm: vm is None or vm.get("status") not in TRANSIENT_STATUSES,
                         "VM %s to leave status %s" % (self.name, raw["status"]))

    def wait_for(self, vm_id, status, what, timeout=None, starting=False):
        seen = []

        def failed(vm):
            if vm is None:
                return "VM %s disappeared while waiting for it to be %s" % (self.name, status)
            seen.append(vm.get("status"))
            # The engine answers a start only once the VM is wait_for_launch: down afterwards means it failed.
            if starting and vm.get("status") == "down":
                return "VM %s went down while starting (statuses seen: %s); see the engine's events for why" % (
                    self.name, ", ".join(seen))
            return None

        return self.wait(vm_id, lambda vm: vm.get("status") == status, what, failed, timeout)

    def wait_for_disks(self, vm_id):
        self.deadline.wait_until(lambda: self.client.get_vm(vm_id, follow="disk_attachments.disk"),
                                 lambda vm: vm is not None and not locked_disks(vm), "the disks of VM %s to be ready" % self.name,
                                 describe=describe_vm)

    def wait_for_ip(self, vm):
        wanted = "an address in %s" % self.ip_network if self.ip_network else "an address"

        def read():
            return self.client.normalize(self.client.get_vm(vm["id"]))

        def failed(current):
            if current is None or current["status"] != "up":
                return "VM %s is %s while waiting for the guest to report %s" % (
                    self.name, (current or {}).get("status", "gone"), wanted)
            if not current["nics"]:
                return "VM %s has no NIC: its guest can report no address" % self.name
            return None

        return self.deadline.wait_until(read, lambda current: bool(addresses_in(current, self.ip_network)),
                                        "the guest of VM %s to report %s" % (self.name, wanted), failed=failed,
                                        describe=describe_vm)

    def wait(self, vm_id, done, what, failed=None, timeout=None):
        """Poll the VM until done(vm); all waits of a task share its `timeout` (a shorter `timeout` may be given)."""
        return self.deadline.wait_until(lambda: self.client.get_vm(vm_id, follow=None), done, what, describe=describe_vm,
                                        failed=failed, timeout=timeout)


def run(module):
    desired_config(module.params)  # bad sizes fail before any request
    address_range(module.params)
    with RhevClient.from_params(module.params) as client:
        task = VmTask(module, client)
        return dict(task.run(), timeline=task.deadline.timeline)


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)],
               identity=IDENTITY, positive=("shutdown_timeout",), mutually_exclusive=[("cloud_init", "sysprep")])


if __name__ == "__main__":
    main()
