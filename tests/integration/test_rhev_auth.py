"""rhev_auth: one login for a play's rhev_* tasks, the token as a no_log fact, revoked at the end."""

from integration.playbook import assert_clean_failure


def test_login_once_use_the_token_everywhere_and_revoke_it(start_simulator, ansible):
    sim = start_simulator("rhev", speed=50, sample_vms=True)
    url = sim.url + "/ovirt-engine/api"
    run = ansible.run_tasks([
        {"name": "log in", "bigdata.platform.rhev_auth": {"url": url, "username": "admin@internal",
                                                           "password": "secret"}, "no_log": True},
        {"bigdata.platform.rhev_vm_info": {"url": "{{ rhev_auth.url }}", "token": "{{ rhev_auth.token }}",
                                           "name": "hadoop-master"}},
        {"bigdata.platform.rhev_vm": {"url": "{{ rhev_auth.url }}", "token": "{{ rhev_auth.token }}",
                                      "name": "hadoop-master", "state": "running"}},
        {"name": "log out", "bigdata.platform.rhev_auth": {"url": url, "token": "{{ rhev_auth.token }}",
                                                            "state": "absent"}},
        {"name": "log out again", "bigdata.platform.rhev_auth": {"url": url, "token": "{{ rhev_auth.token }}",
                                                                  "state": "absent"}},
        {"name": "a revoked token", "bigdata.platform.rhev_auth": {"url": url, "token": "{{ rhev_auth.token }}"}},
    ], verbosity=3)
    login, info, noop, logout, again, revoked = run.results
    assert not login["failed"] and not login["changed"]
    assert info["vms"][0]["name"] == "hadoop-master" and not noop["changed"], (info, noop)
    assert not logout["failed"] and not again["failed"]
    assert_clean_failure(revoked, "option 'token'", "not accepted by the engine")
    assert sim.log.count("POST", path="/sso/oauth/token$") == 1 and sim.log.count("POST", path="sso-logout$") == 1
    assert sim.tokens == {} and len(sim.revoked) == 1
    assert sim.revoked[0] not in run.output and "secret" not in run.output  # the task with the token was no_log
    mutations = sim.log.mutating(path="^/ovirt-engine/api")
    assert mutations == []


def test_logout_needs_a_token(start_simulator, ansible):
    sim = start_simulator("rhev", speed=50)
    result = ansible.run_module("rhev_auth", {"url": sim.url + "/ovirt-engine/api", "state": "absent",
                                              "username": "admin@internal", "password": "secret"})
    assert_clean_failure(result, "option 'token'", "required to log out")
    assert sim.log.count() == 0
