"""``python manage.py pb_tally FILE.pb --rule RULE [--json]``: tally a pabulib file."""

from __future__ import annotations

import json
from fractions import Fraction
from functools import partial

from django.core.management.base import BaseCommand, CommandError

from budgets.tally import RULE_NAMES, TallyError, outcome_stats, read_pb, tally
from budgets.tally.outcome import json_number


class Command(BaseCommand):
    help = "Compute the outcome of a participatory-budgeting election stored as a pabulib .pb file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the .pb file")
        parser.add_argument(
            "--rule",
            default="official",
            help=f"one of: {', '.join(RULE_NAMES)} (default: official, the rule named in the file)",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='print {"selected": [...], "spent": number, "scores": {...}} only',
        )

    def handle(self, *args, **options):
        try:
            election = read_pb(options["file"])
            outcome = tally(election, options["rule"])
        except TallyError as exc:
            raise CommandError(f"{options['file']}: {exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
            return
        self._table(election, outcome)

    def _table(self, election, outcome) -> None:
        out = self.stdout.write
        currency = election.meta.get("currency", "")
        stats = outcome_stats(outcome)
        out(f"Rule: {outcome.rule}")
        money = partial(election.format_money, grouping=True)
        out(f"Budget: {money(election.budget)} {currency}".rstrip())
        out(f"Spent: {money(outcome.spent)} {currency} on {len(outcome.selected)} projects".rstrip())
        out(
            f"Voters: {stats.voters:,}; with at least one funded project on their ballot: "
            f"{stats.voters_with_a_funded_project:,} "
            f"({float(stats.share_with_a_funded_project):.1%})"
        )
        for key, value in outcome.notes.items():
            if key in ("per_voter_budget", "overspent_at") and value is not None:
                value = Fraction(value, election.scale)  # minor units -> currency units
            out(f"{key.replace('_', ' ')}: {value}")
        out("")
        rows = [
            (
                str(n),
                election.projects[i].project_id,
                money(election.projects[i].cost),
                str(json_number(outcome.scores[i])),
                election.projects[i].name[:60],
            )
            for n, i in enumerate(outcome.selected, start=1)
        ]
        header = ("#", "project", "cost", "score", "name")
        widths = [max(len(r[c]) for r in [header, *rows]) for c in range(4)]
        line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)) + "  name"
        out(line)
        for r in rows:
            out(
                "  ".join(
                    [
                        r[0].rjust(widths[0]),
                        r[1].ljust(widths[1]),
                        r[2].rjust(widths[2]),
                        r[3].rjust(widths[3]),
                        r[4],
                    ]
                )
            )
