"""Uploads: photos people send (a product's, a complaint's), checked by their content, stripped of what the phone wrote
into them, kept in a few sizes as WebP in a storage (local disk by default)."""
