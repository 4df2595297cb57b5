"""Mount each app's router on the one API (the contract is in docs/api.md)."""

from layanan.accounts.api import router as auth_router
from layanan.accounts.api_access_log import router as access_log_router
from layanan.api.core import BearerToken, api
from layanan.cases.api import router as applications_router
from layanan.cases.api import tracking_router
from layanan.charters.api import router as services_router
from layanan.charters.api_consultations import router as consultations_router
from layanan.citizens.api_profile import router as profile_router
from layanan.citizens.api_rights import router as rights_router
from layanan.citizens.api_vault import router as vault_router
from layanan.citizens.api_vault import types_router as document_types_router
from layanan.complaints.api import router as complaints_router
from layanan.documents.api import router as documents_router
from layanan.documents.api import verify_router
from layanan.payments.api import router as payments_router

api.add_router("/auth", auth_router)
api.add_router("/services", services_router)
api.add_router("/consultations", consultations_router, auth=BearerToken())
api.add_router("/applications", applications_router, auth=BearerToken())
api.add_router("/applications", payments_router, auth=BearerToken())
api.add_router("/track", tracking_router)
api.add_router("/complaints", complaints_router, auth=BearerToken())
api.add_router("/verify", verify_router)
api.add_router("/documents", documents_router, auth=BearerToken())
api.add_router("/me", rights_router, auth=BearerToken())
api.add_router("/me", profile_router, auth=BearerToken())
api.add_router("/document-types", document_types_router)
api.add_router("/me", vault_router, auth=BearerToken())
api.add_router("/me", access_log_router, auth=BearerToken())

urls = api.urls
