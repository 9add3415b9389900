"""Participatory budget processes, their projects, and secret, verifiable ballots.

Secrecy by construction: a `Ballot` holds what was voted and a keyed hash of the voter, a
`Participation` holds who voted (for turnout and eligibility) and nothing of the content.
The two meet only through an HMAC whose key is not in the database (budgets.secrecy), and
ballots carry no timestamps and random ids, so neither order nor time links them.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Municipality, deleted_user
from ideas.models import FlagReason, ModerationAction, Visibility, moderation_reason_display

from .secrecy import open_paper


class Phase(models.TextChoices):
    PROPOSALS = "proposals", _("Proposals")
    REVIEW = "review", _("Review")
    VOTING = "voting", _("Voting")
    COUNCIL_REVIEW = "council_review", _("Council review")
    RESULTS = "results", _("Results")
    IMPLEMENTATION = "implementation", _("Implementation")


PHASE_ORDER = [p.value for p in Phase]
#: The phases in which citizens comment on a published process's projects: all of them, from
#: the first proposals to the implementation. Proposals are discussed while they are made and
#: reviewed; while voting, the arguments for and against are what a voter reads; after the
#: result, citizens ask about what was (not) funded and react to the progress posted while it
#: is built. A draft has no public projects to comment on. Høst has no archived state: a phase
#: added after these (an archive) is closed to comments unless it is named here.
COMMENT_PHASES = (Phase.PROPOSALS, Phase.REVIEW, Phase.VOTING, Phase.COUNCIL_REVIEW, Phase.RESULTS,
                  Phase.IMPLEMENTATION)


class BallotType(models.TextChoices):
    APPROVAL = "approval", _("Approval: choose the projects you support")
    KNAPSACK = "knapsack", _("Knapsack: choose projects within the budget")
    CUMULATIVE = "cumulative", _("Cumulative: spread points over projects")
    RANKED = "ranked", _("Ranked: put your favourites in order")


class TallyRule(models.TextChoices):
    GREEDY = "greedy", _("Most votes first, while the money lasts")
    EQUAL_SHARES = "equalshares/add1", _("Equal shares: every voter gets an equal part of the budget")


#: Every rule the tally engine names (budgets.tally), in plain words: the council compares
#: them side by side, so the ones that are not a process's own rule need words too.
RULE_LABELS = {
    "greedy": TallyRule.GREEDY.label,
    "mes": _("Equal shares, money left over is not spent"),
    "equalshares": _("Equal shares, money left over is not spent"),
    "equalshares/add1": _("Equal shares, money left over is used as well"),
}


def rule_label(rule: str) -> str:
    """A tally rule's name in plain words (the engine's code for an unknown one)."""
    return str(RULE_LABELS.get(rule, rule))


def budget_image_path(instance, filename: str) -> str:
    return f"budgets/{instance.municipality_id}/{timezone.now():%Y%m%d%H%M%S%f}.{filename.rsplit('.', 1)[-1]}"


def project_image_path(instance, filename: str) -> str:
    return f"budgets/{instance.process_id}/projects/{timezone.now():%Y%m%d%H%M%S%f}.{filename.rsplit('.', 1)[-1]}"


class Voters(models.TextChoices):
    """Who may vote in a process, shown in plain words on its pages."""
    ACCOUNTS = "accounts", _("Anyone with a confirmed account who lives in the municipality, as their profile says "
                             "(for a consultative vote)")
    CENSUS = "census", _("The residents on the municipality's census: online after signing in with national e-ID "
                         "or with the code in their letter, or on paper at a citizen service centre")


class BudgetProcess(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="budget_processes",
                                     verbose_name=_("municipality"))
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    image = models.ImageField(_("image"), upload_to=budget_image_path, blank=True)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True,
                                 help_text=_("What the image shows, for people who cannot see it."))
    currency = models.CharField(_("currency"), max_length=3, default="DKK")
    total_budget = models.PositiveBigIntegerField(_("total budget"))
    tally_rule = models.CharField(_("tally rule"), max_length=20, choices=TallyRule.choices,
                                  default=TallyRule.EQUAL_SHARES)
    ballot_type = models.CharField(_("ballot"), max_length=10, choices=BallotType.choices,
                                   default=BallotType.APPROVAL)
    min_projects = models.PositiveSmallIntegerField(_("fewest projects on a ballot"), default=1)
    max_projects = models.PositiveSmallIntegerField(_("most projects on a ballot"), null=True, blank=True)
    spending_limit = models.PositiveBigIntegerField(
        _("spending limit of a knapsack ballot"), null=True, blank=True,
        help_text=_("Empty: the total budget."))
    points = models.PositiveSmallIntegerField(_("points to spread (cumulative)"), default=10)
    max_points_per_project = models.PositiveSmallIntegerField(_("most points on one project"), default=5)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=0)
    voters = models.CharField(_("who may vote"), max_length=10, choices=Voters.choices, default=Voters.ACCOUNTS)
    residents_only = models.BooleanField(_("only residents of the municipality may vote online"), default=True)
    #: What the census letters say besides the code (budgets.letters); empty: the default
    #: text in the language the letters are made in.
    letter_text = models.TextField(_("text of the letters"), blank=True, max_length=1500)
    allow_revote = models.BooleanField(_("a new ballot replaces the earlier one until voting closes"), default=True)
    citywide = models.BooleanField(
        _("a citywide budget"), default=True,
        help_text=_("Off when the process has only district budgets; the total budget is then not voted on."))
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.PROPOSALS)
    proposals_start = models.DateTimeField(_("proposals open"))
    review_start = models.DateTimeField(_("review starts"))
    voting_start = models.DateTimeField(_("voting opens"))
    voting_end = models.DateTimeField(_("voting closes"))
    results_date = models.DateTimeField(_("results expected"))
    #: Being set up by staff (budgets.setup): seen by the municipality's staff only, until
    #: published. Processes made otherwise (import_pb, demo data) are live from the start.
    draft = models.BooleanField(_("draft"), default=False)
    #: The set-up steps staff have saved (budgets.setup.STEPS); publishing needs them all.
    setup_done = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-voting_start"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="budget_unique_slug"),
            models.CheckConstraint(condition=Q(review_start__gte=models.F("proposals_start"))
                                   & Q(voting_start__gte=models.F("review_start"))
                                   & Q(voting_end__gt=models.F("voting_start"))
                                   & Q(results_date__gte=models.F("voting_end")),
                                   name="budget_phase_dates_in_order"),
        ]
        verbose_name = _("budget process")
        verbose_name_plural = _("budget processes")

    def __str__(self) -> str:
        return self.title

    @property
    def knapsack_limit(self) -> int:
        return self.spending_limit or self.total_budget

    @property
    def results_public(self) -> bool:
        return PHASE_ORDER.index(self.phase) >= PHASE_ORDER.index(Phase.RESULTS)


class DistrictBudget(models.Model):
    """A district's own budget within a process, tallied as its own election (as pabulib
    keeps one file per district next to the citywide one): its own amount, projects,
    ballots and result. Residents of the district vote in it besides the citywide vote.
    A district may have several (pabulib's "subunit", e.g. "Babie Doły | large")."""

    process = models.ForeignKey(BudgetProcess, on_delete=models.CASCADE, related_name="district_budgets")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    amount = models.PositiveBigIntegerField(_("budget"))
    spending_limit = models.PositiveBigIntegerField(
        _("spending limit of a knapsack ballot"), null=True, blank=True, help_text=_("Empty: the budget."))

    class Meta:
        ordering = ["process", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["process", "slug"], name="district_budget_unique_slug")]
        verbose_name = _("district budget")
        verbose_name_plural = _("district budgets")

    def __str__(self) -> str:
        return self.name

    @property
    def knapsack_limit(self) -> int:
        return self.spending_limit or self.amount


class Feasibility(models.TextChoices):
    PENDING = "pending", _("Not reviewed yet")
    FEASIBLE = "feasible", _("Feasible")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")


class Project(models.Model):
    process = models.ForeignKey(BudgetProcess, on_delete=models.CASCADE, related_name="projects")
    code = models.CharField(_("number"), max_length=40, help_text=_("The project's id in exports (pabulib)."))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cost = models.PositiveBigIntegerField(_("cost estimate"), validators=[MinValueValidator(1)])
    district = models.ForeignKey(District, on_delete=models.SET_NULL, null=True, blank=True,
                                 verbose_name=_("district"))
    district_budget = models.ForeignKey(DistrictBudget, on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="projects", verbose_name=_("district budget"),
                                        help_text=_("Empty: the project is on the citywide ballot."))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user), null=True,
                                    blank=True, related_name="budget_projects")
    idea = models.ForeignKey("ideas.Idea", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="budget_projects", verbose_name=_("from idea"))
    feasibility = models.CharField(_("feasibility"), max_length=12, choices=Feasibility.choices,
                                   default=Feasibility.PENDING)
    feasibility_reason = models.TextField(_("public reason"), blank=True)
    # Checked and re-encoded by ui.images as idea images are (budgets.services.project_review).
    image = models.ImageField(_("image"), upload_to=project_image_path, blank=True)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True,
                                 help_text=_("What the image shows, for people who cannot see it."))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    selected = models.BooleanField(_("funded"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["process", "pk"]
        constraints = [models.UniqueConstraint(fields=["process", "code"], name="project_unique_code")]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("budgets:project", args=[self.process_id, self.code])

    @property
    def has_place(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    CODE = "code", _("Voting code")
    PAPER = "paper", _("Paper")
    IMPORT = "import", _("Imported")


class Participation(models.Model):
    """That someone voted (for turnout, eligibility and one-ballot-per-voter), never what."""

    process = models.ForeignKey(BudgetProcess, on_delete=models.CASCADE, related_name="participations")
    #: the election voted in: a district budget, or empty for the citywide one
    district_budget = models.ForeignKey(DistrictBudget, on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="budget_participations")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    district = models.ForeignKey(District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    age_band = models.CharField(max_length=8, blank=True)
    voted_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["process", "user"],
                                    condition=Q(user__isnull=False, district_budget__isnull=True),
                                    name="participation_once_per_user"),
            models.UniqueConstraint(fields=["district_budget", "user"],
                                    condition=Q(user__isnull=False, district_budget__isnull=False),
                                    name="participation_once_per_user_and_district_budget"),
        ]

    def __str__(self) -> str:
        return f"participation in {self.process_id}"


class Ballot(models.Model):
    """A sealed ballot in the ballot box, while voting and until the council opens the box.

    `ciphertext` is the ballot sealed to the box's public key (budgets.sealing): nobody,
    the server and anyone with the database included, can read it until k council members
    present their key shares. `voter_hash` is an HMAC of the voter and the election
    (budgets.secrecy), unique per process, so the database itself allows one ballot per
    voter per election and a re-vote replaces the sealed row. `receipt` is derived from the
    ciphertext: it proves inclusion, never content. The opening erases these rows
    (budgets.ballotbox.box_open)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: "ballot_once_per_voter" (process, voter_hash) serves every lookup
    # by process, and each index is one more write per ballot in a surge.
    process = models.ForeignKey(BudgetProcess, on_delete=models.CASCADE, related_name="ballots", db_index=False)
    district_budget = models.ForeignKey(DistrictBudget, on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="ballots")
    voter_hash = models.CharField(max_length=64)
    receipt = models.CharField(max_length=16)
    ciphertext = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["process", "voter_hash"], name="ballot_once_per_voter")]
        # Looked up by equality only: a plain index, without the LIKE-pattern twin that
        # db_index=True adds on PostgreSQL.
        indexes = [models.Index(fields=["receipt"], name="ballot_receipt")]

    def __str__(self) -> str:
        return f"ballot {self.pk}"


class BallotBox(models.Model):
    """A process's ballot box: its public key, who holds the shares of its private key, the
    bulletin board of sealed ballots and when the council opened it. The private key is in
    no table: only each share's check (budgets.sealing.share_check), and each share, sealed
    with a key outside the database, until its holder collects it."""

    process = models.OneToOneField(BudgetProcess, on_delete=models.CASCADE, related_name="ballot_box")
    public_key = models.BinaryField()
    threshold = models.PositiveSmallIntegerField(_("shares needed to open the box"))
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    #: {election key ("" for the citywide one): sorted receipts of the sealed ballots in it}
    board = models.JSONField(default=dict, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        verbose_name = _("ballot box")
        verbose_name_plural = _("ballot boxes")

    def __str__(self) -> str:
        return f"ballot box of {self.process_id}"

    @property
    def ready(self) -> bool:
        """Every share collected: the server holds no part of the private key any more."""
        return not any(h.pending_share for h in self.holders.all())


class KeyHolder(models.Model):
    """A council member holding one share of a ballot box's private key."""

    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="holders")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="key_shares")
    name = models.CharField(max_length=200)
    index = models.PositiveSmallIntegerField()
    share_check = models.CharField(max_length=64)
    #: the share sealed with a key derived from BALLOT_SECRET (not in the database) until the
    #: holder collects it; erased then
    pending_share = models.BinaryField(null=True, blank=True)
    collected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["box", "index"]
        constraints = [models.UniqueConstraint(fields=["box", "index"], name="key_holder_unique_index"),
                       models.UniqueConstraint(fields=["box", "member"], name="key_holder_unique_member")]

    def __str__(self) -> str:
        return f"share {self.index} of {self.box_id}"


def once_per_election(prefix: str) -> list[models.UniqueConstraint]:
    """One row per election of a process: one citywide, one per district budget."""
    return [
        models.UniqueConstraint(fields=["process"], condition=Q(district_budget__isnull=True),
                                name=f"{prefix}_once_citywide"),
        models.UniqueConstraint(fields=["district_budget"], condition=Q(district_budget__isnull=False),
                                name=f"{prefix}_once_per_district_budget"),
    ]


class CountedBallots(models.Model):
    """The opened ballots of one election: one shuffled list in one row, so no row, id,
    order or transaction relates a ballot to who cast it (or to when). Written by the
    council's opening of the box, or by importing a published election."""

    process = models.ForeignKey(BudgetProcess, on_delete=models.CASCADE, related_name="counted_ballots")
    district_budget = models.ForeignKey(DistrictBudget, on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="+")
    #: [{"projects": [code, ...]} | {"points": {code: n}} | {"ranking": [code, ...]}, ...]
    contents = models.JSONField(default=list)

    class Meta:
        constraints = once_per_election("counted_ballots")

    def __str__(self) -> str:
        return f"counted ballots of {self.process_id}"


class CountState(models.TextChoices):
    COUNTING = "counting", _("Counting")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ElectionCount(models.Model):
    """One election's opened ballots counted by every compared rule (budgets.counting), made
    once in the background: a large election takes minutes by some rules, too long for a page
    or an approval to wait. `inputs` is the digest of everything the count depends on; a count
    whose inputs are no longer the database's is made again."""

    process = models.ForeignKey(BudgetProcess, on_delete=models.CASCADE, related_name="counts")
    district_budget = models.ForeignKey(DistrictBudget, on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="+")
    inputs = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=CountState.choices, default=CountState.COUNTING)
    #: budgets.selectors.rule_comparison's answer, the rule of the process first
    comparison = models.JSONField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = once_per_election("election_count")

    def __str__(self) -> str:
        return f"count of {self.process_id} ({self.state})"


class VotingCode(models.Model):
    """A code printed on a letter, good for one ballot in each election the holder may vote
    in (the citywide one and their district's); only its hash is kept."""

    process = models.ForeignKey(BudgetProcess, on_delete=models.CASCADE, related_name="voting_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    batch = models.CharField(max_length=40, blank=True)
    #: set when the code is generated for a district's letters, or at its first district
    #: ballot: the code votes in that district's budgets only
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    used = models.BooleanField(default=False)
    #: the census person the code was made for (accounts.census.person_key), or empty for a
    #: code made without the census: one code per person per process
    person_key = models.CharField(max_length=64, blank=True, default="")
    #: when staff marked its letter as returned undeliverable: the code is void from then on
    returned_at = models.DateTimeField(null=True, blank=True)
    #: the returned letter's code this one replaces (budgets.voting_codes.code_reissue); a
    #: letter is reissued once, and its own code stays void
    reissue_of = models.OneToOneField("self", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="reissue")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # One code a census person can vote with per process: a reissued letter's old code
        # is void (returned), so only the new one counts here.
        constraints = [models.UniqueConstraint(fields=["process", "person_key"],
                                               condition=~Q(person_key="") & Q(returned_at__isnull=True),
                                               name="voting_code_once_per_person")]

    def __str__(self) -> str:
        return f"voting code {self.pk} ({'used' if self.used else 'unused'})"


class CouncilDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back")


class CouncilReview(models.Model):
    process = models.ForeignKey(BudgetProcess, on_delete=models.CASCADE, related_name="council_reviews")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user), related_name="+")
    decision = models.CharField(max_length=10, choices=CouncilDecision.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.decision} {self.process_id}"


class PhaseChange(models.Model):
    """One step of a process's public history: a phase change (who, when, why) or, with
    `voting_end` set and the phase unchanged, an extension of voting. The calendar's own
    changes have no `changed_by`."""

    process = models.ForeignKey(BudgetProcess, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=20, choices=Phase.choices)
    to_phase = models.CharField(max_length=20, choices=Phase.choices)
    voting_end = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user), null=True,
                                   blank=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["process", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.process_id}: {self.from_phase} -> {self.to_phase}"


class Result(models.Model):
    """The council's approved result of all elections of the process, frozen once made.

    `document` is the signed result document (budgets.results): canonical JSON of the
    process, each election's budget, projects and costs, ballots (their SHA-256 and number),
    funded projects and amount spent, and the approval; `fingerprint` is its SHA-256,
    `signature` its Ed25519 signature with a key outside the database (budgets.signing) and
    `public_key` that key's public half. The other columns repeat the document's figures for
    pages and exports (results.result_check holds them to it). `elections` holds each
    election's own outcome and the fingerprint of its ballots."""

    process = models.OneToOneField(BudgetProcess, on_delete=models.CASCADE, related_name="result")
    rule = models.CharField(max_length=40)
    selected_codes = models.JSONField()
    spent = models.PositiveBigIntegerField()
    ballots = models.PositiveIntegerField()
    #: SHA-256 of `document` (before signed documents: of the ballots, as each election's)
    fingerprint = models.CharField(max_length=64)
    #: [{"key", "name", "budget", "selected_codes", "spent", "ballots", "fingerprint"}, ...]
    elections = models.JSONField(default=list)
    #: the exact signed bytes, as text; empty for results approved before results were signed
    document = models.TextField(blank=True, default="")
    signature = models.CharField(max_length=128, blank=True, default="")
    public_key = models.CharField(max_length=64, blank=True, default="")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user), related_name="+")
    # Set by the approval to the instant written in the document (not auto_now_add, which
    # would overwrite it on save).
    approved_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"result of {self.process_id}"


class PaperBallot(models.Model):
    """A paper ballot typed in by one staff member and confirmed by a second one before it
    goes into the ballot box. It names no voter. Until confirmed, `content` is sealed with a
    key outside the database (so a reader of the tables cannot count paper ballots before
    the opening); the confirmation seals it to the box and erases it here."""

    process = models.ForeignKey(BudgetProcess, on_delete=models.CASCADE, related_name="paper_ballots")
    district_budget = models.ForeignKey(DistrictBudget, on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="paper_ballots")
    #: the typed ballot sealed with a key outside the database (budgets.secrecy.seal_pending)
    #: until a colleague confirms it; empty from then on
    sealed_content = models.BinaryField(blank=True, default=b"")
    #: in a census process, the voter's census key (accounts.census.person_key): the paper
    #: is that person's one ballot in its election, as their code's or e-ID's would be
    voter_person_key = models.CharField(max_length=64, blank=True, default="")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user), related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user), null=True,
                                     blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"paper ballot {self.pk} ({'confirmed' if self.confirmed_by_id else 'waiting'})"

    @property
    def content(self) -> dict | None:
        """What was typed, for the colleague who confirms it; None once it is in the box."""
        return open_paper(self.sealed_content)


class ProjectUpdate(models.Model):
    """Progress on a funded project during implementation, posted by staff; a milestone is
    a step people can look forward to or look back on (with its date)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("update"), max_length=3000)
    milestone = models.CharField(_("milestone"), max_length=200, blank=True,
                                 help_text=_("For example “Playground opened”. Leave empty for a plain update."))
    happened_on = models.DateField(_("date"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user), related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["happened_on", "pk"]

    def __str__(self) -> str:
        return self.milestone or self.text[:60]


class ProjectComment(models.Model):
    """A citizen's comment on a budget project, or (with `parent`) a reply to one: one level,
    as on ideas. Moderated as ideas' comments are, in the same queue, by the municipality's
    settings (ideas.models.IdeaSettings: pre- or post-moderation, flags before hiding)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="replies", verbose_name=_("reply to"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user),
                               related_name="project_comments")
    body = models.TextField(_("comment"), max_length=3_000)
    # Rendered from Markdown and cleaned by ui.markdown when written, as ideas' comments.
    body_html = models.TextField(editable=False, default="")
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PENDING)
    flag_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["project", "visibility", "created_at"], name="project_comment_thread")]
        verbose_name = _("comment on a project")
        verbose_name_plural = _("comments on projects")

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url() + f"#comment-{self.pk}"

    @property
    def municipality(self) -> Municipality:
        """The process's municipality, whose moderators and settings apply (accounts.rules)."""
        return self.project.process.municipality


class ProjectCommentFlag(models.Model):
    """A citizen's report that a comment on a project breaks the rules, once per person."""

    comment = models.ForeignKey(ProjectComment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="project_comment_flags")
    reason = models.CharField(_("reason"), max_length=10, choices=FlagReason.choices)
    explanation = models.CharField(_("explanation"), max_length=500, blank=True)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="project_comment_flag_once")]

    def __str__(self) -> str:
        return f"flag {self.reason} on project comment {self.comment_id}"


class ProjectCommentEvent(models.Model):
    """The log of every moderation decision on a comment on a project: who, when, why (as
    ideas.models.ModerationEvent for ideas and their comments)."""

    comment = models.ForeignKey(ProjectComment, on_delete=models.CASCADE, related_name="moderation_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user), null=True,
                              blank=True, related_name="+",
                              help_text=_("Empty when the platform acted on its own (flags)."))
    action = models.CharField(max_length=10, choices=ModerationAction.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} project comment {self.comment_id}"

    @property
    def reason_display(self) -> str:
        return moderation_reason_display(self.reason)
