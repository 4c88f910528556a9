"""Office procurement (belanja OPD): an OPD's procurement officer buys for the office from UMKM on the marketplace,
charged to a budget account with a purpose; the purchase order, the BAST and the kuitansi as PDFs with a verification
QR code; an append-only, hash-chained audit trail of every step; and the city's figure of each OPD's spending with
UMKM against the 40% target of Perpres 12/2021."""
