"""The registrars' desk: status changes, assignment, internal notes,
appointments, the queue and the dashboard numbers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from flask import current_app
from sqlalchemy import DateTime, Integer, and_, bindparam, func, literal_column, select, union_all

from accounts.models import User, UserRole
from community.adminduk._common import (
    AdmindukError,
    ChangedMeanwhile,
    format_wita,
    guarded_status,
    tell_member,
)
from community.adminduk.models import (
    AT_DUKCAPIL,
    CLOSED,
    DONE,
    FINISHED_STATUSES,
    IN_REVIEW,
    NEEDS_INFO,
    OPEN_STATUSES,
    READY,
    STATUS_LABELS,
    STATUSES,
    TRANSITIONS,
    WAITING_ON_US,
    Appointment,
    HelpRequest,
    RequestMessage,
    RequestService,
    StatusChange,
)
from core.db import paginated, plain_list, row_count, utcnow
from core.extensions import db
from notifications.services import N_, cancel_messages

# What the member reads when her request moves (no service, no NIK, no document).
STATUS_NOTICES = {
    IN_REVIEW: N_("Permintaan bantuan adminduk Anda sedang diperiksa pendamping."),
    NEEDS_INFO: N_("Permintaan bantuan adminduk Anda perlu dilengkapi. Lihat apa yang kurang di Rumah Purna."),
    READY: N_("Berkas Anda siap diajukan ke Dukcapil."),
    AT_DUKCAPIL: N_("Berkas Anda sudah diajukan ke Dukcapil."),
    DONE: N_("Permintaan bantuan adminduk Anda selesai."),
    CLOSED: N_("Permintaan bantuan adminduk Anda ditutup. Lihat alasannya di Rumah Purna."),
}
REGISTRAR_ROLES = ("registrar", "admin")


def overdue_cutoff(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=current_app.config["ADMINDUK_OVERDUE_DAYS"])


def is_overdue(request: HelpRequest, now: datetime | None = None) -> bool:
    """Waiting on us (not on the member or Dukcapil) for longer than the setting."""
    return request.status in WAITING_ON_US and request.status_changed_at < overdue_cutoff(now)


def change_status(actor: User, request: HelpRequest, new: str, note: str = "",
                  *, expected: str | None = None) -> None:
    """Move a request along its legal transitions only; each move writes history
    and tells the member. "Needs information" says what is missing, closing says why."""
    current = expected or request.status
    if current != request.status:
        raise ChangedMeanwhile()
    if new not in TRANSITIONS.get(current, ()):
        raise AdmindukError(N_("Perubahan status ini tidak diizinkan."))
    note = (note or "").strip()
    if new == NEEDS_INFO and not note:
        raise AdmindukError(N_("Tulis apa yang masih kurang, supaya anggota tahu apa yang harus dikirim."))
    if new == CLOSED and not note:
        raise AdmindukError(N_("Tulis alasan penutupan."))
    now = utcnow()
    values: dict = {"status_changed_at": now}
    if new in FINISHED_STATUSES:
        values["finished_at"] = now
    if new == CLOSED:
        values["closed_reason"] = note
    guarded_status(HelpRequest, request.id, current, new, **values)
    change = StatusChange(request_id=request.id, from_status=current, to_status=new,
                          actor_id=actor.id, note=note or None)
    db.session.add(change)
    if request.assigned_to_id is None:
        request.assigned_to_id = actor.id
    db.session.flush()
    db.session.refresh(request)
    tell_member(request.member, request.id, f"status:{new}:{change.id}", STATUS_NOTICES[new])


def registrars() -> list[User]:
    """Everyone who can work the queue (for "assign to a colleague")."""
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "registrar", User.active.is_(True), User.deleted_at.is_(None))
        .order_by(User.name).distinct()
    ))


def assign(actor: User, request: HelpRequest, assignee: User | None) -> None:
    """Give the request to ``assignee`` (a registrar) or nobody."""
    if assignee is not None and not assignee.has_role("registrar"):
        raise AdmindukError(N_("Hanya pendamping adminduk yang bisa ditugaskan."))
    request.assigned_to_id = assignee.id if assignee else None
    db.session.flush()


def add_note(actor: User, request: HelpRequest, body: str) -> RequestMessage:
    """An internal note: registrars and admins only, never the member."""
    body = (body or "").strip()
    if not body:
        raise AdmindukError(N_("Catatan masih kosong."))
    note = RequestMessage(request_id=request.id, author_id=actor.id, body=body, internal=True)
    db.session.add(note)
    db.session.flush()
    return note


def set_appointment(actor: User, request: HelpRequest, starts_at: datetime, place: str) -> Appointment:
    """An in-person appointment; the member is told now and reminded a day before."""
    now = utcnow()
    if starts_at <= now:
        raise AdmindukError(N_("Waktu janji temu harus di masa depan."))
    if not request.is_open:
        raise AdmindukError(N_("Permintaan ini sudah selesai atau ditutup."))
    for old in db.session.scalars(select(Appointment).where(
        Appointment.request_id == request.id, Appointment.cancelled_at.is_(None)
    )):
        old.cancelled_at = now
        cancel_messages(f"adminduk:{request.id}:appointment:{old.id}")
    appointment = Appointment(request_id=request.id, starts_at=starts_at, place=place.strip(),
                              created_by_id=actor.id)
    db.session.add(appointment)
    db.session.flush()
    params = {"time": format_wita(starts_at, request.member.locale), "place": appointment.place}
    base = f"appointment:{appointment.id}"
    tell_member(request.member, request.id, f"{base}:new",
                N_("Janji temu untuk permintaan adminduk Anda: %(time)s di %(place)s."), params=params)
    reminder = starts_at - timedelta(hours=24)
    if reminder > now:
        tell_member(request.member, request.id, f"{base}:reminder",
                    N_("Pengingat: janji temu besok %(time)s di %(place)s. Bawa dokumen asli."),
                    params=params, due_at=reminder)
    return appointment


# --- the queue ----------------------------------------------------------------------

@dataclass
class QueueFilters:
    status: str = "open"  # a status, "open" or "all"
    service: str = ""
    regency: str = ""
    assigned: str = ""  # "", "me", "nobody"


@dataclass
class QueueRow:
    """One request as the queue shows it: plain values, nothing decrypted (no NIK,
    no KK number, no description), nothing to change."""

    id: int
    status: str
    status_changed_at: datetime
    regency: str
    assigned_to_id: int | None
    member_name: str
    services: list[str]
    assignee_name: str | None = None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class QueuePage:
    items: list[QueueRow]
    page: int
    has_next: bool


_CUTOFF = bindparam("cutoff", type_=DateTime)
# Between a row's services in the queue statement's one column (no key holds it).
SERVICE_SEPARATOR = " "
_DEPTH = row_count("depth")  # rows each part gives: offset + limit


def _queue_parts(status: str) -> list[tuple[int, object]]:
    """The queue (status filter ``status``) as disjoint parts, each one status and,
    for the statuses waiting on us, one side of the overdue cutoff: ``(rank,
    condition)``, rank 0 overdue. Each part is read off the (status,
    status_changed_at) index in its own order."""
    if status == "open":
        statuses = OPEN_STATUSES
    elif status == "overdue":
        statuses = WAITING_ON_US
    elif status == "all":
        statuses = STATUSES
    else:
        statuses = (status,)
    parts: list[tuple[int, object]] = []
    for one in statuses:
        if one not in WAITING_ON_US:
            parts.append((1, HelpRequest.status == one))
            continue
        parts.append((0, and_(HelpRequest.status == one, HelpRequest.status_changed_at < _CUTOFF)))
        if status != "overdue":
            parts.append((1, and_(HelpRequest.status == one, HelpRequest.status_changed_at >= _CUTOFF)))
    return parts


def _build_queue_statement(status: str, service: bool, regency: bool, assigned: str):
    common = []
    if service:
        common.append(HelpRequest.id.in_(
            select(RequestService.request_id).where(RequestService.service == bindparam("service"))
        ))
    if regency:
        common.append(HelpRequest.regency == bindparam("regency"))
    if assigned == "me":
        common.append(HelpRequest.assigned_to_id == bindparam("viewer_id"))
    elif assigned == "nobody":
        common.append(HelpRequest.assigned_to_id.is_(None))
    branches = [
        select(
            literal_column(str(rank), Integer).label("rank"), HelpRequest.id, HelpRequest.status,
            HelpRequest.status_changed_at, HelpRequest.regency, HelpRequest.assigned_to_id,
            HelpRequest.member_id,
        ).where(condition, *common)
        .order_by(HelpRequest.status_changed_at, HelpRequest.id).limit(_DEPTH)
        .subquery()
        for rank, condition in _queue_parts(status)
    ]
    merged = union_all(*(select(*branch.c) for branch in branches)).subquery()
    member_name = select(User.name).where(User.id == merged.c.member_id).scalar_subquery()
    assignee_name = select(User.name).where(User.id == merged.c.assigned_to_id).scalar_subquery()
    services = (select(func.aggregate_strings(RequestService.service, SERVICE_SEPARATOR))
                .where(RequestService.request_id == merged.c.id).scalar_subquery())
    return paginated(
        select(merged.c.id, merged.c.status, merged.c.status_changed_at, merged.c.regency,
               merged.c.assigned_to_id, member_name.label("member_name"),
               assignee_name.label("assignee_name"), services.label("services"))
        .order_by(merged.c.rank, merged.c.status_changed_at, merged.c.id)
    )


# Built once per shape of filters (a few dozen at most: the form's choices) and
# reused: building this statement cost more than running it.
_QUEUE_STATEMENTS: dict[tuple, object] = {}
_SHAPES = {"open", "overdue", "all", *STATUSES}


def queue_statement(filters: QueueFilters, viewer: User, *, limit: int, offset: int = 0,
                    now: datetime | None = None):
    """``(statement, parameters)`` for rows ``offset`` to ``offset + limit`` of the
    queue: overdue first, then the oldest waiting. Bounded by the page, not by how
    many requests there are: each part (``_queue_parts``) gives at most ``offset +
    limit`` rows in index order, and only those are merged and sorted; the member's
    and the assignee's names are looked up for the rows of the page only."""
    shape = (filters.status, bool(filters.service), bool(filters.regency), filters.assigned)
    statement = _QUEUE_STATEMENTS.get(shape)
    if statement is None:
        statement = _build_queue_statement(*shape)
        if filters.status in _SHAPES:
            _QUEUE_STATEMENTS[shape] = statement
    params = {"cutoff": overdue_cutoff(now), "depth": offset + limit, "limit": limit, "offset": offset}
    if filters.service:
        params["service"] = filters.service
    if filters.regency:
        params["regency"] = filters.regency
    if filters.assigned == "me":
        params["viewer_id"] = viewer.id
    return statement, params


def _services(joined: str | None) -> list[str]:
    """A row's services from the statement's ``services`` column, in key order
    (the keys are plain ASCII, so this is the order the database sorted them in)."""
    return sorted(joined.split(SERVICE_SEPARATOR)) if joined else []


def queue_page(filters: QueueFilters, viewer: User, page: int, per_page: int = 25) -> QueuePage:
    """One page of the queue in one statement: its rows with their services (one
    row more than shown tells whether there is a next page; no count of every
    request)."""
    per_page = max(1, min(per_page, 100))
    rows = plain_list(
        *queue_statement(filters, viewer, limit=per_page + 1, offset=(page - 1) * per_page)
    )
    rows, has_next = rows[:per_page], len(rows) > per_page
    items = [QueueRow(row.id, row.status, row.status_changed_at, row.regency, row.assigned_to_id,
                      row.member_name, _services(row.services), row.assignee_name) for row in rows]
    return QueuePage(items, page, has_next)


# --- the dashboard ------------------------------------------------------------------

def open_counts() -> dict[tuple[str, str], int]:
    """Open requests per (status, regency)."""
    rows = db.session.execute(
        select(HelpRequest.status, HelpRequest.regency, func.count())
        .where(HelpRequest.status.in_(OPEN_STATUSES))
        .group_by(HelpRequest.status, HelpRequest.regency)
    ).all()
    return {(status, regency): count for status, regency, count in rows}


def weekly_median_days(weeks: int = 8, now: datetime | None = None) -> list[tuple[datetime, float | None, int]]:
    """For each of the last ``weeks`` weeks (oldest first): its start, the median
    days from opening to done of the requests finished that week, and how many."""
    now = now or utcnow()
    start = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    first = start - timedelta(weeks=weeks - 1)
    rows = db.session.execute(
        select(HelpRequest.created_at, HelpRequest.finished_at)
        .where(HelpRequest.status == DONE, HelpRequest.finished_at >= first)
    ).all()
    buckets: dict[int, list[float]] = {i: [] for i in range(weeks)}
    for created, finished in rows:
        index = (finished - first).days // 7
        if 0 <= index < weeks:
            buckets[index].append((finished - created).total_seconds() / 86400)
    return [
        (first + timedelta(weeks=i), round(median(values), 1) if values else None, len(values))
        for i, values in buckets.items()
    ]
