"""The Japanese admin for compliance staff: companies, notices, and notice versions with their workflow."""

from .companies import CompanyAdmin
from .notices import NoticeAdmin
from .refusals import PublicationRefusalAdmin
from .versions import NoticeVersionAdmin

__all__ = ["CompanyAdmin", "NoticeAdmin", "NoticeVersionAdmin", "PublicationRefusalAdmin"]
