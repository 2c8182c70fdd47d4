import pytest

from customers.models import Policy
from notices.models import Company
from tests.factories import PolicyholderFactory


@pytest.fixture
def hanako(demo_content):
    """The customer of the browser journeys: 楽天 花子, with a life policy at 楽天生命."""
    policyholder = PolicyholderFactory(name="楽天 花子", email="hanako@example.com")
    Policy.objects.create(
        policyholder=policyholder, company=Company.objects.get(short_name="楽天生命"),
        policy_number="L-0001", product="終身医療保険",
    )
    return policyholder
