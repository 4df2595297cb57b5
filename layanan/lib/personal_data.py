"""The shared vocabularies of a citizen's own data: the kinds of document a citizen keeps in
their vault and a charter's requirement may accept, and the profile attributes a charter's
form field may take its value from.

Both are fixed lists in code, not tables: a charter names them (`document_types` on a
document requirement, `profile` on a form field) and is refused by the charter reader when it
names one that is not here, and clients read them from `GET /api/v1/document-types`. Adding a
type is a code change with its translation, reviewed like any other.
"""

from __future__ import annotations

from typing import Final

# code -> its name, in Indonesian and English (the shape of a charter's texts).
DOCUMENT_TYPES: Final[dict[str, dict[str, str]]] = {
    "ktp-el": {"id": "KTP elektronik", "en": "Electronic identity card (KTP-el)"},
    "kk": {"id": "Kartu Keluarga", "en": "Family card (KK)"},
    "akta-kelahiran": {"id": "Akta kelahiran", "en": "Birth certificate"},
    "akta-kematian": {"id": "Akta kematian", "en": "Death certificate"},
    "akta-perkawinan": {
        "id": "Akta perkawinan atau buku nikah",
        "en": "Marriage certificate or marriage book",
    },
    "akta-perceraian": {"id": "Akta perceraian", "en": "Divorce certificate"},
    "ijazah": {"id": "Ijazah", "en": "School or university diploma"},
    "pas-foto": {"id": "Pas foto", "en": "Passport-style photo"},
    "sertifikat-tanah": {"id": "Sertifikat tanah", "en": "Land certificate"},
    "npwp": {"id": "Kartu NPWP", "en": "Tax number card (NPWP)"},
    "paspor": {"id": "Paspor", "en": "Passport"},
    "sim": {"id": "Surat Izin Mengemudi (SIM)", "en": "Driving licence (SIM)"},
    "kartu-bpjs": {"id": "Kartu BPJS Kesehatan", "en": "BPJS health insurance card"},
    "surat-keterangan": {
        "id": "Surat keterangan dari desa atau kelurahan",
        "en": "Statement letter from the village or urban ward office",
    },
    "izin-usaha": {"id": "Izin usaha atau NIB", "en": "Business licence or NIB"},
    "dokumen-layanan": {
        "id": "Dokumen terbitan layanan",
        "en": "Document issued by a service",
    },
}

# attribute -> its name, and the form field types (charter `form[].type`) it may fill.
PROFILE_ATTRIBUTES: Final[dict[str, dict[str, object]]] = {
    "nik": {"name": {"id": "NIK", "en": "NIK"}, "types": ("nik",)},
    "kk_number": {"name": {"id": "Nomor KK", "en": "Family card number"}, "types": ("text",)},
    "full_name": {"name": {"id": "Nama lengkap", "en": "Full name"}, "types": ("text",)},
    "birth_place": {"name": {"id": "Tempat lahir", "en": "Place of birth"}, "types": ("text",)},
    "birth_date": {"name": {"id": "Tanggal lahir", "en": "Date of birth"}, "types": ("date",)},
    "address": {"name": {"id": "Alamat", "en": "Address"}, "types": ("text", "textarea")},
    "region_code": {
        "name": {"id": "Kode wilayah", "en": "Region code"},
        "types": ("text",),
    },
    "phone": {"name": {"id": "Nomor telepon", "en": "Phone number"}, "types": ("phone",)},
    "email": {"name": {"id": "Alamat email", "en": "Email address"}, "types": ("email",)},
}


def document_type_name(code: str, language: str) -> str:
    """The name of a document type in `language` ('id' or 'en'); the code itself when it is
    not a known type (a row written before a type was renamed)."""
    names = DOCUMENT_TYPES.get(code)
    if names is None:
        return code
    return names.get(language) or names["id"]


def profile_attribute_name(key: str, language: str) -> str:
    """The name of a profile attribute in `language`; the key when it is not known."""
    attribute = PROFILE_ATTRIBUTES.get(key)
    if attribute is None:
        return key
    names = attribute["name"]
    assert isinstance(names, dict)
    return str(names.get(language) or names["id"])
