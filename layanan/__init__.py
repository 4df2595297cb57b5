"""Layanan: public-service delivery with executable citizen charters."""
