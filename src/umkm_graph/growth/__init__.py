"""Growth: what makes UMKM demand grow and lets the city measure it (issue 17): trending products, and next share links,
referrals and naik kelas. Certificates and badges are a shop's own data and live in shops/ and catalog/."""
