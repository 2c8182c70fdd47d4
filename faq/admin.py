from django.contrib import admin

from .models import FaqEntry

admin.site.register(FaqEntry)
