"""Training programs and KUR (Kredit Usaha Rakyat) applications."""
