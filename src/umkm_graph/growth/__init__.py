"""Growth: what makes UMKM demand grow and lets the city measure it (issue 17): trending products, share links and
referrals and how demand spreads (sharing, referrals, spread). Certificates and badges are a shop's own data and live
in shops/ and catalog/."""
