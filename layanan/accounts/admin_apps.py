from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, on a site that is entered only through /masuk/ with the second factor
    (accounts.admin_site)."""

    default_site = "layanan.accounts.admin_site.VerifiedAdminSite"
