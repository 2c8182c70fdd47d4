from tests.consents.conftest import customer, plain_staff, policyholder, support_staff  # noqa: F401
