"""Work the failure tests set up inside the application's own processes (run through
conftest.run_python, so it uses the private database and broker, not the test run's)."""
from __future__ import annotations

import json


def queue_notifications(*, guests: int, followers: int, tag: str) -> dict:
    """Seat sign-ups (a notice each) and a status change followed by many people: every
    e-mail is queued to the broker, none sent yet. Returns the expected idempotency keys."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import Municipality
    from dinners import services as dinners
    from ideas.models import Campaign, Follow, Status
    from ideas.services.ideas import idea_follow, idea_submit
    from ideas.services.staff import idea_status_change
    from notify.models import Notice, State

    # The failure tests on one xdist worker share this database: an e-mail another of them
    # left queued (a seat booked while its broker was down) is not this scenario's, and the
    # sweep below would send it. Only this scenario's e-mails are in the outbox.
    Notice.objects.filter(state=State.QUEUED).delete()
    User = get_user_model()
    aarhus = Municipality.objects.get(slug="aarhus")
    district = aarhus.districts.first()
    people = User.objects.bulk_create([
        User(email=f"{tag}{n}@example.org", display_name=f"{tag} {n}", municipality=aarhus, district=district,
             password="!")  # noqa: S106 - an unusable password
        for n in range(guests + followers + 1)])
    people = list(User.objects.filter(email__startswith=tag).order_by("pk"))
    host, guests_, followers_ = people[0], people[1:guests + 1], people[guests + 1:]
    staff = User.objects.get(email="staff@example.dk")

    now = timezone.now()
    programme = dinners.programme_create(
        municipality=aarhus, title=f"Middage {tag}", theme="Fremtidens by", host_instructions="Inviter.",
        privacy_text="Adressen ses kun af gæsterne.", signup_opens=now - timedelta(days=1),
        signup_closes=now + timedelta(days=5), dinners_from=now, dinners_until=now + timedelta(days=30),
        questions=["Hvad er et godt liv her?", "Hvad kan du selv gøre?", "Hvad skal kommunen stoppe?"],
        max_seats=guests, hosts_need_approval=False)
    dinner = dinners.dinner_offer(
        programme=programme, host=host, title="Suppe og snak", venue_type="home",
        starts_at=now + timedelta(days=7), district=district, seats=guests, private_seats=0,
        address="Hemmeligvej 7, 8000 Aarhus C", menu="Suppe", diets="")
    first_notice = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for guest in guests_:
        dinners.seat_book(dinner=dinner, guest=guest)
    notice_keys = list(Notice.objects.filter(pk__gt=first_notice).values_list("key", flat=True))

    campaign = Campaign.objects.filter(municipality=aarhus).order_by("pk").first()
    idea = idea_submit(author=host, campaign=campaign, title=f"Lys på stien {tag}",
                       body="Stien langs åen er mørk om vinteren.")
    for follower in followers_:
        idea_follow(idea=idea, user=follower)
    change = idea_status_change(actor=staff, idea=idea, to_status=Status.UNDER_REVIEW,
                                answer="Vi ser på det til foråret.")
    recipients = {f.user_id for f in Follow.objects.filter(idea=idea)} | {host.pk}
    status_keys = [f"status:{change.pk}:{pk}" for pk in sorted(recipients)]
    return {"notices": notice_keys, "status": status_keys}


def main(name: str, **kwargs) -> None:
    print(json.dumps(globals()[name](**kwargs)))
