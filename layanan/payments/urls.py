from django.urls import path

from layanan.payments import views, views_treasury

app_name = "payments"
urlpatterns = [
    path("permohonan/<str:number>/tagihan/", views.bill, name="bill"),
    path("permohonan/<str:number>/tagihan.pdf", views.bill_as_pdf, name="bill_pdf"),
    path("permohonan/<str:number>/tagihan/perbarui/", views.renew, name="renew"),
    path("permohonan/<str:number>/tagihan/bayar-daring/", views.pay_online, name="pay_online"),
    path("pembayaran/xendit/notifikasi/", views.gateway_notification, name="gateway_callback"),
    path("permohonan/<str:number>/bukti-bayar/", views.receipt, name="receipt"),
    path("permohonan/<str:number>/bukti-bayar.pdf", views.receipt_as_pdf, name="receipt_pdf"),
    path("kantor/pembayaran/", views_treasury.treasury, name="treasury"),
    path("kantor/pembayaran/ekspor.csv", views_treasury.treasury_csv, name="treasury_csv"),
    path("kantor/pembayaran/mutasi/", views_treasury.statement_import, name="statement"),
    path("kantor/pembayaran/<str:number>/", views.record, name="record"),
]
