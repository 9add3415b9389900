"""``python manage.py import_pb FILE.pb --municipality SLUG [--district SLUG] [--title T]``
(or ``--create-municipality``): create a budget process, its projects and ballots from a
pabulib file."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import District, Municipality
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
            help="the municipality the process belongs to (required, unless --create-municipality)",
        )
        parser.add_argument(
            "--create-municipality",
            action="store_true",
            help="find or create the municipality (and the file's district) from the file's META",
        )
        parser.add_argument(
            "--district",
            metavar="SLUG",
            help="the municipality's district a district file's budget belongs to "
            "(default: the district named like the file's META district/subunit)",
        )
        parser.add_argument("--title", default="", help="the process title (default: META description)")

    def handle(self, *args, **options):
        municipality = district = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(slug=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"no municipality with the slug {options['municipality']!r}")
        elif not options["create_municipality"]:
            raise CommandError("name the municipality: --municipality SLUG (or --create-municipality to "
                               "make one from the file's META)")
        if options["district"]:
            district = District.objects.filter(municipality=municipality, slug=options["district"]).first()
            if district is None:
                raise CommandError(f"no district {options['district']!r} in that municipality")
        try:
            process = process_import(
                source=options["file"], municipality=municipality, title=options["title"], district=district,
                create_municipality=options["create_municipality"],
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
