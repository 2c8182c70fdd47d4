from tests.commands import PRODUCTION, last_line, manage


def run_check(**env):
    return manage("check", **env)


def test_production_refuses_to_start_with_the_default_secret():
    result = run_check(DJANGO_ENV="production", ALLOWED_HOSTS="portal.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check(DJANGO_ENV="production", SECRET_KEY="x" * 64)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both_and_a_consent_chain_key():
    result = run_check(
        DJANGO_ENV="production", SECRET_KEY="k" * 64, ALLOWED_HOSTS="portal.example.com",
        CONSENT_CHAIN_KEY="2026:" + "c" * 40,
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_consent_chain_key():
    # Without it the consent events' hashes would be keyed with the development key, which is public.
    result = run_check(DJANGO_ENV="production", SECRET_KEY="k" * 64, ALLOWED_HOSTS="portal.example.com")
    assert result.returncode != 0
    assert "CONSENT_CHAIN_KEY" in result.stderr


def test_a_short_consent_chain_secret_is_refused():
    result = run_check(CONSENT_CHAIN_KEY="2026:short")
    assert result.returncode != 0
    assert "32 or more characters" in result.stderr


def test_production_refuses_a_cache_that_only_one_server_sees():
    # Sessions and rate limits in one process's memory would log customers out, and let an attacker
    # multiply the login limit, behind a load balancer.
    result = run_check(
        DJANGO_ENV="production", SECRET_KEY="k" * 64, ALLOWED_HOSTS="portal.example.com", CACHE_URL="locmemcache://",
        CONSENT_CHAIN_KEY="2026:" + "c" * 40,
    )
    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr


def test_a_key_prefix_in_the_cache_url_reaches_django():
    code = "from django.conf import settings; print(settings.CACHES['default']['KEY_PREFIX'])"
    result = manage("shell", "-c", code, CACHE_URL="redis://127.0.0.1:6379/1?key_prefix=portal-a")
    assert last_line(result) == "portal-a"


def test_production_settings_pass_the_deploy_checks_without_a_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
