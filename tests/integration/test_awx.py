"""What AWX / Automation Controller does with the collection, done here without AWX:

- ansible-builder turns execution-environment.yml into a build context (no container build);
- each custom credential type injects exactly the environment variables the modules fall back to,
  and a module authenticates from those variables alone;
- ansible-runner runs the demo playbook from a private data directory;
- an ad-hoc `ansible localhost -m bigdata.platform.<x>_info` command works.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from collection import COLLECTIONS_PATH, REPO_ROOT
from integration.test_playbooks import optional_ceph, start_demo_simulators

BIN = os.path.dirname(sys.executable)
CREDENTIAL_TYPES = os.path.join(REPO_ROOT, "extensions", "awx", "credential_types")
GALAXY = yaml.safe_load(open(os.path.join(REPO_ROOT, "galaxy.yml")))
# credential type file -> (module_utils client, module name prefixes): where the fallbacks are read.
SYSTEM_SOURCES = {
    "cloudera_manager": ("cloudera_manager", ("cm_",)),
    "yarn": ("yarn", ("yarn_",)),
    "rhev": ("rhev", ("rhev_",)),
    "ceph": ("ceph", ("rados_",)),
    "sahara": ("sahara", ("sahara_",)),
}
ENV_NAME = re.compile(r"""["']((?:CM|YARN|OVIRT|CEPH|OS)_[A-Z_]+)["']""")


def run(command, **kwargs):
    kwargs.setdefault("cwd", REPO_ROOT)
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=300, **kwargs)


# -- execution environment --------------------------------------------------------------------------
def test_ansible_builder_creates_a_context_with_the_collection_and_its_requirements(tmp_path):
    for name in ("execution-environment.yml", "requirements.txt", "bindep.txt"):
        shutil.copy(os.path.join(REPO_ROOT, name), tmp_path / name)
    built = run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path",
                 str(tmp_path / ".build" / "ee"), REPO_ROOT])
    assert built.returncode == 0, built.stdout + built.stderr
    context = tmp_path / "context"
    created = run([os.path.join(BIN, "ansible-builder"), "create", "-f", str(tmp_path / "execution-environment.yml"),
                   "-c", str(context), "--output-filename", "Containerfile"], cwd=str(tmp_path))
    assert created.returncode == 0, created.stdout + created.stderr
    assert "No matches" not in created.stdout + created.stderr

    build = context / "_build"
    assert requirement_lines(build / "requirements.txt") == requirement_lines(os.path.join(REPO_ROOT, "requirements.txt"))
    assert "python3-rados [platform:rpm]" in requirement_lines(build / "bindep.txt")
    tarball = "bigdata-platform-%s.tar.gz" % GALAXY["version"]
    assert (build / "collections" / tarball).is_file()
    galaxy_requirements = yaml.safe_load((build / "requirements.yml").read_text())
    assert galaxy_requirements["collections"] == [{"name": "collections/" + tarball, "type": "file"}]

    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile
    # Ceph: the distro builds python3-rados for its own python3 only, so the EE's Python is that python3 (Fedora's
    # repositories carry the binding), and the build fails unless that Python imports it.
    assert 'EE_BASE_IMAGE="quay.io/fedora/fedora:42"' in containerfile
    assert 'PYCMD="/usr/bin/python3"' in containerfile and 'PYPKG="python3"' in containerfile
    assert "RUN $PYCMD -c 'import rados" in containerfile
    assert containerfile.index("install-from-bindep") < containerfile.index("import rados")
    assert "ansible-core>=2.16" in containerfile and "ansible-runner" in containerfile


def requirement_lines(path):
    with open(path) as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


# -- credential types -------------------------------------------------------------------------------
def load_credential_type(system):
    with open(os.path.join(CREDENTIAL_TYPES, system + ".yml")) as handle:
        return yaml.safe_load(handle)


def module_fallbacks(system):
    """Every CM_/YARN_/OVIRT_/CEPH_/OS_ name quoted in the system's client and modules."""
    client, prefixes = SYSTEM_SOURCES[system]
    paths = [os.path.join(REPO_ROOT, "plugins", "module_utils", client + ".py")]
    paths += glob.glob(os.path.join(REPO_ROOT, "plugins", "module_utils", client, "*.py"))  # a client made a package
    paths += [path for path in glob.glob(os.path.join(REPO_ROOT, "plugins", "modules", "*.py"))
              if os.path.basename(path).startswith(prefixes)]
    names = set()
    for path in paths:
        if os.path.exists(path):
            with open(path) as handle:
                names.update(ENV_NAME.findall(handle.read()))
    if system == "sahara" and names:
        # openstack.config reads OS_<KEY> for every key of the auth option (the module's spec).
        from ansible_collections.bigdata.platform.plugins.module_utils.sahara.connection import AUTH_OPTIONS

        names.update("OS_" + key.upper() for key in AUTH_OPTIONS)
    return names


def test_there_is_one_credential_type_per_system():
    files = sorted(os.path.splitext(name)[0] for name in os.listdir(CREDENTIAL_TYPES))
    assert files == sorted(SYSTEM_SOURCES)


@pytest.mark.parametrize("system", sorted(SYSTEM_SOURCES))
def test_credential_type_is_well_formed(system):
    definition = load_credential_type(system)
    assert definition["kind"] == "cloud" and definition["name"]
    fields = {field["id"]: field for field in definition["inputs"]["fields"]}
    assert len(fields) == len(definition["inputs"]["fields"]), "duplicate field ids"
    assert set(definition["inputs"]["required"]) <= set(fields)
    for field_id, field in fields.items():
        if re.search("password|token|secret|keyring", field_id):
            assert field.get("secret") is True, "%s.%s must be secret" % (system, field_id)
    templates = list(definition["injectors"]["env"].values()) + list(definition["injectors"].get("file", {}).values())
    used = set()
    for template in templates:
        used.update(re.findall(r"{{\s*(\w+)", template))
    assert used - {"tower"} <= set(fields), "injectors use undefined fields"
    for name in definition["injectors"].get("file", {}):
        assert name.startswith("template."), name


@pytest.mark.parametrize("system", sorted(SYSTEM_SOURCES))
def test_injected_variables_are_exactly_ones_the_modules_read(system):
    fallbacks = module_fallbacks(system)
    if not fallbacks:
        pytest.skip("the %s modules have not landed in this checkout" % system)
    injected = set(load_credential_type(system)["injectors"]["env"])
    assert injected <= fallbacks, "injected but never read: %s" % sorted(injected - fallbacks)


def inject(system, inputs, directory):
    """Render a credential type's injectors like AWX does: files first, then env with their paths."""
    definition = load_credential_type(system)
    environment = ImmutableSandboxedEnvironment()
    for field in definition["inputs"]["fields"]:
        if "default" in field:
            inputs.setdefault(field["id"], field["default"])
    filenames = {}
    for name, template in definition["injectors"].get("file", {}).items():
        key = name.split(".", 1)[1]
        path = os.path.join(str(directory), "awx-%s-%s" % (system, key))
        with open(path, "w") as handle:
            handle.write(environment.from_string(template).render(**inputs))
        filenames[key] = path
    namespace = dict(inputs, tower={"filename": filenames})
    return {name: environment.from_string(template).render(**namespace)
            for name, template in definition["injectors"]["env"].items()}


# -- a module authenticates from the injected variables alone ---------------------------------------
def ca_bundle():
    import certifi

    with open(certifi.where()) as handle:
        return handle.read()


def credential_cases(start_simulator, request):
    """system -> (credential inputs, _info module, its args without any connection option, simulator)."""
    cm = start_simulator("cm", speed=50)
    yarn = start_simulator("yarn", speed=50)
    rhev = start_simulator("rhev", speed=50, sample_vms=True)
    sahara = start_simulator("sahara", speed=50)
    cases = {
        "cloudera_manager": ({"host": "127.0.0.1", "port": str(cm.port), "username": "admin", "password": "admin"},
                             "cm_parcel_info", {"cluster": "Cluster 1"}, cm),
        "yarn": ({"rm_urls": yarn.url, "user": "hadoop"}, "yarn_app_info", {"name": "nightly-etl"}, yarn),
        "rhev": ({"url": rhev.url + "/ovirt-engine/api", "username": "admin@internal", "password": "secret",
                  "ca_cert": ca_bundle()}, "rhev_vm_info", {"name": "hadoop-master"}, rhev),
        "sahara": ({"auth_url": sahara.url + "/v3", "username": "demo", "password": "secret", "project_name": "demo"},
                   "sahara_cluster_info", {}, sahara),
    }
    ceph = optional_ceph(request)
    if ceph is not None:
        with open(ceph.conf_file) as conf, open(ceph.keyring) as keyring:
            cases["ceph"] = ({"ceph_conf": conf.read(), "keyring": keyring.read(), "client_name": ceph.client_name},
                             "rados_pool_info", {}, None)
    return cases


@pytest.mark.xdist_group("ceph")
def test_each_module_authenticates_from_the_injected_environment_alone(ansible, start_simulator, request, tmp_path):
    cases = credential_cases(start_simulator, request)
    for system, (inputs, module, args, simulator) in cases.items():
        environment = inject(system, dict(inputs), tmp_path)
        assert set(environment) == set(load_credential_type(system)["injectors"]["env"])
        result = ansible.run_module(module, args, env=environment)
        assert not result.get("failed"), (system, result)
        if simulator is not None:
            assert simulator.log.count() > 0


def test_a_wrong_injected_password_fails_clearly_without_showing_it(ansible, start_simulator, tmp_path):
    cm = start_simulator("cm", speed=50)
    environment = inject("cloudera_manager", {"host": "127.0.0.1", "port": str(cm.port), "username": "admin",
                                              "password": "not-the-password"}, tmp_path)
    run = ansible.run_tasks([{"bigdata.platform.cm_parcel_info": {"cluster": "Cluster 1"}}], env=environment, verbosity=3)
    result = run.results[0]
    assert result.get("failed") and "401" in result["msg"], result
    assert "not-the-password" not in run.output


# -- ad-hoc and ansible-runner ----------------------------------------------------------------------
def test_ad_hoc_info_module_from_the_command_line(ansible, start_simulator):
    yarn = start_simulator("yarn", speed=50)
    command = [os.path.join(BIN, "ansible"), "localhost", "-i", ansible.inventory, "-m", "bigdata.platform.yarn_app_info",
               "-a", "rm_urls=%s user=hadoop name=nightly-etl" % yarn.url]
    completed = run(command, env=ansible.environment())
    assert completed.returncode == 0, completed.stdout + completed.stderr
    head, payload = completed.stdout.split("=>", 1)
    assert head.strip() == "localhost | SUCCESS"
    result = json.loads(payload)
    assert result["changed"] is False
    assert [(app["name"], app["state"]) for app in result["apps"]] == [("nightly-etl", "RUNNING")]


def test_ansible_runner_runs_the_demo_playbook_from_a_private_data_directory(ansible, start_simulator, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    sims = start_demo_simulators(start_simulator, state)
    data = tmp_path / "runner"
    shutil.copytree(os.path.join(REPO_ROOT, "playbooks"), data / "project", ignore=shutil.ignore_patterns("inventory"))
    shutil.copytree(os.path.join(REPO_ROOT, "playbooks", "inventory", "demo"), data / "inventory")
    (data / "env").mkdir()
    (data / "env" / "envvars").write_text(yaml.safe_dump({
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_PATH, "DEMO_STATE_DIR": str(state), "ANSIBLE_NOCOLOR": "1"}))

    completed = run([os.path.join(BIN, "ansible-runner"), "run", str(data), "-p", "site.yml", "--limit", "platform_a",
                     "--ident", "demo"], env=ansible.environment())
    artifacts = data / "artifacts" / "demo"
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr
    assert (artifacts / "status").read_text() == "successful"
    assert (artifacts / "rc").read_text() == "0"
    events = [json.loads((artifacts / "job_events" / name).read_text())
              for name in sorted(os.listdir(artifacts / "job_events"))]
    stats = [event["event_data"] for event in events if event["event"] == "playbook_on_stats"]
    assert len(stats) == 1
    assert stats[0]["changed"].get("platform_a", 0) > 0 and not stats[0]["failures"] and "platform_b" not in stats[0]["ok"]
    assert sims["rhev"].control_vm_by_name("demo-a-master")["status"] == "up"
    assert sims["rhev"].control_vm_by_name("demo-b-master") is None


def test_rhev_credential_with_a_token_only(ansible, start_simulator, tmp_path):
    rhev = start_simulator("rhev", speed=50, sample_vms=True)
    form = urllib.parse.urlencode({"grant_type": "password", "scope": "ovirt-app-api", "username": "admin@internal",
                                   "password": "secret"}).encode()
    with urllib.request.urlopen(rhev.url + "/ovirt-engine/sso/oauth/token", data=form, timeout=10) as response:
        token = json.loads(response.read())["access_token"]
    rhev.log.clear()
    environment = inject("rhev", {"url": rhev.url + "/ovirt-engine/api", "token": token, "ca_cert": ca_bundle()}, tmp_path)
    assert environment["OVIRT_USERNAME"] == environment["OVIRT_PASSWORD"] == ""
    result = ansible.run_module("rhev_vm_info", {"name": "hadoop-master"}, env=environment)
    assert not result.get("failed"), result
    assert [vm["name"] for vm in result["vms"]] == ["hadoop-master"]
    assert rhev.log.count(path="sso") == 0  # the given token was used (and not revoked), no new one
