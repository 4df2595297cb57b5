from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuaranteesConfig(AppConfig):
    name = "layanan.guarantees"
    verbose_name = _("Service guarantees")
