"""What a release promises agrees with what CI runs and what ships: supported versions, changelog, metadata.

Only the standard library and PyYAML, and paths from this file: runs under pytest and `ansible-test units`.
"""

import ast
import glob
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(*parts):
    with open(os.path.join(ROOT, *parts)) as handle:
        return handle.read()


def matrix():
    """[(core, python)] from tests/support-matrix.txt, floor first."""
    lines = [line.split() for line in read("tests", "support-matrix.txt").splitlines()]
    return [(line[0], line[1]) for line in lines if line and not line[0].startswith("#")]


def module_docs():
    docs = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py"))):
        tree = ast.parse(read(path))
        assigned = {node.targets[0].id: node.value.value for node in tree.body
                    if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                    and isinstance(node.value, ast.Constant)}
        docs[os.path.basename(path)[:-3]] = yaml.safe_load(assigned["DOCUMENTATION"])
    return docs


def fragment_doc(name):
    """The DOCUMENTATION (or NAME) of bigdata.platform.<fragment>[.NAME]."""
    fragment, dummy, variable = name.split(".", 2)[2].partition(".")
    tree = ast.parse(read("plugins", "doc_fragments", fragment + ".py"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == (variable or "DOCUMENTATION"):
            return yaml.safe_load(node.value.value)
    raise AssertionError("no fragment %s" % name)


def test_the_matrix_runs_from_the_floor_runtime_yml_requires_to_the_newest_line():
    cores = [core for core, dummy in matrix()]
    assert cores == sorted(cores, key=lambda core: tuple(int(part) for part in core.split(".")))
    runtime = yaml.safe_load(read("meta", "runtime.yml"))
    assert runtime["requires_ansible"] == ">=%s.0" % cores[0]


def test_readme_lists_exactly_the_tested_versions_and_the_modules_python():
    readme = read("README.md")
    table = re.findall(r"^\| (2\.\d+) \| (3\.\d+) \|$", readme, re.M)
    assert table == matrix()
    python_requires = yaml.safe_load(read("tests", "config.yml"))["modules"]["python_requires"]
    assert python_requires == ">=3.8" and "Python 3.8 or newer" in readme


def test_the_execution_environment_pins_the_newest_core_tested_on_its_python():
    environment = yaml.safe_load(read("execution-environment.yml"))
    interpreter = environment["dependencies"]["python_interpreter"]["python_path"]
    python = re.search(r"python(3\.\d+)$", interpreter).group(1)
    newest = [core for core, tested_on in matrix() if tested_on == python][-1]
    assert environment["dependencies"]["ansible_core"]["package_pip"] == "ansible-core~=%s.0" % newest


def test_version_added_is_a_release_that_lists_the_module_or_a_later_one():
    changelog = yaml.safe_load(read("changelogs", "changelog.yaml"))
    released = {version: {module["name"] for module in release.get("modules", [])}
                for version, release in changelog["releases"].items()}
    latest = max(released, key=lambda version: tuple(int(part) for part in version.split(".")))
    notes = read("CHANGELOG.rst")
    for name, doc in module_docs().items():
        added = str(doc["version_added"])
        if added in released:
            assert name in released[added], (name, added)
            assert "bigdata.platform.%s - " % name in notes, name
        else:
            assert tuple(map(int, added.split("."))) > tuple(map(int, latest.split("."))), (name, added)
    for version, modules in released.items():
        assert all(str(module_docs()[module]["version_added"]) == version for module in modules), version


def test_every_module_declares_its_requirements_itself_or_through_a_fragment():
    for name, doc in module_docs().items():
        requirements = list(doc.get("requirements") or [])
        for fragment in doc.get("extends_documentation_fragment") or []:
            if fragment.startswith("bigdata.platform."):
                requirements += fragment_doc(fragment).get("requirements") or []
        assert requirements, name
        expected = {"cm": "requests", "yarn": "requests", "rhev": "requests", "sahara": "keystoneauth1", "rados": "rados"}
        wanted = expected[name.split("_")[0]]
        assert any(wanted in requirement for requirement in requirements), (name, requirements)


def test_every_role_has_galaxy_metadata():
    for role in sorted(glob.glob(os.path.join(ROOT, "roles", "*", ""))):
        meta = yaml.safe_load(read(role, "meta", "main.yml"))
        info = meta["galaxy_info"]
        assert info["license"] == "GPL-3.0-or-later" and info["description"], role
        assert info["min_ansible_version"] == matrix()[0][0], role


def test_galaxy_yml_names_the_license_and_no_placeholder_address():
    galaxy = yaml.safe_load(read("galaxy.yml"))
    assert galaxy["license"] == ["GPL-3.0-or-later"]
    assert "GNU GENERAL PUBLIC LICENSE" in read("LICENSE") and "Version 3, 29 June 2007" in read("LICENSE")
    for key in ("repository", "documentation", "homepage", "issues"):
        value = galaxy.get(key)
        assert value is None or (value.startswith("https://") and ".invalid" not in value and "example" not in value)
