import pytest

from tests.factories import ApiClientFactory


@pytest.fixture
def platform(life):
    """The group's email platform, which may record changes for 楽天生命保険."""
    return ApiClientFactory(companies=[life])


@pytest.fixture
def api(client, platform):
    def send(method, path, **kwargs):
        headers = {"Authorization": f"Bearer {platform.token}", **kwargs.pop("headers", {})}
        return getattr(client, method)(path, headers=headers, **kwargs)

    return send
