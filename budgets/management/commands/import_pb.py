"""``python manage.py import_pb FILE.pb [--municipality SLUG] [--title T]``: create a budget
process, its projects and ballots from a pabulib file."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Municipality
from budgets.pabulib import process_import
from budgets.selectors import counted_total
from budgets.tally import TallyError


class Command(BaseCommand):
    help = "Import a participatory-budgeting election from a pabulib .pb file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the .pb file")
        parser.add_argument(
            "--municipality",
            metavar="SLUG",
            help="the municipality the process belongs to "
            "(default: found or created from the file's META unit)",
        )
        parser.add_argument("--title", default="", help="the process title (default: META description)")

    def handle(self, *args, **options):
        municipality = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(slug=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"no municipality with the slug {options['municipality']!r}")
        try:
            process = process_import(
                source=options["file"], municipality=municipality, title=options["title"]
            )
        except TallyError as exc:
            raise CommandError(f"{options['file']}: {exc}") from None
        except ValidationError as exc:
            raise CommandError(f"{options['file']}: {'; '.join(exc.messages)}") from None
        district = process.district_budgets.select_related("district").first()
        self.stdout.write(
            f"Process {process.pk}: {process.title} ({process.municipality.name}); "
            f"{process.projects.count()} projects, {counted_total(process=process)} ballots"
            + (f"; district budget {district.name} ({district.district.name})" if district else "")
        )
