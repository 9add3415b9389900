"""python manage.py import_innovations FILE.csv --municipality SLUG"""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.selectors import municipality_get
from reports import services


class Command(BaseCommand):
    help = "Import innovation records from CSV into one municipality (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--municipality", required=True, help="municipality slug")

    def handle(self, *args, **options):
        municipality = municipality_get(slug=options["municipality"])
        if municipality is None:
            raise CommandError(f"no municipality {options['municipality']!r}")
        with open(options["file"], "rb") as handle, translation.override("en"):
            try:
                counts = services.innovations_import(municipality=municipality, data=handle.read())
            except ValidationError as error:
                raise CommandError("nothing was imported:\n" + "\n".join(error.messages)) from error
        self.stdout.write(f"{counts['created']} created, {counts['updated']} updated")
