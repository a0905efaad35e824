"""Demo accounts for ``flask seed-demo`` (demo mode only)."""
from __future__ import annotations

from accounts.models import User, UserRole
from accounts.phones import normalise_phone
from accounts.services import create_user_with_roles, find_by_login

DEMO_ACCOUNTS = [
    # key, phone, name, roles, regency, country, year
    ("member", "081200000001", "Maria Nenobais", ["member"], "kota-kupang", "MY", 2023),
    ("vendor", "081200000002", "Yohanes Tefa", ["member"], "kupang", "MY", 2021),
    ("counselor", "081200000010", "Agustina Manafe", ["member", "counselor"], "kota-kupang", None, None),
    ("registrar", "081200000020", "Fransiskus Benu", ["member", "registrar"], "kota-kupang", None, None),
    ("umkm_staff", "081200000030", "Yuliana Ndun", ["member", "umkm_staff"], "kota-kupang", None, None),
    ("moderator", "081200000040", "Ferdinandus Riwu", ["member", "moderator"], "tts", "HK", 2019),
    ("satgas", "081200000050", "Melkianus Kana", ["member", "satgas"], "kota-kupang", None, None),
    ("admin", "081200000099", "Martha Pello", ["member", "admin"], "kota-kupang", None, None),
]


def seed_demo_accounts(password: str) -> dict[str, User]:
    users: dict[str, User] = {}
    for key, phone, name, roles, regency, country, year in DEMO_ACCOUNTS:
        e164 = normalise_phone(phone)
        user = find_by_login(e164)
        if user is None:
            user = create_user_with_roles(name, e164, password, roles)
            user.regency = regency
            user.country_returned = country
            user.return_year = year
        else:
            for role in roles:
                if role not in user.roles:
                    user.role_rows.append(UserRole(role=role))
        users[key] = user
    return users
