"""A few hundred requests at once, spread over two servers: the login and unsubscribe limits hold
exactly, because the counters live in the shared Redis and are incremented atomically."""

import collections
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from consents.models import ConsentEvent, Receipt, Source
from consents.services import preferences_update
from consents.unsubscribe import unsubscribe_url
from tests.stack import WebClient, form_values

BURST = 300


def burst(servers, path_for, data_for, headers=None) -> collections.Counter:
    """POST `BURST` requests, 16 at a time, alternately to each server; count the statuses."""

    def send(n: int) -> int:
        server = servers[n % len(servers)]
        response = requests.post(
            server.url(path_for(n)), data=data_for(n), headers=headers, allow_redirects=False, timeout=30
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        return collections.Counter(pool.map(send, range(BURST)))


def login_burst(servers, address_for) -> collections.Counter:
    browser = WebClient()
    form = form_values(browser.get(servers[0].url("/login/")).text)
    csrf = {"Cookie": f"csrftoken={browser.cookies['csrftoken']}"}
    return burst(servers, lambda n: "/login/", lambda n: {**form, "email": address_for(n)}, headers=csrf)


ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def test_a_burst_of_logins_for_one_address_sends_five_emails(stack, hanako):
    servers = [stack.server(), stack.server()]
    statuses = login_burst(servers, lambda n: hanako.email)
    assert statuses == {302: 5, 429: BURST - 5}
    stack.wait_for_tasks()
    assert len(stack.mailbox.bodies_to(hanako.email)) == 5


def test_a_burst_of_logins_from_one_address_is_cut_at_twenty(stack, hanako):
    servers = [stack.server(), stack.server()]
    statuses = login_burst(servers, lambda n: f"guess-{n}@example.com")
    assert statuses == {302: 20, 429: BURST - 20}


def test_a_burst_on_one_unsubscribe_link_changes_one_cell_once(stack, hanako, life):
    preferences_update(
        policyholder=hanako, changes={(life.pk, "email"): True}, source=Source.PORTAL, idempotency_key="opt-in"
    )
    servers = [stack.server(), stack.server()]
    path = "/" + unsubscribe_url(policyholder=hanako, company=life, campaign="burst").split("/", 3)[3]
    statuses = burst(servers, lambda n: path, lambda n: ONE_CLICK)
    assert statuses == {200: 10, 429: BURST - 10}
    assert ConsentEvent.objects.filter(policyholder=hanako, source=Source.UNSUBSCRIBE).count() == 1
    assert Receipt.objects.filter(policyholder=hanako, source=Source.UNSUBSCRIBE).count() == 1
    stack.wait_for_tasks()
    # One receipt email for the one change (the opt-in's own receipt is sent by the workers too).
    number = Receipt.objects.get(policyholder=hanako, source=Source.UNSUBSCRIBE).number
    bodies = stack.mailbox.bodies_to(hanako.email)
    assert len(bodies) == 2 and [number in body for body in bodies].count(True) == 1


def test_a_burst_of_forged_unsubscribe_links_is_cut_at_sixty(stack):
    servers = [stack.server(), stack.server()]
    # A different forged link each time, so that only the per-address limit applies.
    statuses = burst(servers, lambda n: f"/unsubscribe/forged-{uuid.uuid4().hex}/", lambda n: ONE_CLICK)
    assert statuses == {400: 60, 429: BURST - 60}
