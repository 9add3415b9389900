"""python manage.py export_innovations FILE.csv --municipality SLUG"""
from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import municipality_get
from reports import innovation_csv
from reports.selectors import innovation_list, innovation_rows


class Command(BaseCommand):
    help = "Export a municipality's innovation records as CSV."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--municipality", required=True, help="municipality slug")

    def handle(self, *args, **options):
        municipality = municipality_get(slug=options["municipality"])
        if municipality is None:
            raise CommandError(f"no municipality {options['municipality']!r}")
        with open(options["file"], "w", encoding="utf-8", newline="") as out:
            innovation_csv.write(innovation_rows(innovation_list(municipality=municipality).order_by("pk")), out)
