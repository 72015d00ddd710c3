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
      - Memory size, as bytes or with a unit, such as V(2GiB), V(4096MiB) or V(8G) (powers of 1024).
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
      - With O(state=stopped), seconds to wait for a graceful shutdown before the VM is powered off.
    type: int
    default: 120
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
      description: The fields of the pending next-run configuration that differ from the running one, with their new values.
      type: dict
      sample: {memory: 34359738368}
actions:
  description:
    - The engine actions the task sent (or would send in check mode), in order; V(remove) is the deletion.
    - A shutdown that had to be completed by a power off shows as V([shutdown, stop]).
  returned: always
  type: list
  elements: str
  sample: [start]
diff:
  description: Status and configuration before and after (the configuration includes pending next-run values).
  returned: always
  type: dict
"""


from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, WaitTimeout
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import (
    WAIT_ARGS, differences, make_diff, parse_size, run_module,
)
from ansible_collections.bigdata.platform.plugins.module_utils.rhev import (
    ACTION_TARGETS, CONFIG_FIELDS, TRANSIENT_STATUSES, RhevClient, effective_config, power_actions, predict,
    rhev_argument_spec, vm_body,
)
from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline

STATES = ["present", "absent", "running", "stopped", "suspended", "rebooted"]


def argument_spec():
    return rhev_argument_spec(WAIT_ARGS, dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=STATES),
        cluster=dict(type="str"),
        template=dict(type="str"),
        memory=dict(type="str"),
        memory_guaranteed=dict(type="str"),
        cpu_sockets=dict(type="int"),
        cpu_cores=dict(type="int"),
        cpu_threads=dict(type="int"),
        os_type=dict(type="str"),
        description=dict(type="str"),
        high_availability=dict(type="bool"),
        shutdown_timeout=dict(type="int", default=120),
    ))


def desired_config(params):
    """The configuration the user manages (None: not managed), with sizes parsed and counts checked."""
    desired = {field: params.get(field) for field in CONFIG_FIELDS}
    for field in ("memory", "memory_guaranteed"):
        desired[field] = parse_size(params[field], field)
    for field in ("memory", "cpu_sockets", "cpu_cores", "cpu_threads"):
        if desired[field] is not None and desired[field] < 1:
            raise OptionError(field, params[field], "must be at least 1")
    return desired


def view(vm):
    """What --diff shows of a VM: identity, placement, status and the configuration it will run with."""
    if not vm:
        return None
    shown = {key: vm.get(key) for key in ("name", "cluster", "template", "status")}
    shown.update(effective_config(vm))
    return shown


class VmTask:
    """One rhev_vm task against one engine."""

    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.params = module.params
        self.name = module.params["name"]
        self.sent = []
        self.deadline = Deadline(module.params["timeout"])

    def run(self):
        raw = self.settle(self.client.find_vm(self.name))
        before = self.client.normalize(raw)
        state = self.params["state"]
        if before is None and state == "absent":
            return dict(changed=False, vm={}, actions=[], diff=make_diff(None, None))
        if before is None and not self.params["cluster"]:
            raise OptionError("cluster", None, "is required to create VM %s" % self.name)
        if before is not None:
            self.check_placement(before)
        elif state != "absent":
            self.check_references()
        changes = {} if state == "absent" else differences(before and effective_config(before),
                                                           desired_config(self.params))
        actions = power_actions(before["status"] if before else "down", state)
        if state == "absent":
            return self.ensure_absent(raw, before, actions)
        predicted = predict(before, changes, actions, self.new_vm())
        changed = before is None or bool(changes) or bool(actions)
        if changed and not self.module.check_mode:
            raw = self.apply(raw, changes, actions)
            predicted = self.client.normalize(self.client.get_vm(raw["id"]))
            actions = self.sent
        self.warn_pending(predicted)
        return dict(changed=changed, vm=predicted, actions=actions, diff=make_diff(view(before), view(predicted)))

    def new_vm(self):
        vm = dict.fromkeys(CONFIG_FIELDS)
        vm.update(id=None, name=self.name, status="down", cluster=self.params["cluster"], host=None,
                  template=self.params["template"] or "Blank", next_run=False, pending={})
        return vm

    def check_references(self):
        """The cluster and template of a VM to create exist: check mode must not predict a creation that fails."""
        for option, kind, name in (("cluster", "clusters", self.params["cluster"]),
                                   ("template", "templates", self.params["template"] or "Blank")):
            if not self.client.has_named(kind, name):
                raise OptionError(option, name, "names no %s of the engine; VM %s cannot be created"
                                  % (kind[:-1], self.name))

    def check_placement(self, vm):
        cluster = self.params["cluster"]
        if cluster and cluster != vm["cluster"]:
            raise OptionError("cluster", cluster, "is not the cluster of the existing VM %s (%s); this module does "
                                                  "not move VMs between clusters" % (self.name, vm["cluster"]))
        template = self.params["template"]
        if template and template != vm["template"]:
            self.module.warn("VM %s exists and was created from template %s; template %s is only used to create "
                             "a VM" % (self.name, vm["template"], template))

    def warn_pending(self, vm):
        if vm and vm.get("next_run"):
            self.module.warn("VM %s runs with its old configuration until it is restarted (state=rebooted); pending: %s"
                             % (self.name, ", ".join("%s=%s" % item for item in sorted(vm["pending"].items()))))

    # -- acting -----------------------------------------------------------------------------------------
    def apply(self, raw, changes, actions):
        if raw is None:
            body = vm_body(desired_config(self.params), self.params["cluster"], self.params["template"] or "Blank",
                           self.name)
            raw = self.client.create_vm(body)
            if actions or self.params["wait"]:
                raw = self.wait_for(raw["id"], "down", "VM %s to be created" % self.name)
        elif changes:
            raw = self.client.update_vm(raw["id"], vm_body({k: wanted for k, (dummy, wanted) in changes.items()}))
        return self.run_actions(raw, actions)

    def run_actions(self, raw, actions):
        for index, action in enumerate(actions):
            last = index == len(actions) - 1
            if action == "shutdown":
                raw = self.shut_down(raw, wait=self.params["wait"] or not last)
                continue
            self.send(raw, action)
            if self.params["wait"] or not last:
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
            if self.params["wait"]:
                self.wait(raw["id"], lambda vm: vm is None, "VM %s to be removed" % self.name)
        return dict(changed=True, vm={}, actions=actions + ["remove"], diff=make_diff(view(before), None))

    def send(self, raw, action):
        self.client.vm_action(raw["id"], action)
        self.sent.append(action)

    # -- waiting ----------------------------------------------------------------------------------------
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

    def wait(self, vm_id, done, what, failed=None, timeout=None):
        """Poll the VM until done(vm); all waits of a task share its `timeout` (a shorter `timeout` may be given)."""
        return self.deadline.wait_until(lambda: self.client.get_vm(vm_id), done, what, describe=describe,
                                        failed=failed, timeout=timeout)


def describe(vm):
    return "status %s" % vm.get("status") if vm else "no VM"


def run(module):
    desired_config(module.params)  # bad sizes fail before any request
    with RhevClient.from_params(module.params) as client:
        return VmTask(module, client).run()


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)],
               identity=("name", "cluster", "template"))


if __name__ == "__main__":
    main()
