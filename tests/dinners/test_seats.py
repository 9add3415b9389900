"""Seats, the waiting list and its promotions, cancellations, invitations, and the e-mails."""
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dinners import services
from dinners.models import DinnerStatus, Seat, SeatKind, SeatStatus
from dinners.tasks import queue_reminders
from notify.models import Notice
from notify.tasks import deliver_due

from .conftest import make_dinner

pytestmark = pytest.mark.django_db(transaction=False)


def ics_text(message) -> str:
    content = message.attachments[0][1]
    return content.decode() if isinstance(content, bytes) else content


def book(dinner, guest, **kwargs):
    return services.seat_book(dinner=dinner, guest=guest, **kwargs)


def test_seats_are_confirmed_while_free_then_the_waiting_list_fills(dinner, guests, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seats = [book(dinner, g) for g in guests[:8]]
    assert [s.status for s in seats] == ["confirmed"] * 6 + ["waiting"] * 2
    subjects = [m.subject for m in mail.outbox]
    assert sum("bekræftet" in s for s in subjects) == 6, subjects
    assert sum("venteliste" in s for s in subjects) == 2, subjects


def test_a_double_click_gives_one_place(dinner, guests):
    first = book(dinner, guests[0], diet="vegansk")
    again = book(dinner, guests[0])
    assert first.pk == again.pk
    assert Seat.objects.filter(dinner=dinner, guest=guests[0]).count() == 1


def test_cancelling_a_seat_promotes_the_first_on_the_waiting_list_and_tells_them(dinner, guests, django_capture_on_commit_callbacks):
    seats = [book(dinner, g) for g in guests[:9]]
    first_waiting, second_waiting = seats[6], seats[7]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.seat_cancel(seat=seats[2], actor=guests[2])
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == SeatStatus.CONFIRMED
    assert second_waiting.status == SeatStatus.WAITING
    assert Seat.objects.filter(dinner=dinner, status="confirmed").count() == 6
    assert [m.to for m in mail.outbox] == [[guests[6].email]]
    promoted = mail.outbox[0]
    assert "Hemmeligvej 7" in promoted.body, "the promoted guest now gets the address"
    assert promoted.attachments and promoted.attachments[0][0].endswith(".ics")


def test_leaving_the_waiting_list_promotes_nobody_and_keeps_order(dinner, guests):
    seats = [book(dinner, g) for g in guests[:9]]
    services.seat_cancel(seat=seats[7], actor=guests[7])
    services.seat_cancel(seat=seats[0], actor=guests[0])
    statuses = {s.guest_id: s.status for s in Seat.objects.filter(dinner=dinner)}
    assert statuses[guests[6].pk] == "confirmed"
    assert statuses[guests[7].pk] == "cancelled"
    assert statuses[guests[8].pk] == "waiting"


def test_a_cancelled_seat_can_be_taken_again_later(dinner, guests):
    seat = book(dinner, guests[0])
    services.seat_cancel(seat=seat, actor=guests[0])
    again = book(dinner, guests[0])
    assert again.pk != seat.pk and again.status == SeatStatus.CONFIRMED


def test_private_seats_are_kept_for_the_hosts_invitation_link(programme, host, district, guests):
    dinner = make_dinner(programme, host, district=district, seats=4, private_seats=2)
    open_seats = [book(dinner, g) for g in guests[:3]]
    assert [s.status for s in open_seats] == ["confirmed", "confirmed", "waiting"]
    invited = [book(dinner, g, invite_token=dinner.invite_token) for g in guests[3:6]]
    assert [s.status for s in invited] == ["confirmed", "confirmed", "waiting"]
    assert invited[0].kind == SeatKind.INVITED
    with pytest.raises(PermissionDenied):
        book(dinner, guests[7], invite_token="not-the-token")


def test_the_host_cannot_book_their_own_dinner_nor_anyone_a_past_or_cancelled_one(programme, dinner, host, guests):
    with pytest.raises(ValidationError):
        book(dinner, host)
    services.dinner_cancel(dinner=dinner, actor=host)
    with pytest.raises(ValidationError):
        book(dinner, guests[0])


def test_sign_up_is_closed_outside_the_window_but_invitations_still_work(programme, dinner, guests):
    programme.signup_closes = timezone.now() - timedelta(minutes=1)
    programme.signup_opens = timezone.now() - timedelta(days=9)
    programme.save()
    dinner.refresh_from_db()
    with pytest.raises(ValidationError, match="closed|lukket"):
        book(dinner, guests[0])
    assert book(dinner, guests[1], invite_token=dinner.invite_token).status == SeatStatus.CONFIRMED


def test_cancelling_the_dinner_tells_every_guest_without_the_address(dinner, host, guests, django_capture_on_commit_callbacks):
    for g in guests[:8]:
        book(dinner, g)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.dinner_cancel(dinner=dinner, actor=host, reason="Jeg er desværre syg.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(g.email for g in guests[:8])
    assert all("Jeg er desværre syg." in m.body for m in mail.outbox)
    assert not any("Hemmeligvej" in m.body for m in mail.outbox)
    assert all("METHOD:CANCEL" in ics_text(m) for m in mail.outbox)
    assert not Seat.objects.filter(dinner=dinner, status__in=["confirmed", "waiting"]).exists()


def test_a_new_time_reaches_confirmed_guests_with_an_updated_invitation(dinner, host, guests, django_capture_on_commit_callbacks):
    book(dinner, guests[0])
    mail.outbox.clear()
    new_time = dinner.starts_at + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.dinner_update(dinner=dinner, actor=host, starts_at=new_time, menu="Lasagne")
    assert len(mail.outbox) == 1
    ics = ics_text(mail.outbox[0])
    assert "SEQUENCE:1" in ics and "LOCATION:Hemmeligvej 7" in ics
    with django_capture_on_commit_callbacks(execute=True):
        services.dinner_update(dinner=dinner, actor=host, menu="Pizza")
    assert len(mail.outbox) == 1, "a new menu is not news worth an e-mail"


def test_offering_fewer_seats_than_confirmed_guests_is_refused_in_plain_words(dinner, host, guests):
    for g in guests[:4]:
        book(dinner, g)
    with pytest.raises(ValidationError) as error:
        services.dinner_update(dinner=dinner, actor=host, seats=3)
    assert "4" in str(error.value)


def test_more_seats_promote_from_the_waiting_list(dinner, host, guests):
    for g in guests[:8]:
        book(dinner, g)
    services.dinner_update(dinner=dinner, actor=host, seats=8)
    assert Seat.objects.filter(dinner=dinner, status="confirmed").count() == 8


def test_reminders_and_guest_lists_are_sent_once_even_if_the_task_runs_twice(programme, host, district, guests,
                                                                              django_capture_on_commit_callbacks):
    dinner = make_dinner(programme, host, district=district, days=1)
    Seat.objects.all().delete()
    for g in guests[:3]:
        book(dinner, g, diet="glutenfri" if g == guests[0] else "")
    from dinners.models import Dinner

    Dinner.objects.filter(pk=dinner.pk).update(starts_at=timezone.now() + timedelta(hours=20))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        queue_reminders()
    with django_capture_on_commit_callbacks(execute=True):
        queue_reminders()
    deliver_due()
    reminders = [m for m in mail.outbox if m.to[0] != host.email]
    host_mail = [m for m in mail.outbox if m.to[0] == host.email]
    assert sorted(m.to[0] for m in reminders) == sorted(g.email for g in guests[:3])
    assert len(host_mail) == 1 and "glutenfri" in host_mail[0].body
    assert guests[0].public_name in host_mail[0].body


def test_a_notice_lost_by_a_dead_worker_is_sent_by_the_sweep_exactly_once(dinner, guests, monkeypatch):
    from realtime import enqueue

    monkeypatch.setattr(enqueue, "enqueue_now", lambda *args, **kwargs: False)  # the broker or worker is gone
    book(dinner, guests[0])
    notice = Notice.objects.get()
    Notice.objects.filter(pk=notice.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    mail.outbox.clear()
    assert deliver_due() == 1
    assert deliver_due() == 0
    assert len(mail.outbox) == 1


def test_pending_dinners_wait_for_approval_and_a_decline_needs_a_reason(municipality, district, host, staff):
    from .conftest import make_programme

    programme = make_programme(municipality, hosts_need_approval=True, slug="med-godkendelse")
    dinner = services.dinner_offer(programme=programme, host=host, title="Te", venue_type="home",
                                   starts_at=timezone.now() + timedelta(days=3), district=district, seats=5,
                                   address="Skjultvej 1")
    assert dinner.status == DinnerStatus.PENDING and not dinner.is_bookable
    with pytest.raises(ValidationError):
        services.dinner_decide(dinner=dinner, actor=staff, approve=False, reason="  ")
    services.dinner_decide(dinner=dinner, actor=staff, approve=False, reason="Uden for kommunen")
    dinner.refresh_from_db()
    assert dinner.status == DinnerStatus.DECLINED


def test_dinners_outside_the_programme_are_refused_field_by_field(programme, host, district, municipality):
    from tests.factories import DistrictFactory

    elsewhere = DistrictFactory()
    with pytest.raises(ValidationError) as error:
        services.dinner_offer(programme=programme, host=host, title="X", venue_type="home",
                              starts_at=programme.dinners_until + timedelta(days=3), district=elsewhere,
                              seats=12, address="Et sted")
    assert set(error.value.message_dict) == {"starts_at", "district", "seats"}
