"""What each kind of request does, when it fits and how long it takes, in the customer's words: shown beside
each choice of the request form, so that a customer who only wants fewer letters or calls is sent to
ご案内の停止 or the 配信設定, which act at once, rather than to a 利用停止 that staff weigh for days."""

import dataclasses

from django.conf import settings
from django.utils.translation import gettext as _

from .models import CustomerRequest

Kind = CustomerRequest.Kind


@dataclasses.dataclass(frozen=True)
class Guide:
    does: str
    fits: str
    takes: str
    identity: bool = False


def kind_guide() -> dict[str, Guide]:
    days = settings.REQUEST_DUE_DAYS
    as_a_rule = _("As a rule we answer within %(days)d days.") % {"days": days}
    return {
        Kind.PURPOSE: Guide(
            does=_("We tell you for what purposes the group uses your personal data."),
            fits=_("When you want to know why we hold your data. The purposes are also published on our page "
                   "of the items concerning retained personal data, which you can read at once."),
            takes=as_a_rule,
        ),
        Kind.DISCLOSURE: Guide(
            does=_("We show you the personal data we hold about you and the records of its provision to "
                   "third parties, as a download or on paper."),
            fits=_("When you want to see what we hold about you."),
            takes=_("By download, what this portal holds is usually ready within minutes; what each company "
                    "holds, and an answer on paper, as a rule within %(days)d days.") % {"days": days},
            identity=True,
        ),
        Kind.CORRECTION: Guide(
            does=_("We correct, add to or delete data about you that is not true."),
            fits=_("When something we hold about you is wrong. A change of address or name on a policy is "
                   "made through the company's own procedure."),
            takes=as_a_rule,
            identity=True,
        ),
        Kind.SUSPENSION: Guide(
            does=_("We stop using or erase your data where the law allows it (for example, used beyond its "
                   "purposes or no longer needed). Staff examine each request."),
            fits=_("When you think we use your data wrongly or no longer need it. To stop only our "
                   "marketing, use 'Stopping marketing' below: it takes effect at once."),
            takes=as_a_rule,
            identity=True,
        ),
        Kind.THIRD_PARTY_STOP: Guide(
            does=_("We stop providing your data to third parties where the law allows it. Sharing among the "
                   "group companies under the joint use is not provision to a third party."),
            fits=_("When you object to your data being provided outside the group."),
            takes=as_a_rule,
            identity=True,
        ),
    }
