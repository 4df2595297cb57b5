"""The worker's heartbeat: one row per worker host, the time of its last loop.

The health endpoint (/sehat/) reads it to tell a load balancer or a monitor whether the
background work (sweeps, messages) is still being done. A row, not a cache key, so that app
servers on other machines see the worker's beat too.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    worker = models.CharField(_("worker"), max_length=200, primary_key=True)
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.worker
