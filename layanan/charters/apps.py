from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChartersConfig(AppConfig):
    name = "layanan.charters"
    verbose_name = _("Services and charters")
