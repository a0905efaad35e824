"""The returnee bundle: a short questionnaire that builds one combined checklist
from the guides' "what to bring" lists; the member ticks it off on her phone and
turns it into a help request with one tap."""
from __future__ import annotations

from sqlalchemy import select

from accounts.models import User
from community.adminduk.models import SERVICES, Bundle, Guide, HelpRequest
from core.db import utcnow
from core.extensions import db
from notifications.services import N_

# Question -> the services a "yes" needs.
QUESTIONS = {
    "moved": (N_("Apakah Anda pindah alamat (selama di luar negeri atau sejak pulang)?"), ("moving", "ktp-address")),
    "married": (N_("Apakah Anda menikah di luar negeri?"), ("marriage-abroad", "kk-spouse")),
    "child": (N_("Apakah anak Anda lahir di luar negeri?"), ("child-abroad", "kk-child")),
    "ktp_lost": (N_("Apakah KTP-el Anda hilang atau rusak?"), ("ktp-lost",)),
    "kk_outdated": (N_("Apakah data di KK Anda sudah tidak sesuai?"), ("kk-update",)),
}


def services_for(answers: dict[str, bool]) -> list[str]:
    """The services the answers call for, in a stable order, no repeats."""
    wanted: list[str] = []
    for key, (_question, services) in QUESTIONS.items():
        if answers.get(key):
            wanted.extend(s for s in services if s not in wanted)
    return wanted


def combined_checklist(services: list[str], guides: dict[str, Guide]) -> list[dict]:
    """One list from the guides' "what to bring" lines: the same document asked
    by two services appears once."""
    items: list[dict] = []
    seen: set[str] = set()
    for service in services:
        guide = guides.get(service)
        if guide is None:
            continue
        lines = [line.strip(" -*\t") for line in guide.checklist.splitlines()]
        lines_en = [line.strip(" -*\t") for line in guide.checklist_en.splitlines()]
        for index, line in enumerate(lines):
            if not line or line.lower() in seen:
                continue
            seen.add(line.lower())
            english = lines_en[index] if index < len(lines_en) and lines_en[index] else line
            items.append({"id": f"{service}-{index}", "service": service, "text": line,
                          "text_en": english, "done": False})
    return items


def guide_list(topic: str | None = None) -> list[Guide]:
    statement = select(Guide).order_by(Guide.topic.desc(), Guide.position, Guide.id)
    if topic:
        statement = statement.where(Guide.topic == topic)
    return list(db.session.scalars(statement))


def bundle_for(member: User) -> Bundle | None:
    return db.session.scalar(select(Bundle).where(Bundle.member_id == member.id))


def take_questionnaire(member: User, answers: dict[str, bool]) -> Bundle:
    """Build (or rebuild) the member's checklist; ticks already made are kept."""
    services = services_for(answers)
    guides = {g.slug: g for g in db.session.scalars(select(Guide).where(Guide.slug.in_(services)))}
    items = combined_checklist(services, guides)
    bundle = bundle_for(member)
    if bundle is None:
        bundle = Bundle(member_id=member.id)
        db.session.add(bundle)
    else:
        done = {item["id"] for item in bundle.items if item.get("done")}
        for item in items:
            item["done"] = item["id"] in done
    bundle.answers = {key: bool(answers.get(key)) for key in QUESTIONS}
    bundle.services = services
    bundle.items = items
    bundle.updated_at = utcnow()
    db.session.flush()
    return bundle


def tick(member: User, item_id: str, done: bool) -> Bundle | None:
    """Tick (or untick) one item of the member's checklist."""
    bundle = bundle_for(member)
    if bundle is None:
        return None
    items = [dict(item) for item in bundle.items]
    for item in items:
        if item["id"] == item_id:
            item["done"] = done
    bundle.items = items  # a new list, so the JSON column is saved
    bundle.updated_at = utcnow()
    db.session.flush()
    return bundle


def link_request(member: User, request: HelpRequest) -> None:
    """Remember the request a bundle turned into (shown on the checklist)."""
    bundle = bundle_for(member)
    if bundle is not None and set(request.services) & set(bundle.services):
        bundle.request_id = request.id
        db.session.flush()


def valid_services(keys) -> list[str]:
    return [key for key in keys if key in SERVICES]
