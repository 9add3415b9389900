"""python manage.py barometer_report FILE.csv [--json]"""
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from reports import figures, tables
from reports.csv_report import report_from_csv


class Command(BaseCommand):
    help = "Compute the Innovation Barometer figures from a CSV file of innovation records."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with the columns id, municipality, country, sector_level, ...")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args, **options):
        try:
            with open(options["file"], "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise CommandError(f"cannot read {options['file']}: {error}") from error
        with translation.override("en"):
            report, errors = report_from_csv(data)
            if errors:
                raise CommandError("the file has errors:\n" + "\n".join(str(e) for e in errors))
            if options["json"]:
                self.stdout.write(json.dumps(figures.as_json(report), indent=2, ensure_ascii=False))
                return
            for table in (tables.roles_table(report), tables.values_table(report), tables.countries_table(report)):
                self.stdout.write(table.title)
                for row in table.rows:
                    self.stdout.write("  " + " | ".join(str(cell) for cell in row))
                self.stdout.write("")
