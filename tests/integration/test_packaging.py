"""The collection builds into a tarball that installs, and every module's docs render from the install."""

import glob
import os
import subprocess
import sys

import pytest

from collection import REPO_ROOT

BIN = os.path.dirname(sys.executable)
MODULES = sorted(os.path.splitext(os.path.basename(p))[0]
                 for p in glob.glob(os.path.join(REPO_ROOT, "plugins", "modules", "*.py")))


def run(*command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, cwd=REPO_ROOT, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("galaxy")
    run(os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(work), ".")
    tarballs = glob.glob(str(work / "bigdata-platform-*.tar.gz"))
    assert [os.path.basename(t) for t in tarballs] == ["bigdata-platform-0.1.0.tar.gz"]
    target = work / "collections"
    run(os.path.join(BIN, "ansible-galaxy"), "collection", "install", "-p", str(target), tarballs[0])
    return target


def test_install_contains_the_collection_without_build_leftovers(installed):
    root = installed / "ansible_collections" / "bigdata" / "platform"
    assert (root / "MANIFEST.json").exists()
    assert (root / "meta" / "runtime.yml").exists()
    assert (root / "plugins" / "module_utils" / "http.py").exists()
    assert not (root / ".venv").exists() and not (root / ".build").exists()


def test_the_tarball_ships_the_license_and_the_changelog(installed):
    import tarfile

    with tarfile.open(str(installed.parent / "bigdata-platform-0.1.0.tar.gz")) as tarball:
        names = set(tarball.getnames())
    assert {"LICENSE", "CHANGELOG.rst", "changelogs/changelog.yaml", "meta/runtime.yml"} <= names
    assert not any(name.startswith(("scripts/", ".build/", "changelogs/.plugin-cache")) for name in names)


def test_installed_collection_is_listed_by_ansible_galaxy(installed):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed))
    listing = run(os.path.join(BIN, "ansible-galaxy"), "collection", "list", "bigdata.platform", env=env).stdout
    assert "bigdata.platform" in listing and "0.1.0" in listing


@pytest.mark.skipif(not MODULES, reason="no modules yet")
def test_every_module_documents_itself_from_the_installed_collection(installed):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed))
    for module in MODULES:
        output = run(os.path.join(BIN, "ansible-doc"), "bigdata.platform." + module, env=env).stdout
        assert "EXAMPLES:" in output and "RETURN VALUES:" in output, module


def test_action_groups_name_every_module_exactly_once():
    import yaml

    with open(os.path.join(REPO_ROOT, "meta", "runtime.yml")) as handle:
        groups = yaml.safe_load(handle)["action_groups"]
    assert set(groups) == {"cloudera_manager", "sahara", "yarn", "rhev", "ceph"}
    grouped = [module for members in groups.values() for module in members]
    assert sorted(grouped) == MODULES
