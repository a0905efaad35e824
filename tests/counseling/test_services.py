"""Counseling rules: booking, double booking, confirmation, cancellation,
rescheduling, reminders, wellbeing check, notes, morning list, personal data."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from accounts.models import AuditEvent, User
from accounts.services import delete_account, export_personal_data
from core.extensions import db
from core.status import StatusChanged
from mentoring.counseling import availability, booking, notes, rescheduling, wellbeing
from mentoring.counseling.jobs import send_counselor_morning_lists
from mentoring.counseling.models import Appointment, SessionNote
from mentoring.counseling.slots import local_day, local_moment
from notifications.models import Notification, OutboxMessage


def outbox(prefix: str) -> dict[str, OutboxMessage]:
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.key.startswith(prefix)))
    return {row.key: row for row in rows}


def test_booking_needs_confirmation_and_tells_both_sides(make_counselor, make_user, now):
    profile = make_counselor()
    member = make_user()
    start = availability.free_slots_for(profile, now)[0]
    appointment = booking.book_appointment(member, profile, member, start, "phone", now=now)
    db.session.commit()
    assert appointment.status == "requested"
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=60)
    assert db.session.scalar(select(Notification.id).where(Notification.user_id == member.id))
    assert db.session.scalar(select(Notification.id).where(Notification.user_id == profile.user_id))
    # No reminders before the counselor confirms.
    assert not [k for k in outbox(f"appointment:{appointment.id}:") if "reminder" in k]
    # The slot is no longer offered.
    assert start not in availability.free_slots_for(profile, now)


def test_counselor_without_confirmation_books_at_once_with_reminders(make_counselor, make_user, now):
    profile = make_counselor(requires_confirmation=False)
    member = make_user()
    start = availability.free_slots_for(profile, now)[5]
    appointment = booking.book_appointment(member, profile, member, start, "video", now=now)
    db.session.commit()
    assert appointment.status == "confirmed"
    stamp = int(start.timestamp())
    keys = outbox(f"appointment:{appointment.id}:reminder")
    assert keys[f"appointment:{appointment.id}:reminder-24h:{stamp}:in_app"].due_at == start - timedelta(hours=24)
    assert keys[f"appointment:{appointment.id}:reminder-2h:{stamp}:in_app"].due_at == start - timedelta(hours=2)


def test_late_reminder_is_skipped_when_booked_inside_24_hours(make_counselor, make_user, now):
    profile = make_counselor(requires_confirmation=False, min_notice_hours=1)
    member = make_user()
    start = availability.free_slots_for(profile, now)[2]  # 10:30 WITA, 2.5 h ahead
    assert timedelta(hours=2) < start - now < timedelta(hours=24)
    appointment = booking.book_appointment(member, profile, member, start, "phone", now=now)
    keys = outbox(f"appointment:{appointment.id}:reminder")
    assert not [k for k in keys if "24h" in k] and [k for k in keys if "2h" in k]


def test_slot_not_offered_is_refused(make_counselor, make_user, now):
    profile = make_counselor()
    member = make_user()
    free = availability.free_slots_for(profile, now)
    off_grid = free[0] + timedelta(minutes=10)
    too_soon = now + timedelta(hours=1)
    too_far = now + timedelta(days=31)
    for start in (off_grid, too_soon, too_far):
        with pytest.raises(booking.SlotTaken, match="baru saja diambil"):
            booking.book_appointment(member, profile, member, start, "phone", now=now)
    assert db.session.scalar(select(Appointment.id)) is None


def test_mode_must_be_offered_and_no_booking_with_oneself(make_counselor, make_user, now):
    profile = make_counselor(modes=["phone"])
    member = make_user()
    start = availability.free_slots_for(profile, now)[0]
    with pytest.raises(booking.CounselingError, match="tidak melayani cara bertemu"):
        booking.book_appointment(member, profile, member, start, "in_person", now=now)
    with pytest.raises(booking.CounselingError, match="dengan diri sendiri"):
        booking.book_appointment(profile.user, profile, profile.user, start, "phone", now=now)


def test_counselor_not_taking_new_clients(make_counselor, make_user, now):
    profile = make_counselor(accepts_new_clients=False)
    member = make_user()
    with pytest.raises(booking.CounselingError, match="tidak menerima klien baru"):
        booking.book_appointment(
            member, profile, member, availability.free_slots_for(profile, now)[0], "phone", now=now
        )


def test_same_slot_twice_is_just_taken(make_counselor, make_user, now, book):
    profile = make_counselor()
    first = book(profile, now=now)
    other = make_user()
    with pytest.raises(booking.SlotTaken, match="baru saja diambil"):
        booking.book_appointment(other, profile, other, first.starts_at, "phone", now=now)
    db.session.rollback()
    nearest = availability.nearest_free(profile, first.starts_at, now)
    assert nearest and first.starts_at not in nearest


def test_partial_unique_index_refuses_a_second_active_row(make_counselor, make_user, now, book):
    """The database itself refuses double booking, even if the service were bypassed."""
    profile = make_counselor()
    first = book(profile, now=now)
    member = make_user()
    db.session.add(Appointment(
        counselor_id=profile.id, member_id=member.id, starts_at=first.starts_at,
        ends_at=first.ends_at, mode="phone", status="confirmed",
    ))
    with pytest.raises(IntegrityError, match="uq_appointments_counselor_start_active|UNIQUE constraint failed"):
        db.session.flush()
    db.session.rollback()
    # A cancelled row at the same time is fine: only active statuses are unique.
    db.session.add(Appointment(
        counselor_id=profile.id, member_id=member.id, starts_at=first.starts_at,
        ends_at=first.ends_at, mode="phone", status="cancelled",
    ))
    db.session.flush()


def test_overlapping_lengths_are_refused(make_counselor, make_user, now):
    profile = make_counselor(session_minutes=60, buffer_minutes=0)
    member = make_user()
    start = availability.free_slots_for(profile, now)[0]
    booking.book_appointment(member, profile, member, start, "phone", now=now)
    db.session.commit()
    # The counselor switches to 30-minute sessions: 30 min later is now on the grid
    # but overlaps the existing hour.
    profile.session_minutes = 30
    db.session.commit()
    other = make_user()
    with pytest.raises(booking.SlotTaken, match="baru saja diambil"):
        booking.book_appointment(other, profile, other, start + timedelta(minutes=30), "phone", now=now)
    db.session.rollback()
    booking.book_appointment(other, profile, other, start + timedelta(minutes=60), "phone", now=now)


def test_two_overlapping_pending_requests_cannot_both_be_confirmed(make_counselor, make_user, now):
    profile = make_counselor()
    start = availability.free_slots_for(profile, now)[0]
    rows = []
    for offset in (0, 30):  # written directly, as if rules changed between requests
        member = make_user()
        row = Appointment(
            counselor_id=profile.id, member_id=member.id, starts_at=start + timedelta(minutes=offset),
            ends_at=start + timedelta(minutes=offset + 60), mode="phone", status="requested",
        )
        db.session.add(row)
        rows.append(row)
    db.session.commit()
    booking.confirm_appointment(profile.user, rows[0], now)
    db.session.commit()
    with pytest.raises(booking.CounselingError, match="bertumpuk"):
        booking.confirm_appointment(profile.user, rows[1], now)
    db.session.rollback()
    assert db.session.get(Appointment, rows[1].id).status == "requested"


def test_confirm_then_decline_rules(make_counselor, now, book):
    profile = make_counselor()
    appointment = book(profile, index=5, now=now)
    booking.confirm_appointment(profile.user, appointment, now)
    assert appointment.status == "confirmed"
    assert outbox(f"appointment:{appointment.id}:reminder-24h")
    with pytest.raises(booking.CounselingError, match="tidak sedang menunggu konfirmasi"):
        booking.confirm_appointment(profile.user, appointment, now)
    with pytest.raises(booking.CounselingError, match="tidak sedang menunggu konfirmasi"):
        booking.decline_appointment(profile.user, appointment, "Penuh")
    other = book(profile, index=1, now=now)
    assert other.starts_at not in availability.free_slots_for(profile, now)
    booking.decline_appointment(profile.user, other, "Saya sedang cuti, silakan pilih konselor lain.")
    db.session.commit()
    assert other.status == "declined" and other.decline_reason.startswith("Saya")
    assert other.starts_at in availability.free_slots_for(profile, now)


def test_cancelling_frees_the_slot_and_cancels_reminders(make_counselor, make_user, now, book):
    profile = make_counselor(requires_confirmation=False)
    appointment = book(profile, index=3, now=now)
    member = appointment.member
    booking.cancel_appointment(member, appointment, "Ada urusan keluarga", now)
    db.session.commit()
    assert appointment.status == "cancelled" and not appointment.late_cancellation
    reminders = [m for k, m in outbox(f"appointment:{appointment.id}:reminder").items()]
    assert reminders and all(m.status == "cancelled" for m in reminders)
    # The counselor is told; the slot can be booked again.
    assert outbox(f"appointment:{appointment.id}:cancelled")
    other = make_user()
    again = booking.book_appointment(other, profile, other, appointment.starts_at, "phone", now=now)
    db.session.commit()
    assert again.status == "confirmed"


def test_late_cancellation_after_the_counselors_notice(make_counselor, now, book):
    profile = make_counselor(cancel_notice_hours=48)
    appointment = book(profile, index=30, now=now)  # days ahead: chosen before the notice
    assert appointment.starts_at - now > timedelta(hours=48)
    inside = appointment.starts_at - timedelta(hours=24)
    assert booking.is_late_cancellation(appointment, inside - timedelta(hours=25)) is False
    booking.cancel_appointment(appointment.member, appointment, "Sakit", inside)
    assert appointment.late_cancellation is True
    far = book(profile, index=40, now=now)
    booking.cancel_appointment(far.member, far, "Sakit", now)
    assert far.late_cancellation is False
    # A counselor cancelling is never the member's late cancellation.
    third = book(profile, index=31, now=now)
    booking.cancel_appointment(profile.user, third, "Saya sakit", third.starts_at - timedelta(hours=1))
    assert third.late_cancellation is False


def test_a_session_booked_inside_the_notice_is_never_a_late_cancellation(make_counselor, now, book):
    """Issue 8 item 23: booking needs 12 h, cancelling 24 h; a session booked
    12-24 h ahead was "late" from the moment it was booked."""
    profile = make_counselor(
        cancel_notice_hours=24, min_notice_hours=12, ranges=[(d, 0, 1440) for d in range(7)]
    )
    appointment = book(profile, index=2, now=now)
    assert timedelta(hours=12) <= appointment.starts_at - now < timedelta(hours=24)
    assert booking.inside_cancel_notice(profile, appointment.starts_at, now) is True
    assert booking.is_late_cancellation(appointment, now + timedelta(hours=1)) is False
    booking.cancel_appointment(appointment.member, appointment, "Anak sakit", now + timedelta(hours=1))
    assert appointment.status == "cancelled" and appointment.late_cancellation is False


def test_a_proposed_time_accepted_inside_the_notice_is_never_late(make_counselor, now, book):
    profile = make_counselor(cancel_notice_hours=24, requires_confirmation=False)
    appointment = book(profile, index=40, now=now)
    soon = availability.free_slots_for(profile, now, ignore_notice=True)[1]
    assert soon - now < timedelta(hours=24)
    rescheduling.propose_reschedule(profile.user, appointment, soon, now)
    rescheduling.accept_proposal(appointment.member, appointment, now)
    assert appointment.starts_at == soon
    booking.cancel_appointment(appointment.member, appointment, "Tidak bisa", now + timedelta(minutes=5))
    assert appointment.late_cancellation is False


def test_past_appointment_cannot_be_cancelled(make_counselor, now, book):
    profile = make_counselor()
    appointment = book(profile, now=now)
    with pytest.raises(booking.CounselingError, match="sudah lewat"):
        booking.cancel_appointment(appointment.member, appointment, "x", appointment.starts_at + timedelta(minutes=1))


def test_reschedule_moves_reminders(make_counselor, now, book):
    profile = make_counselor(requires_confirmation=False)
    appointment = book(profile, index=10, now=now)
    old_stamp = int(appointment.starts_at.timestamp())
    new_start = availability.free_slots_for(profile, now)[20]
    rescheduling.reschedule_appointment(appointment.member, appointment, new_start, now)
    db.session.commit()
    assert appointment.starts_at == new_start and appointment.status == "confirmed"
    keys = outbox(f"appointment:{appointment.id}:reminder")
    old = [m for k, m in keys.items() if f":{old_stamp}:" in k]
    new = [m for k, m in keys.items() if f":{int(new_start.timestamp())}:" in k]
    assert old and all(m.status == "cancelled" for m in old)
    assert new and all(m.status == "pending" for m in new)
    assert {m.due_at for m in new} == {new_start - timedelta(hours=24), new_start - timedelta(hours=2)}


def test_reschedule_into_a_taken_slot_is_refused(make_counselor, now, book):
    profile = make_counselor()
    first = book(profile, index=0, now=now)
    second = book(profile, index=1, now=now)
    with pytest.raises(booking.SlotTaken, match="baru saja diambil"):
        rescheduling.reschedule_appointment(second.member, second, first.starts_at, now)


def test_counselor_proposes_member_accepts(make_counselor, now, book):
    profile = make_counselor()
    appointment = book(profile, index=0, now=now)
    proposed = availability.free_slots_for(profile, now)[8]
    rescheduling.propose_reschedule(profile.user, appointment, proposed, now)
    db.session.commit()
    assert appointment.starts_at != proposed and appointment.proposed_starts_at == proposed
    rescheduling.accept_proposal(appointment.member, appointment, now)
    db.session.commit()
    assert appointment.starts_at == proposed and appointment.status == "confirmed"
    assert appointment.proposed_starts_at is None


def test_proposal_taken_meanwhile_is_just_taken(make_counselor, make_user, now, book):
    profile = make_counselor()
    appointment = book(profile, index=0, now=now)
    proposed = availability.free_slots_for(profile, now)[8]
    rescheduling.propose_reschedule(profile.user, appointment, proposed, now)
    db.session.commit()
    other = make_user()
    booking.book_appointment(other, profile, other, proposed, "phone", now=now)
    db.session.commit()
    with pytest.raises(booking.SlotTaken, match="baru saja diambil"):
        rescheduling.accept_proposal(appointment.member, appointment, now)


def test_outcome_only_after_the_start(make_counselor, now, book):
    profile = make_counselor(requires_confirmation=False)
    appointment = book(profile, now=now)
    with pytest.raises(booking.CounselingError, match="belum dimulai"):
        booking.mark_outcome(profile.user, appointment, True, now)
    booking.mark_outcome(profile.user, appointment, False, appointment.starts_at + timedelta(minutes=20))
    assert appointment.status == "no_show"


def test_on_behalf_booking_skips_notice_and_is_confirmed(make_counselor, make_user, now):
    profile = make_counselor(min_notice_hours=12)
    member = make_user()
    soon = availability.free_slots_for(profile, now, ignore_notice=True)[0]
    assert soon - now < timedelta(hours=12)
    appointment = booking.book_appointment(profile.user, profile, member, soon, "in_person", now=now)
    assert appointment.status == "confirmed" and appointment.booked_by_id == profile.user_id
    stranger = make_user(roles=("member", "counselor"))
    with pytest.raises(booking.CounselingError, match="Hanya konselor ini"):
        booking.book_appointment(stranger, profile, member, soon + timedelta(hours=2), "phone", now=now)


def test_pseudonym_until_shared(make_counselor, now, book):
    profile = make_counselor()
    appointment = book(profile, now=now, pseudonym="Ina")
    later = book(profile, member=appointment.member, index=30, now=now, pseudonym="Ina")
    assert appointment.client_label == "Ina" and appointment.member.name not in appointment.client_label
    booking.share_identity(appointment.member, appointment)
    assert appointment.client_label == appointment.member.name
    assert later.client_label == appointment.member.name


def test_wellbeing_acute_answers_flag_urgent_and_tell_counselors(make_counselor, make_user, now, book):
    profile = make_counselor()
    other_counselor = make_counselor()
    appointment = book(profile, now=now)
    calm = wellbeing.submit_wellbeing(
        appointment.member, {"mood": "1", "sleep": "2", "safe": "yes", "harm": "no"}, appointment
    )
    assert not calm.acute and not appointment.urgent
    check = wellbeing.submit_wellbeing(
        appointment.member, {"mood": "3", "sleep": "3", "safe": "yes", "harm": "plan"}, appointment
    )
    db.session.commit()
    assert check.acute and appointment.urgent
    for counselor in (profile, other_counselor):
        message = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.key == f"wellbeing:{check.id}:urgent:{counselor.user_id}:whatsapp"))
        assert message.urgent is True
    # Stored encrypted, never as plain answers.
    raw = db.session.execute(text("SELECT answers FROM counseling_wellbeing_checks WHERE id = :i"), {"i": check.id}).scalar()
    assert "plan" not in raw
    assert [flag.check for flag in wellbeing.open_urgent_checks()] == [check]
    wellbeing.handle_urgent(profile.user, check)
    assert wellbeing.open_urgent_checks() == []
    assert wellbeing.is_acute({"safe": "no"}) is True


def test_session_note_encrypted_author_only_and_audited(make_counselor, now, book):
    profile = make_counselor()
    appointment = book(profile, now=now)
    notes.save_note(profile.user, appointment, "Klien bercerita tentang majikan di Johor.")
    db.session.commit()
    raw = db.session.execute(text("SELECT body FROM counseling_session_notes")).scalar()
    assert "Johor" not in raw
    assert notes.read_note(profile.user, appointment).body.endswith("Johor.")
    other = make_counselor()
    assert notes.read_note(other.user, appointment) is None
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("counseling_note.open") == 2 and "counseling_note.write" in actions


def test_handover_note_shared_only_with_consent(make_counselor, now, book):
    first = make_counselor()
    second = make_counselor(requires_confirmation=False)
    stranger = make_counselor(requires_confirmation=False)
    appointment = book(first, now=now)
    member = appointment.member
    book(second, member=member, now=now)  # she chose the second counselor herself
    notes.save_handover(first.user, member, "Lebih nyaman bicara bahasa Dawan.")
    db.session.commit()
    assert notes.shared_handover_notes(second.user, member) == []
    notes.set_handover_consent(member, True)
    db.session.commit()
    assert [n.body for n in notes.shared_handover_notes(second.user, member)] == [
        "Lebih nyaman bicara bahasa Dawan."
    ]
    assert notes.shared_handover_notes(stranger.user, member) == []  # not her counselor
    notes.set_handover_consent(member, False)
    assert notes.shared_handover_notes(second.user, member) == []


def test_morning_list_once_per_counselor_per_day(make_counselor, now, book):
    profile = make_counselor(requires_confirmation=False, min_notice_hours=0)
    idle = make_counselor()
    slots = availability.free_slots_for(profile, now)
    today = [s for s in slots if local_day(s) == local_day(now)][:2]
    for start in today:
        book(profile, now=now, index=slots.index(start) - today.index(start))
    assert send_counselor_morning_lists(now) == 1
    assert send_counselor_morning_lists(now + timedelta(hours=1)) == 1  # same key: nothing new
    db.session.commit()
    key = f"counselor:{profile.id}:daily:{local_day(now).isoformat()}"
    notices = db.session.scalars(select(Notification).where(Notification.key == f"{key}:in_app")).all()
    assert len(notices) == 1 and notices[0].params["count"] == 2
    assert not db.session.scalar(select(Notification.id).where(Notification.user_id == idle.user_id))


def test_export_includes_appointments_but_never_notes(make_counselor, now, book):
    profile = make_counselor()
    appointment = book(profile, now=now, topic="Susah tidur")
    notes.save_note(profile.user, appointment, "RAHASIA-KONSELOR")
    notes.save_handover(profile.user, appointment.member, "SERAH-TERIMA")
    db.session.commit()
    data = export_personal_data(appointment.member)
    dumped = json.dumps(data)
    assert data["counseling"]["appointments"][0]["topic"] == "Susah tidur"
    assert "RAHASIA-KONSELOR" not in dumped and "SERAH-TERIMA" not in dumped
    assert "RAHASIA-KONSELOR" not in json.dumps(export_personal_data(profile.user))


def test_account_deletion_cancels_and_erases(make_counselor, now, book):
    profile = make_counselor(requires_confirmation=False)
    appointment = book(profile, index=20, now=now, topic="Utang ke calo", pseudonym="Ina")
    notes.save_note(profile.user, appointment, "catatan")
    member = appointment.member
    assert [m for m in outbox(f"appointment:{appointment.id}:").values() if m.status == "pending"]
    delete_account(member)
    db.session.commit()
    row = db.session.get(Appointment, appointment.id)
    assert row.status == "cancelled" and row.topic is None and row.pseudonym is None
    assert db.session.scalar(select(SessionNote.id)) is None
    # Nothing is left to send to the deleted member.
    assert not [m for m in outbox(f"appointment:{appointment.id}:").values()
                if m.user_id == member.id and m.status == "pending"]
    assert appointment.starts_at in availability.free_slots_for(profile, now)
    assert db.session.get(User, member.id).deleted_at is not None


def test_years_of_history_do_not_slow_the_window_query(make_counselor, make_user, now, count_queries):
    profile = make_counselor()
    member = make_user()
    past_day = local_day(now) - timedelta(days=400)
    for i in range(300):
        start = local_moment(past_day + timedelta(days=i), 9 * 60)
        db.session.add(Appointment(counselor_id=profile.id, member_id=member.id, starts_at=start,
                                   ends_at=start + timedelta(hours=1), mode="phone", status="attended"))
    db.session.commit()
    profile = db.session.get(type(profile), profile.id)
    profile.ranges, profile.exceptions  # noqa: B018 (loaded before counting)
    with count_queries() as log:
        slots = availability.free_slots_for(profile, now)
    assert slots and log.count == 1
    # Only the window is read, not the 300 past sessions.
    assert "starts_at >=" in log.statements[0].replace('"', "").replace("appointments.", "")


@pytest.mark.parametrize("action", ["confirm", "cancel", "decline", "propose", "accept_booking"])
def test_every_change_is_refused_when_the_state_moved_meanwhile(make_counselor, now, book, action):
    """Issue 8 item 12 (the single-session half; the race itself is in
    test_concurrency): a change made from a state the row is no longer in is
    refused with a clear message, and nothing of it is written."""
    profile = make_counselor()
    appointment = book(profile, now=now)
    later = availability.free_slots_for(profile, now)[5]
    if action == "accept_booking":
        appointment.booked_by_id = profile.user_id  # booked on her behalf
        db.session.commit()
    # Someone else cancelled it a moment ago; this object still holds "requested".
    with db.engine.begin() as other:
        other.execute(update(Appointment.__table__).where(Appointment.__table__.c.id == appointment.id)
                      .values(status="cancelled"))
    assert appointment.status == "requested"
    calls = {
        "confirm": lambda: booking.confirm_appointment(profile.user, appointment, now),
        "cancel": lambda: booking.cancel_appointment(appointment.member, appointment, "x", now),
        "decline": lambda: booking.decline_appointment(profile.user, appointment, "Penuh"),
        "propose": lambda: rescheduling.propose_reschedule(profile.user, appointment, later, now),
        "accept_booking": lambda: booking.accept_booking(appointment.member, appointment, now),
    }
    with pytest.raises(StatusChanged, match="baru saja diubah"):
        calls[action]()
    db.session.rollback()
    db.session.expire_all()
    row = db.session.get(Appointment, appointment.id)
    assert (row.status, row.proposed_starts_at, row.member_accepted_at) == ("cancelled", None, None)
    assert row.cancel_reason is None and row.decline_reason is None and row.confirmed_at is None
    assert not outbox(f"appointment:{appointment.id}:confirmed")
    assert not outbox(f"appointment:{appointment.id}:proposal")
