"""Sahara client logic that needs no server: auth choices, error messages, normalisers, request bodies."""

import os
import subprocess
import sys

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, NotFound, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.sahara import client, connection, resources
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.modules.sahara_cluster import wanted_counts


def params(**overrides):
    base = {"cloud": None, "auth": None, "auth_type": None, "region_name": None, "interface": "public",
            "validate_certs": True, "ca_cert": None, "request_timeout": 30, "api_version": "2"}
    base.update(overrides)
    return base


@pytest.mark.parametrize("auth, expected", [
    ({"username": "u", "password": "p"}, None),
    ({"application_credential_id": "a", "application_credential_secret": "s"}, "v3applicationcredential"),
    ({"token": "t"}, "v3token"),
    ({"token": "t", "password": "p"}, None),
])
def test_auth_type_follows_the_auth_keys_given(auth, expected):
    assert connection.auth_type_for(params(auth=auth)) == expected
    assert connection.auth_type_for(params(auth=auth, auth_type="v3oidcpassword")) == "v3oidcpassword"


def test_without_cloud_or_auth_the_os_variables_choose_the_auth_type():
    assert connection.auth_type_for(params(), {"OS_APPLICATION_CREDENTIAL_ID": "a"}) == "v3applicationcredential"
    assert connection.auth_type_for(params(), {"OS_TOKEN": "t"}) == "v3token"
    assert connection.auth_type_for(params(), {"OS_TOKEN": "t", "OS_PASSWORD": "p"}) is None
    assert connection.auth_type_for(params(cloud="mine"), {"OS_TOKEN": "t"}) is None


def test_connection_kwargs_pass_only_what_the_task_sets():
    task = params(auth={"auth_url": "https://k/v3", "username": "u", "password": None},
                  region_name="RegionTwo", ca_cert="/ca.pem", validate_certs=True)
    kwargs = connection.cloud_kwargs(task)
    assert kwargs == {"interface": "public", "verify": True, "api_timeout": 30, "cacert": "/ca.pem",
                      "region_name": "RegionTwo", "auth": {"auth_url": "https://k/v3", "username": "u"}}
    assert "auth" not in connection.cloud_kwargs(params()) and "region_name" not in connection.cloud_kwargs(params())


class FakeResponse:
    reason = "Bad Request"


def test_error_messages_are_sahara_and_keystone_own_without_the_error_id():
    body = {"error_code": 400, "error_name": "NAME_ALREADY_EXISTS",
            "error_message": "Cluster with name 'a' already exists\nError ID: 1234"}
    assert client.sahara_error_message(FakeResponse(), body) == "NAME_ALREADY_EXISTS: Cluster with name 'a' already exists"
    keystone = {"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}
    assert client.sahara_error_message(FakeResponse(), keystone) == "The request you have made requires authentication."
    assert client.sahara_error_message(FakeResponse(), None) == "Bad Request"


def test_v11_and_v2_clusters_normalise_to_the_same_shape():
    v11 = {"id": "c", "name": "a", "plugin_name": "vanilla", "hadoop_version": "2.7.1", "tenant_id": "p", "status": "Active",
           "user_keypair_id": "ops", "node_groups": [{"name": "worker", "count": 2, "instances": [{"instance_name": "a-w-0"}]}],
           "provision_progress": [{"step_name": "Spawning", "successful": None, "total": 2, "tenant_id": "p"}]}
    v2 = dict(v11, plugin_version=v11["hadoop_version"], project_id="p")
    del v2["hadoop_version"], v2["tenant_id"]
    assert resources.normalize_cluster(v11) == resources.normalize_cluster(v2)
    cluster = resources.normalize_cluster(v11)
    assert cluster["plugin_version"] == "2.7.1" and cluster["project_id"] == "p" and cluster["keypair"] == "ops"
    assert cluster["node_groups"] == {"worker": 2}
    assert cluster["node_group_details"][0]["instances"] == [
        {"instance_name": "a-w-0", "instance_id": None, "management_ip": None, "internal_ip": None}]
    assert resources.describe_cluster(cluster) == "Active, step 1 in progress: Spawning"
    done = {"step_name": "Validating", "successful": True, "total": 2}
    assert resources.describe_cluster(dict(cluster, status="Spawning", provision_progress=[done] + cluster[
        "provision_progress"])) == "Spawning, step 2 in progress: Spawning"
    assert resources.describe_cluster(dict(cluster, status="Error", status_description="boom", provision_progress=[])) == \
        "Error (boom)"
    assert resources.describe_cluster(None) == "gone" and resources.normalize_cluster(None) is None


def test_template_normalisers_sort_what_has_no_order():
    template = resources.normalize_cluster_template({"name": "t", "anti_affinity": ["b", "a"], "node_groups": [
        {"name": "w", "count": 3, "node_group_template_id": "2", "flavor_id": "x"},
        {"name": "m", "count": 1, "node_group_template_id": "1"}]})
    assert template["node_groups"] == [{"name": "m", "node_group_template_id": "1", "count": 1},
                                       {"name": "w", "node_group_template_id": "2", "count": 3}]
    assert template["anti_affinity"] == ["a", "b"]
    assert resources.normalize_node_group_template({"name": "n", "node_processes": ["z", "a"]})["node_processes"] == ["a", "z"]


@pytest.mark.parametrize("version, field", [("2", "plugin_version"), ("1.1", "hadoop_version")])
def test_request_bodies_name_the_plugin_version_as_the_api_does(version, field):
    sahara = client.SaharaClient(params(api_version=version))
    assert resources.api_body(sahara, {"plugin_version": "2.7.1", "flavor_id": "3"}, {"plugin": "vanilla"}) == {
        "flavor_id": "3", "plugin_name": "vanilla", field: "2.7.1"}
    assert resources.api_body(sahara, {"description": "x", "image_id": None}) == {"description": "x"}
    assert sahara.request_count == 0, "no request before the first call"


def test_node_group_counts_must_be_counts():
    assert wanted_counts({"node_groups": {"worker": "5", "master": 1}}) == {"worker": 5, "master": 1}
    assert wanted_counts({"node_groups": None}) == {}
    for bad in (-1, "many", True):
        with pytest.raises(OptionError) as error:
            wanted_counts({"node_groups": {"worker": bad}})
        assert "node_groups" in str(error.value) and repr(bad) in str(error.value)


def test_missing_or_unreachable_keystone_gives_a_clear_error(monkeypatch, tmp_path):
    for name in [name for name in os.environ if name.startswith("OS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(tmp_path / "none.yaml"))
    monkeypatch.chdir(tmp_path)
    full = params(service_type="data-processing", sahara_url=None)
    with pytest.raises(PlatformError) as missing:
        client.SaharaClient(full).connect()
    assert "incomplete OpenStack credentials" in str(missing.value) and "auth_url" in str(missing.value)
    auth = {"auth_url": "http://127.0.0.1:9/v3", "username": "u", "password": "p", "project_name": "demo",
            "user_domain_name": "Default", "project_domain_name": "Default"}
    with pytest.raises(PlatformError) as unreachable:
        client.SaharaClient(dict(full, auth=auth)).connect()
    assert str(unreachable.value).startswith("cannot reach Keystone at http://127.0.0.1:9/v3")


def test_usual_auth_types_load_without_the_plugin_scan(monkeypatch):
    from keystoneauth1 import loading
    from keystoneauth1.identity import generic, v3

    def no_scan(name):
        raise AssertionError("stevedore scan for %s" % name)
    monkeypatch.setattr(loading, "get_plugin_loader", no_scan)
    auth = {"auth_url": "https://k/v3", "username": "u", "password": "p", "project_name": "demo"}
    assert isinstance(connection.auth_plugin(params(auth=auth)), v3.Password), "a versioned auth_url needs no discovery"
    assert isinstance(connection.auth_plugin(params(auth=dict(auth, auth_url="https://k:5000"))), generic.Password)
    app = {"auth_url": "https://k/v3", "application_credential_id": "a", "application_credential_secret": "s"}
    assert isinstance(connection.auth_plugin(params(auth=app)), v3.ApplicationCredential)
    assert isinstance(connection.auth_plugin(params(auth={"auth_url": "https://k/v3", "token": "t"})), v3.Token)
    with pytest.raises(OptionError) as no_password:
        connection.auth_plugin(params(auth={"auth_url": "https://k/v3", "username": "u"}))
    assert "auth.password" in str(no_password.value)
    with pytest.raises(OptionError) as unfit:
        connection.auth_plugin(params(auth=dict(app, password="p")))
    assert str(unfit.value).startswith("option 'auth.password': '********' does not fit auth_type v3applicationcredential")
    with pytest.raises(OptionError) as token:
        connection.auth_plugin(params(auth_type="password", auth=dict(auth, token="t", user_id="u1")))
    assert str(token.value).startswith("option 'auth.token': '********' does not fit auth_type password"), \
        "a secret is masked, the option is named"


class FakeHttp:
    def __init__(self, answer):
        self.answer, self.asked = answer, []

    def get_json(self, url, expected=None):
        self.asked.append(url)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


VERSIONS = {"versions": [{"id": "v1.1", "status": "SUPPORTED", "links": [{"rel": "self", "href": "http://s:8386/v1.1/"}]},
                         {"id": "v2", "status": "CURRENT", "links": [{"rel": "self", "href": "http://s:8386/v2/"}]}]}


def test_the_endpoint_is_of_the_api_version_asked_for_or_nothing():
    assert connection.version_of("http://s:8386/v1.1/p") == "1.1" and connection.version_of("http://s/v2.0") == "2"
    assert connection.version_of("http://s:8386/") is None and connection.sahara_root("http://s:8386/v1.1/p") == "http://s:8386/"
    same = FakeHttp(None)
    assert connection.versioned_endpoint(same, "http://s:8386/v2", "2", "p") == "http://s:8386/v2" and same.asked == []
    found = FakeHttp(VERSIONS)
    assert connection.versioned_endpoint(found, "http://s:8386/v1.1/p", "2", "p") == "http://s:8386/v2"
    assert found.asked == ["http://s:8386/"]
    assert connection.versioned_endpoint(FakeHttp(VERSIONS), "http://s:8386/v2", "1.1", "p") == "http://s:8386/v1.1/p"
    with pytest.raises(PlatformError) as down:
        connection.versioned_endpoint(FakeHttp(ApiError(503, "Service Unavailable", url="u", method="GET")),
                                      "http://s:8386/v1.1/p", "2", "p")
    assert "not falling back to the catalog's API 1.1 endpoint" in str(down.value)
    with pytest.raises(PlatformError) as missing:
        connection.versioned_endpoint(FakeHttp({"versions": VERSIONS["versions"][:1]}), "http://s:8386/v1.1/p", "2", "p")
    assert "offers API versions v1.1, not 2" in str(missing.value)


def test_the_endpoint_where_sahara_mounts_the_version_needs_no_request():
    assert connection.mounted_endpoint("http://s:8386/v1.1/p", "2", "p") == "http://s:8386/v2"
    assert connection.mounted_endpoint("http://s:8386/v2", "2", "p") == "http://s:8386/v2"
    assert connection.mounted_endpoint("http://s:8386/", "1.1", "p") == "http://s:8386/v1.1/p"
    assert connection.mounted_endpoint("http://s:8386/v2/", "1.1", "p") == "http://s:8386/v1.1/p"


class FakeSahara:
    """A v2 that is not where it is mounted by default (its version document says where), or is not there at all."""

    def __init__(self, versions):
        self.base_url, self.versions, self.asked = "http://s:8386/v2", versions, []

    def get_json(self, path, params=None, expected=None):
        url = path if path.startswith("http") else self.base_url + "/" + path
        self.asked.append(url)
        if url == "http://s:8386/":
            return self.versions
        if url.startswith("http://s:8386/v2/"):
            raise NotFound(404, "The requested URL was not found on the server.", url=url, method="GET")
        return {"clusters": [{"id": "c", "name": "a"}]}


def test_a_404_on_the_first_read_asks_the_version_document_once_and_never_falls_back():
    moved = {"versions": [dict(VERSIONS["versions"][1], links=[{"rel": "self", "href": "http://s:8386/dp/v2/"}])]}
    sahara = client.SaharaClient(params())
    sahara._http, sahara._unconfirmed = FakeSahara(moved), ("http://s:8386/v1.1/p", "p")
    assert sahara.list("cluster") == [{"id": "c", "name": "a"}]
    assert sahara._http.asked == ["http://s:8386/v2/clusters", "http://s:8386/", "http://s:8386/dp/v2/clusters"]
    with pytest.raises(NotFound):
        sahara._http.base_url = "http://s:8386/v2"
        sahara.list("cluster")  # confirmed once: a later 404 is the server's answer, not a question of versions
    sahara = client.SaharaClient(params())
    sahara._http, sahara._unconfirmed = FakeSahara({"versions": VERSIONS["versions"][:1]}), ("http://s:8386/v1.1/p", "p")
    with pytest.raises(PlatformError) as missing:
        sahara.list_images()
    assert "offers API versions v1.1, not 2" in str(missing.value)
    assert not [url for url in sahara._http.asked if "/v1.1/" in url], "no request to another API version"


def test_url_credentials_are_redacted():
    assert connection.redact_url("https://admin:pw@sahara:8386/v2") == "https://***@sahara:8386/v2"
    assert connection.redact_url("https://sahara:8386/v2") == "https://sahara:8386/v2"


def in_a_fresh_interpreter(code):
    """(what `code` prints, what it wrote to stderr), run by a new Python with this one's import path (so
    sys.modules starts empty)."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    return out.stdout.strip(), out.stderr


def test_modules_do_not_import_openstacksdk_nor_scan_plugins_without_cloud():
    """In a fresh interpreter: importing the modules and building a password plugin imports no openstacksdk and
    enumerates no stevedore entry points (keystoneauth imports the stevedore module, scanning is what costs)."""
    code = ("import sys, stevedore.extension as ext; scans = []; init = ext.ExtensionManager.__init__; "
            "ext.ExtensionManager.__init__ = lambda self, *a, **k: scans.append(a) or init(self, *a, **k); "
            "from ansible_collections.bigdata.platform.plugins.modules import sahara_cluster, sahara_image; "
            "from ansible_collections.bigdata.platform.plugins.module_utils.sahara import connection; "
            "connection.auth_plugin({'auth_type': None, 'cloud': None, 'auth': {'auth_url': 'https://k/v3', "
            "'username': 'u', 'password': 'p'}}); "
            "print('openstack' in sys.modules, scans)")
    printed, errors = in_a_fresh_interpreter(code)
    assert printed == "False []", printed + errors


def test_a_token_given_as_is_needs_no_keystoneauth_import():
    """In a fresh interpreter: a module's imports and a token-only connection load no keystoneauth1 (~0.1 s)."""
    code = ("import sys; "
            "from ansible_collections.bigdata.platform.plugins.modules import sahara_cluster, sahara_cluster_info; "
            "from ansible_collections.bigdata.platform.plugins.module_utils.sahara import client; "
            "sahara = client.SaharaClient({'auth_type': 'token', 'auth': {'token': 't'}, 'sahara_url': 'http://s/v2', "
            "'cloud': None, 'region_name': None, 'api_version': '2', 'validate_certs': True, 'ca_cert': None, "
            "'request_timeout': 30}); "
            "print(sahara.connection.open().token(), sorted(m for m in sys.modules if m.startswith('keystoneauth1')))")
    printed, errors = in_a_fresh_interpreter(code)
    assert printed == "t []", printed + errors


class FakeModule:
    def __init__(self, **given):
        self.params = dict(dict(sahara_url=None, auth=None, service_type="data-processing"), **given)
        self.no_log_values = set()


@pytest.mark.parametrize("option,given,value", [
    ("sahara_url", dict(sahara_url="."), "."),
    ("sahara_url", dict(sahara_url="sahara:8386/v2"), "sahara:8386/v2"),
    ("sahara_url", dict(sahara_url="ftp://sahara/v2"), "ftp://sahara/v2"),
    ("sahara_url", dict(sahara_url="http://sahara:99999/v2"), "http://sahara:99999/v2"),
    ("auth.auth_url", dict(auth={"auth_url": ".."}), ".."),
    ("auth.auth_url", dict(auth={"auth_url": "{'a': 1}"}), "{'a': 1}"),
    ("auth.auth_url", dict(auth={"auth_url": "https:///v3"}), "https:///v3"),
])
def test_a_url_that_is_not_http_with_a_host_is_refused_naming_the_option(option, given, value):
    """Before: sahara_auth returned sahara_url '.' as the endpoint, and auth_url '.' failed as 'Could not find requested
    endpoint in Service Catalog' (the bad-input sweep of sahara_auth)."""
    with pytest.raises(OptionError) as error:
        connection.guard_urls(FakeModule(**given))
    assert str(error.value).startswith("option '%s': %r is not an http:// or https:// URL with a host" % (option, value))


def test_http_urls_with_a_host_pass_and_an_empty_service_type_is_refused():
    connection.guard_urls(FakeModule(sahara_url="https://sahara.example.com:8386/v2",
                                     auth={"auth_url": "http://[::1]:5000/v3"}))
    connection.guard_urls(FakeModule(sahara_url="", auth={"auth_url": None}))
    with pytest.raises(OptionError) as error:
        connection.guard_urls(FakeModule(service_type=" "))
    assert str(error.value).startswith("option 'service_type': ' ' is empty")


def test_a_token_without_catalog_names_the_project_options():
    """Before: 'cannot find the data-processing endpoint in the service catalog: The service catalog is empty.'"""
    from keystoneauth1 import exceptions as ks_exceptions

    class Unscoped:
        def get_endpoint(self, **kwargs):
            raise ks_exceptions.EmptyCatalog("The service catalog is empty.")
    opened = connection.Connection(params(auth={"auth_url": "https://k/v3", "project_name": ""}, region_name=None,
                                          validate_certs=True, interface="public"))
    opened.session = Unscoped()
    with pytest.raises(PlatformError) as error:
        opened.catalog_url("data-processing")
    assert "scoped to no project (auth.project_name '', auth.project_id None)" in str(error.value)


def test_a_tag_glance_cannot_keep_is_refused_before_sending():
    """Before: a 10 000-character tag was sent (the bad-input sweep of sahara_image); Glance keeps property names of
    255 characters at most, and a tag is the property _sahara_tag_<tag>."""
    from ansible_collections.bigdata.platform.plugins.modules import sahara_image

    sahara_image.check_tags(["vanilla", "x" * 243])
    with pytest.raises(OptionError) as error:
        sahara_image.check_tags(["vanilla", "x" * 244])
    assert str(error.value).startswith("option 'tags': '%s' is longer than 243 characters" % ("x" * 244))


class PluginsClient:
    def __init__(self):
        self.plugins = [{"name": "vanilla", "versions": ["2.7.1"]}, {"name": "spark", "versions": ["2.3"]}]

    def connect(self):
        return self

    def get_json(self, path):
        assert path == "plugins"
        return {"plugins": self.plugins}


@pytest.mark.parametrize("plugin,version,words", [
    ("nosuch", "1", "option 'plugin': 'nosuch' is not a plugin of this Sahara (it has spark, vanilla)"),
    ("vanilla", "0", "option 'plugin_version': '0' is not a version of plugin vanilla (it has 2.7.1)"),
])
def test_a_plugin_or_version_sahara_lacks_is_refused_before_the_template_is_sent(plugin, version, words):
    """Before: the template was POSTed (PATCHed on update) and Sahara refused it with 400 (the bad-input sweep)."""
    with pytest.raises(OptionError) as error:
        client.SaharaClient.check_plugin(PluginsClient(), plugin, version)
    assert str(error.value) == words
    client.SaharaClient.check_plugin(PluginsClient(), "spark", "2.3")


@pytest.mark.parametrize("given,words", [
    (dict(neutron_management_network="private"), "option 'neutron_management_network': 'private' is not a Neutron network id"),
    (dict(node_groups=[{"name": "worker", "count": -1}]), "option 'node_groups.count': -1 of node group 'worker' must be 0"),
])
def test_a_cluster_template_refuses_what_sahara_schema_does(given, words):
    """Before: sent, and Sahara refused it with 400 (the bad-input sweep of sahara_cluster_template)."""
    from ansible_collections.bigdata.platform.plugins.modules import sahara_cluster_template

    options = dict(dict(neutron_management_network=None, node_groups=None), **given)
    with pytest.raises(OptionError) as error:
        sahara_cluster_template.check_options(options)
    assert str(error.value).startswith(words)
    sahara_cluster_template.check_options(dict(neutron_management_network="5b0c1e6e-8d3f-4c55-9a51-0b8e2f3c7d10",
                                               node_groups=[{"name": "worker", "count": 0}]))


def test_a_node_group_template_needs_a_process():
    """Before: node_processes [] was sent, and Sahara refused it ('[] is too short')."""
    from ansible_collections.bigdata.platform.plugins.modules import sahara_node_group_template

    with pytest.raises(OptionError) as error:
        sahara_node_group_template.check_processes({"node_processes": []})
    assert str(error.value).startswith("option 'node_processes': [] must name at least one process")
    sahara_node_group_template.check_processes({"node_processes": None})
