import pytest

from tests.factories import ApiClientFactory


@pytest.fixture
def platform(life):
    """The group's email platform, which may record changes for 楽天生命保険."""
    return ApiClientFactory(companies=[life])


@pytest.fixture
def api(client, platform):
    def send(method, path, **kwargs):
        return getattr(client, method)(path, headers={"Authorization": f"Bearer {platform.token}"}, **kwargs)

    return send
