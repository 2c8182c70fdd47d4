from django.contrib import admin

from .models import Company, Notice, NoticeVersion

admin.site.register(Company)
admin.site.register(Notice)
admin.site.register(NoticeVersion)
