"""Objects the channels stage of the benchmark needs (bench/channels.py); each function prints JSON."""

import json

from django.contrib.auth import get_user_model

from consents.models import Channel
from notices.models import Company
from relay.delivery import secret_issue
from relay.models import WebhookSubscriber


def subscriber(url):
    """A subscriber of every company and channel at `url`; None turns every subscriber off."""
    if url is None:
        WebhookSubscriber.objects.update(active=False)
        print(json.dumps({"subscriber": None}))
        return
    owner, _created = get_user_model().objects.get_or_create(
        username="bench-webhook-owner", defaults={"email": "owner@example.com", "is_staff": True}
    )
    row = WebhookSubscriber.objects.create(name=f"bench {url}", url=url, secret=secret_issue(), owner=owner)
    row.companies.set(Company.objects.all())
    row.channels.set(Channel.objects.all())
    print(json.dumps({"subscriber": row.pk}))
