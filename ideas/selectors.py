"""Every read of ideas, with the joins and annotations that keep pages at a constant
number of queries."""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Municipality

from . import moderation_sources, search
from .models import (
    Campaign,
    Category,
    Comment,
    Flag,
    Idea,
    IdeaImage,
    IdeaSettings,
    ModerationEvent,
    SettingsChange,
    Status,
    StatusChange,
    Support,
    Visibility,
)

SORTS = {
    "newest": ["-created_at", "-pk"],
    "supported": ["-support_count", "-created_at", "-pk"],
    "discussed": ["-comment_count", "-created_at", "-pk"],
}


def idea_settings_for(municipality: Municipality) -> IdeaSettings:
    """The municipality's settings, or the defaults if it never changed them."""
    return IdeaSettings.objects.filter(municipality=municipality).first() or IdeaSettings(
        municipality=municipality)


def campaign_list_open(*, municipality: Municipality) -> QuerySet[Campaign]:
    now = timezone.now()
    return Campaign.objects.filter(municipality=municipality).filter(
        Q(is_general_idea_box=True) | Q(opens_at__lte=now, closes_at__gt=now)
    ).order_by("is_general_idea_box", "closes_at")


def campaign_list(*, municipality: Municipality) -> QuerySet[Campaign]:
    return Campaign.objects.filter(municipality=municipality).order_by("is_general_idea_box", "-opens_at")


def category_list(*, municipality: Municipality) -> QuerySet[Category]:
    return Category.objects.filter(municipality=municipality)


def _public_ideas() -> QuerySet[Idea]:
    return Idea.objects.filter(visibility=Visibility.VISIBLE, merged_into__isnull=True)


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.lower()) if len(w) > 2][:8]


@dataclass(frozen=True)
class IdeaFilters:
    q: str = ""
    campaign: int | None = None
    status: str = ""
    category: int | None = None
    district: int | None = None
    sort: str = ""  # "" means by relevance when searching, else newest first

    @classmethod
    def from_search(cls, data: dict) -> IdeaFilters:
        """From ideas.forms.SearchForm's cleaned data: the list and the map filter alike."""
        return cls(q=data.get("q", ""), status=data.get("status", ""), sort=data.get("sort", ""),
                   campaign=getattr(data.get("campaign"), "pk", None),
                   category=getattr(data.get("category"), "pk", None),
                   district=getattr(data.get("district"), "pk", None))


def idea_list(*, municipality: Municipality, filters: IdeaFilters = IdeaFilters()) -> QuerySet[Idea]:
    """Public ideas of a municipality: full-text search (PostgreSQL, in the municipality's
    language), filters and sorting; the caller paginates."""
    # Lists show no text: leave the wide columns in the table.
    qs = _public_ideas().filter(municipality=municipality).select_related(
        "campaign", "category", "district", "author").defer("body", "body_html", "search_vector")
    if filters.campaign:
        qs = qs.filter(campaign_id=filters.campaign)
    if filters.status in Status.values:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.district:
        qs = qs.filter(district_id=filters.district)
    order = SORTS.get(filters.sort, SORTS["newest"])
    q = filters.q.strip()
    if q and search.is_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank

        query = SearchQuery(q, search_type="websearch", config=search.config_for(municipality))
        qs = qs.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
        if filters.sort not in SORTS:
            order = ["-rank", *order]
    elif q:
        for word in _words(q) or [q]:
            qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return qs.order_by(*order)


# The most ideas one map shows (and lists beside it): past that, the filters narrow it down.
MAP_LIMIT = 500


@dataclass(frozen=True)
class IdeaMap:
    ideas: list[Idea]  # public ideas with a place, in the list's order, at most MAP_LIMIT
    more: bool  # more of them than shown
    without_place: int  # matching public ideas that have no place


def idea_map(*, municipality: Municipality, filters: IdeaFilters = IdeaFilters(),
             limit: int = MAP_LIMIT) -> IdeaMap:
    """The ideas of idea_list (public only, the same filters and order) that have a place, for
    the ideas map: two queries however many there are."""
    matching = idea_list(municipality=municipality, filters=filters)
    ideas = list(matching.filter(latitude__isnull=False, longitude__isnull=False)
                 .select_related(None).select_related("district")
                 .only("id", "title", "status", "latitude", "longitude", "district__name")[:limit + 1])
    without_place = matching.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True)).count()
    return IdeaMap(ideas=ideas[:limit], more=len(ideas) > limit, without_place=without_place)


def idea_similar(*, municipality: Municipality, text: str, exclude_id: int | None = None,
                 limit: int = 5) -> list[Idea]:
    """Existing public ideas like the text being typed, so people can support one instead
    of writing a duplicate. Trigram similarity on PostgreSQL (pg_trgm), full-text rank as
    its fallback there, and word overlap on SQLite."""
    text = text.strip()
    if len(text) < 4:
        return []
    qs = _public_ideas().filter(municipality=municipality).select_related("campaign")
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    if search.is_postgres():
        from django.contrib.postgres.search import TrigramWordSimilarity

        return list(qs.annotate(similarity=TrigramWordSimilarity(text, "title"))
                    .filter(similarity__gte=0.3).order_by("-similarity", "-support_count")[:limit])
    words = _words(text)
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word)
    candidates = list(qs.filter(condition).order_by("-support_count")[:200])
    def overlap(idea: Idea) -> int:
        title = idea.title.lower()
        return sum(word in title for word in words)
    ranked = sorted(candidates, key=lambda idea: (-overlap(idea), -idea.support_count))
    return [idea for idea in ranked if overlap(idea) >= max(1, len(words) // 2)][:limit]


def first_images(*, idea_ids) -> dict[int, IdeaImage]:
    """The first image of each idea (for the cards in lists), in one query for a page."""
    first: dict[int, IdeaImage] = {}
    for image in IdeaImage.objects.filter(idea_id__in=list(idea_ids)).order_by("idea_id", "pk"):
        first.setdefault(image.idea_id, image)
    return first


def idea_get(*, pk: int) -> Idea | None:
    return Idea.objects.select_related(
        "municipality", "campaign", "category", "district", "author", "merged_into").defer(
        "search_vector").filter(pk=pk).first()


def idea_comments(*, idea: Idea, include_hidden: bool = False) -> list[Comment]:
    """Top-level comments, each with `thread_replies`, in one query whatever their number."""
    qs = Comment.objects.filter(idea=idea).select_related("author").order_by("created_at", "pk")
    if not include_hidden:
        qs = qs.filter(visibility=Visibility.VISIBLE)
    return threaded(qs)


def threaded(comments):
    """Comments (ideas' or projects', in the order they are to be shown) as threads: the
    top-level ones, each with its `thread_replies`. A reply whose parent is not among them
    (hidden, or not shown to this reader) is not shown either."""
    top = []
    by_pk = {}
    replies = []
    for comment in comments:
        if comment.parent_id is None:
            comment.thread_replies = []
            top.append(comment)
            by_pk[comment.pk] = comment
        else:
            replies.append(comment)
    for reply in replies:
        parent = by_pk.get(reply.parent_id)
        if parent is not None:
            parent.thread_replies.append(reply)
    return top


def idea_status_history(*, idea: Idea) -> QuerySet[StatusChange]:
    return idea.status_changes.select_related("author").order_by("created_at", "pk")


def idea_moderation_history(*, idea: Idea) -> QuerySet[ModerationEvent]:
    return ModerationEvent.objects.filter(Q(idea=idea) | Q(comment__idea=idea)).select_related(
        "actor", "comment")


def supported_idea_ids(*, user, idea_ids) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Support.objects.filter(user=user, idea_id__in=list(idea_ids)).values_list("idea_id", flat=True))


def user_follows(*, user, idea: Idea) -> bool:
    return getattr(user, "is_authenticated", False) and idea.follows.filter(user=user).exists()


def moderation_queue(*, municipality: Municipality) -> dict[str, list]:
    """What waits for a moderator: pending ideas and comments, and visible ones that people
    have reported (below the threshold that hides them), oldest first, each with its open
    flags (`open_flags`, with the reporters' reasons) and their number (`open_flag_count`);
    under "sources", each registered source (ideas.moderation_sources) with its items."""
    open_flags = Flag.objects.filter(resolved=False).order_by("created_at")
    open_count = Count("flags", filter=Q(flags__resolved=False))

    def waiting(kind: str) -> Q:
        reported = Exists(Flag.objects.filter(**{kind: OuterRef("pk")}, resolved=False))
        return Q(visibility=Visibility.PENDING) | (Q(visibility=Visibility.VISIBLE) & reported)

    ideas = list(
        Idea.objects.filter(waiting("idea"), municipality=municipality, merged_into__isnull=True)
        .annotate(open_flag_count=open_count)
        .select_related("author", "campaign")
        .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flags"))
        .order_by("created_at")[:200]
    )
    comments = list(
        Comment.objects.filter(waiting("comment"), idea__municipality=municipality)
        .annotate(open_flag_count=open_count)
        .select_related("author", "idea")
        .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flags"))
        .order_by("created_at")[:200]
    )
    others = [(source, source.waiting(municipality)) for source in moderation_sources.sources()]
    return {"ideas": ideas, "comments": comments, "sources": others}


def promoted_suggested(*, idea: Idea) -> bool:
    """True when citizens' support and comments have passed the municipality's level for
    suggesting the role "promoted" and staff have not recorded it yet."""
    threshold = idea_settings_for(idea.municipality).promoted_supports
    return not idea.citizens_promoted and idea.support_count + idea.comment_count >= threshold


def campaign_get(*, pk: int) -> Campaign | None:
    return Campaign.objects.select_related("municipality").filter(pk=pk).first()


def settings_history(*, municipality: Municipality, limit: int = 20) -> list[SettingsChange]:
    return list(SettingsChange.objects.filter(municipality=municipality).select_related("actor")[:limit])


# --- For the staff home (dashboard.views.staff_home): what needs someone today ------------------
def ideas_awaiting_answer(*, municipality: Municipality, limit: int = 10) -> dict:
    """Public ideas that have no answer from the municipality yet (still "published"), the
    longest waiting first, with their number: two queries."""
    qs = (_public_ideas().filter(municipality=municipality, status=Status.PUBLISHED)
          .select_related("campaign").only("id", "title", "created_at", "campaign__title", "campaign__answer_by"))
    return {"count": qs.count(), "items": list(qs.order_by("created_at", "pk")[:limit])}


def moderation_summary(*, municipality: Municipality, limit: int = 10) -> dict:
    """The moderation queue's size and the items citizens reported (open reports), the most
    reported first, each with its number of open reports: four queries, and one per
    registered source (its comments waiting for approval count with the ideas' comments)."""
    pending = Idea.objects.filter(municipality=municipality, visibility=Visibility.PENDING,
                                  merged_into__isnull=True).count()
    pending_comments = Comment.objects.filter(idea__municipality=municipality,
                                              visibility=Visibility.PENDING).count()
    pending_comments += sum(source.pending_count(municipality) for source in moderation_sources.sources())
    open_flags = Count("flags", filter=Q(flags__resolved=False))
    flagged_ideas = list(
        Idea.objects.filter(municipality=municipality, flags__resolved=False).exclude(visibility=Visibility.HIDDEN)
        .annotate(open_flags=open_flags).only("id", "title", "visibility")
        .order_by("-open_flags", "pk")[:limit])
    flagged_comments = list(
        Comment.objects.filter(idea__municipality=municipality, flags__resolved=False)
        .exclude(visibility=Visibility.HIDDEN).annotate(open_flags=open_flags)
        .select_related("idea").only("id", "body", "visibility", "idea__id", "idea__title")
        .order_by("-open_flags", "pk")[:limit])
    return {"pending_ideas": pending, "pending_comments": pending_comments,
            "flagged_ideas": flagged_ideas, "flagged_comments": flagged_comments}
