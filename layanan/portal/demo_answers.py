"""What the demo citizens answer on each demo service's form: realistic values for Kabupaten
Contoh (region code 33.99, Kecamatan Kota Contoh 33.99.01), within what each charter states.

Identity numbers are well formed per `layanan.lib.nik` (PP KK CC DDMMYY SSSS; 40 added to the
day for women; a family card's six middle digits are its date of issue) and belong to nobody:
the regency code 99 is the demo's invented Kabupaten Contoh. Dates that depend on when the
application was filed (a birth, a death, the day a sign goes up) are computed from that day
and from the day the demo is loaded, so they stay plausible whenever the demo runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Person:
    name: str
    nik: str
    birth_date: dt.date
    family_card: str  # nomor KK
    address: str
    phone: str
    email: str


# Siti Rahayu (`warga`): a midwife in Kecamatan Kota Contoh, married to Ahmad Fauzi.
SITI = Person(
    name="Siti Rahayu",
    nik="3399015508900001",  # woman (55 = 15 + 40), born 15 August 1990
    birth_date=dt.date(1990, 8, 15),
    family_card="3399011003150007",  # issued 10 March 2015
    address=(
        "Jl. Merdeka No. 12, RT 003/RW 005, Kel. Sukamaju, Kec. Kota Contoh, Kabupaten Contoh 59901"
    ),
    phone="0812-0000-0001",
    email="warga@demo.layanan.invalid",
)
AHMAD = Person(
    name="Ahmad Fauzi",
    nik="3399011204880003",  # man, born 12 April 1988
    birth_date=dt.date(1988, 4, 12),
    family_card=SITI.family_card,
    address=SITI.address,
    phone="",
    email="",
)
# Budi Santoso (`warga2`): runs Dapur Berkah, a small home catering business.
BUDI = Person(
    name="Budi Santoso",
    nik="3399012103850002",  # man, born 21 March 1985
    birth_date=dt.date(1985, 3, 21),
    family_card="3399012207120011",  # issued 22 July 2012
    address=(
        "Jl. Pahlawan No. 45, RT 002/RW 007, Kel. Karangrejo, Kec. Kota Contoh, "
        "Kabupaten Contoh 59902"
    ),
    phone="0812-0000-0002",
    email="warga2@demo.layanan.invalid",
)
# Budi's late father, for the death registration.
SLAMET = Person(
    name="Slamet Santoso",
    nik="3399010503520004",  # man, born 5 March 1952
    birth_date=dt.date(1952, 3, 5),
    family_card=BUDI.family_card,
    address=BUDI.address,
    phone="",
    email="",
)
BUSINESS_NAME = "Dapur Berkah"
BUSINESS_NIB = "9120208471635"  # 13 digits, as the OSS prints it
BUSINESS_ADDRESS = BUDI.address
# The place where the sign goes up: on the shop front, not at home.
SIGN_SITE = (
    "Ruko Pasar Baru Blok B No. 3, Jl. Diponegoro, Kel. Karangrejo, Kec. Kota Contoh, "
    "Kabupaten Contoh; titik koordinat -7.0512, 110.4381"
)


def akta_kelahiran(filed: dt.date, today: dt.date) -> dict[str, Any]:
    # Reported nine days after the birth, well within the 60 days for reporting a birth.
    return {
        "nama_anak": "Aisyah Putri Fauzi",
        "jenis_kelamin": "P",
        "tanggal_lahir": (filed - dt.timedelta(days=9)).isoformat(),
        "tempat_lahir": "Kabupaten Contoh",
        "jenis_kelahiran": "tunggal",
        "anak_ke": "2",
        "nomor_kk": SITI.family_card,
        "nik_ibu": SITI.nik,
        "nik_ayah": AHMAD.nik,
        "telepon": SITI.phone,
        "email": SITI.email,
        "pernyataan": True,
    }


def akta_kematian(filed: dt.date, today: dt.date) -> dict[str, Any]:
    return {
        "nik_almarhum": SLAMET.nik,
        "nama_almarhum": SLAMET.name,
        "tanggal_kematian": (filed - dt.timedelta(days=4)).isoformat(),
        "tempat_kematian": "RSUD Kabupaten Contoh",
        "sebab_kematian": "sakit",
        "nik_pelapor": BUDI.nik,
        "hubungan_pelapor": "keluarga",
        "telepon": BUDI.phone,
        "pernyataan": True,
    }


def izin_reklame(filed: dt.date, today: dt.date) -> dict[str, Any]:
    # The sign goes up three weeks after today: after the filing day, and never in the past.
    return {
        "nama_pemohon": BUDI.name,
        "nik": BUDI.nik,
        "jenis_reklame": "papan_nama",
        "ukuran": "6",  # 3 m x 2 m shop sign
        "lokasi": SIGN_SITE,
        "masa_pasang": (max(filed, today) + dt.timedelta(days=21)).isoformat(),
        "telepon": BUDI.phone,
        "email": BUDI.email,
        "pernyataan": True,
    }


def kartu_keluarga(filed: dt.date, today: dt.date) -> dict[str, Any]:
    return {
        "nik_kepala_keluarga": BUDI.nik,
        "nama_kepala_keluarga": BUDI.name,
        "nomor_kk": BUDI.family_card,
        "alasan": "perubahan_data",
        "alamat": BUDI.address,
        "email": BUDI.email,
        "telepon": BUDI.phone,
        "pernyataan": True,
    }


def ktp_el(filed: dt.date, today: dt.date) -> dict[str, Any]:
    return {
        "nik": SITI.nik,
        "nama_lengkap": SITI.name,
        "nomor_kk": SITI.family_card,
        "jenis_permohonan": "rusak",
        "telepon": SITI.phone,
        "pernyataan": True,
    }


def pbg_rumah_sederhana(filed: dt.date, today: dt.date) -> dict[str, Any]:
    # A 45 m² house on a 120 m² plot: within the charter's 72 m² floor area.
    return {
        "nik": SITI.nik,
        "nama_pemilik": SITI.name,
        "telepon": SITI.phone,
        "email": SITI.email,
        "alamat_lokasi": (
            "Jl. Kenanga No. 7, RT 001/RW 004, Kel. Sukamaju, Kec. Kota Contoh, "
            "Kabupaten Contoh 59901"
        ),
        "luas_tanah": "120",
        "luas_bangunan": "45",
        "desain": "gambar_sendiri",
        "mbr": "tidak",
        "pernyataan": True,
    }


def sertifikat_standar_usaha(filed: dt.date, today: dt.date) -> dict[str, Any]:
    return {
        "nib": BUSINESS_NIB,
        "nama_usaha": BUSINESS_NAME,
        "bentuk_usaha": "perorangan",
        "nik_penanggung_jawab": BUDI.nik,
        "kbli": "56210",  # KBLI 2020: jasa boga untuk suatu event tertentu (event catering)
        "alamat_usaha": BUSINESS_ADDRESS,
        "email": BUDI.email,
        "telepon": BUDI.phone,
        "pernyataan": True,
    }


def sip_tenaga_kesehatan(filed: dt.date, today: dt.date) -> dict[str, Any]:
    return {
        "nik": SITI.nik,
        "nama": SITI.name,
        "profesi": "bidan",
        "nomor_str": "3399512031004217",
        "tempat_praktik": (
            "Puskesmas Kota Contoh, Jl. Ahmad Yani No. 18, Kel. Sukamaju, Kec. Kota Contoh, "
            "Kabupaten Contoh 59901"
        ),
        "jenis_praktik": "fasyankes",
        "sip_ke": "1",
        "telepon": SITI.phone,
        "email": SITI.email,
        "pernyataan": True,
    }


def skck(filed: dt.date, today: dt.date) -> dict[str, Any]:
    return {
        "nik": SITI.nik,
        "nama_lengkap": SITI.name,
        "tanggal_lahir": SITI.birth_date.isoformat(),
        "keperluan": "pekerjaan",
        "riwayat_pidana": "tidak",
        "telepon": SITI.phone,
        "pernyataan": True,
    }


def sktm(filed: dt.date, today: dt.date) -> dict[str, Any]:
    return {
        "nik": BUDI.nik,
        "nama": BUDI.name,
        "nomor_kk": BUDI.family_card,
        "keperluan": "kesehatan",
        "instansi_tujuan": "RSUD Kabupaten Contoh",
        "penghasilan": "1jt_2jt",
        "telepon": BUDI.phone,
        "pernyataan": True,
    }


def slhs(filed: dt.date, today: dt.date) -> dict[str, Any]:
    return {
        "nama_usaha": BUSINESS_NAME,
        "nib": BUSINESS_NIB,
        "jenis_tpp": "jasa_boga",
        "alamat_usaha": BUSINESS_ADDRESS,
        "jumlah_penjamah": "4",
        "nik_penanggung_jawab": BUDI.nik,
        "telepon": BUDI.phone,
        "email": BUDI.email,
        "pernyataan": True,
    }


ANSWERS: dict[str, Callable[[dt.date, dt.date], dict[str, Any]]] = {
    "akta-kelahiran": akta_kelahiran,
    "akta-kematian": akta_kematian,
    "izin-reklame": izin_reklame,
    "kartu-keluarga": kartu_keluarga,
    "ktp-el": ktp_el,
    "pbg-rumah-sederhana": pbg_rumah_sederhana,
    "sertifikat-standar-usaha": sertifikat_standar_usaha,
    "sip-tenaga-kesehatan": sip_tenaga_kesehatan,
    "skck": skck,
    "sktm": sktm,
    "slhs": slhs,
}


def answers_for(service: str, *, filed: dt.date, today: dt.date) -> dict[str, Any]:
    """The answers of the sample application of `service` filed on `filed`."""
    return ANSWERS[service](filed, today)
