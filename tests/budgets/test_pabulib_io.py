"""Importing pabulib files into budget processes and exporting them again (budgets.pabulib,
``manage.py import_pb``), on the shared reference elections."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.models import Country, Language, Municipality
from budgets.models import (
    Ballot,
    BallotType,
    BudgetProcess,
    Channel,
    Participation,
    Phase,
    Project,
    Result,
)
from budgets.pabulib import age_band, process_export, process_import
from budgets.selectors import counted_total
from budgets.tally import PbFormatError, read_pb
from tests.budgets.factories import open_box, process_outcome
from tests.budgets.tally.pabulib_files import load, require_pabulib
from tests.factories import MunicipalityFactory, UserFactory

ASSEN = "Netherlands_Assen_2024"
CZESTOCHOWA = "Poland_Czestochowa_2020_Grabowka"
MERCED = "US_Stanford_Dataset_Merced_Peoples_Budget_Ballot_2019_vote_rankings"

pytestmark = pytest.mark.django_db


def shared(stem: str):
    path = require_pabulib() / f"{stem}.pb"
    if not path.exists():
        pytest.fail(f"{path.name} is missing from the shared pabulib folder", pytrace=False)
    return path


def vote_multiset(election) -> Counter:
    """Ballots as comparable values, independent of voter ids and order."""
    ids = election.project_ids
    if election.points is not None:
        return Counter(
            tuple(sorted((ids[i], int(n)) for i, n in zip(b, pts, strict=True)))
            for b, pts in zip(election.ballots, election.points, strict=True)
        )
    if election.vote_type == "ordinal":
        return Counter(tuple(ids[i] for i in b) for b in election.ballots)
    return Counter(frozenset(ids[i] for i in b) for b in election.ballots)


# -- import --------------------------------------------------------------------------------

def counted(process) -> list[dict]:
    return [c for row in process.counted_ballots.values_list("contents", flat=True) for c in row]


def test_assen_import_counts_design_and_official_result():
    path = shared(ASSEN)
    election = load(path)
    process = process_import(source=path, create_municipality=True)

    assert process.projects.count() == len(election.projects) == 14
    assert counted_total(process=process) == len(election.ballots) == 84
    assert Participation.objects.filter(process=process, channel=Channel.IMPORT, user=None).count() == 84
    assert not process.ballots.exists(), "a published election's ballots are counted, never sealed"
    assert process.title == "Assen Top Idee"
    assert process.ballot_type == BallotType.APPROVAL
    assert (process.total_budget, process.currency, process.min_projects) == (100000, "EUR", 2)
    assert process.tally_rule == "equalshares/add1"
    assert process.phase == Phase.COUNCIL_REVIEW
    assert process.proposals_start <= process.review_start <= process.voting_start
    assert process.voting_start < process.voting_end <= process.results_date
    assert process.voting_start.date().isoformat() == "2024-03-31"

    municipality = process.municipality
    assert (municipality.name, municipality.slug) == ("Assen", "assen")
    assert (municipality.country, municipality.default_language) == (Country.OTHER, Language.ENGLISH)

    # Results are computed, never imported.
    assert not Project.objects.filter(process=process, selected=True).exists()
    assert dict(process.projects.values_list("code", "cost")) == {
        p.project_id: p.cost for p in election.projects
    }

    official = {p.project_id for p in election.projects if p.selected == "1"}
    _outcome, codes = process_outcome(process=process, rule="equalshares/add1")
    assert set(codes) == official
    assert len(official) == 9


def test_cumulative_import_keeps_every_point():
    path = shared(CZESTOCHOWA)
    election = load(path)
    process = process_import(source=path, create_municipality=True)

    assert process.ballot_type == BallotType.CUMULATIVE
    assert (process.points, process.max_points_per_project) == (10, 10)
    assert process.projects.count() == len(election.projects)
    assert counted_total(process=process) == len(election.ballots) == 201
    score: Counter = Counter()
    for content in counted(process):
        score.update(content["points"])
    # The file's own score column (a repeated entry such as "579,579,579,579" adds up).
    assert dict(score) == {p.project_id: p.score for p in election.projects if p.score}
    # Municipality from META unit, transliterated slug.
    assert process.municipality.slug == "czestochowa"


def test_ordinal_import_keeps_the_order():
    path = shared(MERCED)
    election = load(path)
    process = process_import(source=path, create_municipality=True)

    assert process.ballot_type == BallotType.RANKED
    assert process.projects.count() == len(election.projects) == 8
    assert counted_total(process=process) == len(election.ballots) == 100
    stored = Counter(tuple(c["ranking"]) for c in counted(process))
    assert stored == vote_multiset(election)
    # The file has no names.
    assert set(process.projects.values_list("title", flat=True)) == {
        f"Project {p.project_id}" for p in election.projects
    }


def test_import_into_a_given_municipality_with_a_title_and_unique_slugs():
    aarhus = MunicipalityFactory(slug="aarhus", name="Aarhus Kommune")
    path = shared(ASSEN)
    first = process_import(source=path, municipality=aarhus, title="Borgerbudget Øst")
    second = process_import(source=path, municipality=aarhus, title="Borgerbudget Øst")
    assert first.municipality == second.municipality == aarhus
    assert (first.slug, second.slug) == ("borgerbudget-ost", "borgerbudget-ost-2")
    assert not Municipality.objects.filter(name="Assen").exists()


KNAPSACK_WITH_AGES = """META
key;value
description;Test knapsack
country;Denmark
unit;Ærø
instance;2023
budget;1000
vote_type;approval
max_sum_cost;800
max_length;2
currency;DKK
rule;greedy
PROJECTS
project_id;cost;name;selected
a;500;Park;1
b;300;Bench;1
c;700;Playground;0
VOTES
voter_id;vote;age
v1;a,b;17
v2;c;34
v3;b,a;70
v4;b;
"""


def test_knapsack_from_text_with_age_bands():
    process = process_import(source=KNAPSACK_WITH_AGES, create_municipality=True)
    assert process.ballot_type == BallotType.KNAPSACK
    assert (process.spending_limit, process.max_projects) == (800, 2)
    assert process.municipality.slug == "aero"
    assert process.municipality.country == Country.DENMARK
    assert process.municipality.default_language == Language.DANISH
    assert sorted(process.participations.values_list("age_band", flat=True)) == [
        "", "30-49", "65+", "<18",
    ]
    assert sorted(tuple(c["projects"]) for c in counted(process)) == [
        ("a", "b"), ("a", "b"), ("b",), ("c",),
    ]
    text = process_export(process=process)
    exported = read_pb(text)
    assert exported.meta["max_sum_cost"] == "800"
    assert exported.meta["max_length"] == "2"
    assert exported.meta["country"] == "Denmark"
    assert "age" not in exported.vote_columns


@pytest.mark.parametrize(("age", "band"), [("17", "<18"), ("18", "18-29"), ("49", "30-49"),
                                           ("64", "50-64"), ("65", "65+"), ("", ""),
                                           ("None", ""), ("0", ""), ("116", "")])
def test_age_band(age, band):
    assert age_band(age) == band


# -- export --------------------------------------------------------------------------------

def test_assen_round_trip():
    path = shared(ASSEN)
    original = load(path)
    process = process_import(source=path, create_municipality=True)

    text = process_export(process=process)
    exported = read_pb(text)

    assert [(p.project_id, p.cost) for p in exported.projects] == [
        (p.project_id, p.cost) for p in original.projects
    ]
    assert vote_multiset(exported) == vote_multiset(original)
    assert exported.vote_type == original.vote_type == "approval"
    assert exported.budget == original.budget
    assert exported.meta["rule"] == "equalshares/add1"
    assert exported.meta["min_length"] == "2"
    assert exported.meta["num_votes"] == "84"
    assert exported.meta["instance"] == "2024"
    assert exported.voter_ids == [str(n) for n in range(1, 85)]
    # Computed votes match the file's column; no selected column before publication.
    assert {p.project_id: p.votes for p in exported.projects} == {
        p.project_id: p.votes for p in original.projects
    }
    assert "selected" not in exported.project_columns
    assert not any(v in text for v in original.voter_ids)


def test_export_of_cumulative_and_ranked_processes():
    cumulative = process_import(source=shared(CZESTOCHOWA), create_municipality=True)
    exported = read_pb(process_export(process=cumulative))
    original = load(shared(CZESTOCHOWA))
    assert exported.vote_type == "cumulative"
    assert exported.meta["max_sum_points"] == "10"
    assert {p.project_id: p.score for p in exported.projects} == {
        p.project_id: p.score for p in original.projects
    }

    ranked = process_import(source=shared(MERCED), create_municipality=True)
    exported = read_pb(process_export(process=ranked))
    original = load(shared(MERCED))
    assert exported.vote_type == "ordinal"
    assert vote_multiset(exported) == vote_multiset(original)
    assert {p.project_id: p.score for p in exported.projects} == {
        p.project_id: p.score for p in original.projects
    }


def test_export_has_selected_once_the_result_is_published():
    process = process_import(source=shared(ASSEN), create_municipality=True)
    _outcome, codes = process_outcome(process=process)
    Result.objects.create(process=process, rule="equalshares/add1", selected_codes=codes, spent=0,
                          ballots=84, fingerprint="x", approved_by=UserFactory())
    BudgetProcess.objects.filter(pk=process.pk).update(phase=Phase.RESULTS)
    process.refresh_from_db()

    exported = read_pb(process_export(process=process))
    original = load(shared(ASSEN))
    assert "selected" in exported.project_columns
    assert {p.project_id: p.selected for p in exported.projects} == {
        p.project_id: p.selected for p in original.projects
    }


# -- broken files and the command ----------------------------------------------------------

def broken_copy(tmp_path) -> tuple:
    """Assen with one vote naming a project that does not exist; returns (path, line)."""
    lines = shared(ASSEN).read_text(encoding="utf-8").splitlines()
    line = lines.index("VOTES") + 4  # the third voter (1-based line number)
    voter = lines[line - 1].split(";")[0]
    lines[line - 1] = f"{voter};1,999"
    path = tmp_path / "broken.pb"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, line


def nothing_created():
    return not any(
        model.objects.exists()
        for model in (BudgetProcess, Project, Ballot, Participation, Municipality)
    )


def test_broken_file_raises_with_the_line_and_creates_nothing(tmp_path):
    path, line = broken_copy(tmp_path)
    with pytest.raises(PbFormatError) as caught:
        process_import(source=path, create_municipality=True)
    assert caught.value.line == line
    assert "999" in str(caught.value)
    assert nothing_created()


def test_fractional_points_are_refused_and_nothing_is_created():
    head, _votes = KNAPSACK_WITH_AGES.replace("vote_type;approval", "vote_type;scoring").split("VOTES")
    text = head + "VOTES\nvoter_id;vote;points\nv1;a,b;1.5,2\nv2;c;3\n"
    with pytest.raises(ValidationError, match="whole numbers"):
        process_import(source=text, create_municipality=True)
    assert nothing_created()


def test_command_prints_the_process(tmp_path):
    out = StringIO()
    call_command("import_pb", str(shared(ASSEN)), "--title", "Assen 2024", "--create-municipality", stdout=out)
    process = BudgetProcess.objects.get()
    assert out.getvalue().strip() == (
        f"Process {process.pk}: Assen 2024 (Assen); 14 projects, 84 ballots"
    )


def test_command_reports_the_broken_line(tmp_path):
    path, line = broken_copy(tmp_path)
    with pytest.raises(CommandError, match=rf"line {line}: .*'999'"):
        call_command("import_pb", str(path), "--create-municipality", stdout=StringIO())
    assert nothing_created()


def test_command_unknown_municipality():
    with pytest.raises(CommandError, match="no municipality"):
        call_command("import_pb", str(shared(ASSEN)), "--municipality", "nowhere", stdout=StringIO())
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_pb", "/nonexistent/file.pb", "--create-municipality", stdout=StringIO())


def test_the_command_names_a_municipality_or_creates_one_on_purpose():
    with pytest.raises(CommandError, match="name the municipality"):
        call_command("import_pb", str(shared(ASSEN)), stdout=StringIO())
    assert nothing_created()


def test_an_existing_municipality_never_gets_a_district_from_a_file(municipality):
    """Importing a Polish district file into Aarhus invented 'Murcki' as an Aarhus district,
    offered in every citizen's profile form; now the import asks which district it is."""
    from accounts.models import District

    before = set(District.objects.values_list("pk", flat=True))
    murcki = shared("Poland_Katowice_2024_Murcki")
    with pytest.raises(ValidationError, match="not a district of"):
        process_import(source=murcki, municipality=municipality)
    assert set(District.objects.values_list("pk", flat=True)) == before and not BudgetProcess.objects.exists()
    viby = District.objects.create(municipality=municipality, name="Viby", slug="viby")
    process = process_import(source=murcki, municipality=municipality, district=viby)
    assert process.district_budgets.get().district == viby
    assert set(District.objects.values_list("pk", flat=True)) == before | {viby.pk}
    out = StringIO()
    call_command("import_pb", str(murcki), "--municipality", municipality.slug, "--district", "viby", stdout=out)
    assert "(Viby)" in out.getvalue()


def test_ballots_that_break_the_elections_rules_are_named_by_line_and_nothing_is_imported(municipality):
    text = ("META\nkey;value\ndescription;Cumulative\ncountry;Poland\nunit;X\ninstance;2024\n"
            "num_projects;2\nnum_votes;3\nbudget;1000\nvote_type;cumulative\nmax_sum_points;10\n"
            "rule;greedy\nPROJECTS\nproject_id;cost;name\n1;600;A\n2;400;B\n"
            "VOTES\nvoter_id;vote;points\nv1;1,2;5,5\nv2;1,2;5,-3\nv3;1;11\n")
    with pytest.raises(ValidationError) as refused:
        process_import(source=text, municipality=municipality)
    message = " ".join(refused.value.messages)
    assert "2 ballots break" in message and "line 20: voter 'v2'" in message and "line 21: voter 'v3'" in message
    assert "line 19" not in message
    assert not BudgetProcess.objects.exists() and not Project.objects.exists()


def test_a_nul_byte_or_a_binary_file_gets_a_clear_message(tmp_path, municipality):
    path = tmp_path / "nul.pb"
    path.write_bytes(shared(ASSEN).read_bytes().replace(b"budget;", b"bud\0get;", 1))
    with pytest.raises(CommandError, match=r"line \d+: the line contains a NUL byte"):
        call_command("import_pb", str(path), "--municipality", municipality.slug, stdout=StringIO())
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(CommandError, match="not valid UTF-8"):
        call_command("import_pb", str(path), "--municipality", municipality.slug, stdout=StringIO())
    assert not BudgetProcess.objects.exists() and not Project.objects.exists()


@pytest.mark.django_db
def test_fingerprint_can_be_recomputed_from_the_export(municipality):
    import hashlib

    from budgets import results, services
    from budgets.tally import parse_pb_text
    from tests.budgets.factories import BudgetProcessFactory, ProjectFactory

    process = BudgetProcessFactory(municipality=municipality)
    for code in "ABC":
        ProjectFactory(process=process, code=code)
    for codes in (["A"], ["A", "C"], ["B"]):
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": codes})
    open_box(process, UserFactory(municipality=municipality))
    fingerprint, count = results.ballots_fingerprint(process)
    election = parse_pb_text(process_export(process=process))
    ids = election.project_ids
    lines = sorted(",".join(ids[i] for i in ballot) for ballot in election.ballots)
    assert count == 3 and hashlib.sha256("\n".join(lines).encode()).hexdigest() == fingerprint


@pytest.mark.django_db
def test_a_file_with_decimal_amounts_is_refused_by_the_import_and_nothing_is_created(municipality):
    from django.core.exceptions import ValidationError

    from budgets.models import BudgetProcess
    from budgets.pabulib import process_import

    text = ("META\nkey;value\ndescription;Kraków-like\ncountry;Poland\nunit;Kraków\ninstance;2024\n"
            "num_projects;2\nnum_votes;1\nbudget;1000.50\nvote_type;approval\nrule;greedy\n"
            "PROJECTS\nproject_id;cost;name\n1;600.25;A\n2;400.25;B\n"
            "VOTES\nvoter_id;vote\nv1;1,2\n")
    with pytest.raises(ValidationError) as refused:
        process_import(source=text, municipality=municipality)
    assert "1000.50" in " ".join(refused.value.messages)
    assert not BudgetProcess.objects.exists()
