from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Agency, code_validator
from layanan.charters.fees import fee_of, lowest_amount
from layanan.charters.spec import participating_agencies, text_in


class Service(models.Model):
    """A public service with a stable code; what it promises lives in its charter versions."""

    class Category(models.TextChoices):
        CIVIL_REGISTRY = "kependudukan", _("Population and civil registration")
        LICENSING = "perizinan", _("Permits and licences")
        SOCIAL = "sosial", _("Social welfare")
        HEALTH = "kesehatan", _("Health")
        EDUCATION = "pendidikan", _("Education")
        EMPLOYMENT = "ketenagakerjaan", _("Employment")
        SECURITY = "keamanan", _("Security and order")
        LAND = "pertanahan", _("Land and buildings")
        OTHER = "lainnya", _("Other services")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        COUNTER = "loket", _("At the counter")
        MPP = "mpp", _("Mal Pelayanan Publik")
        MOBILE = "keliling", _("Mobile service")

    code = models.CharField(_("code"), max_length=60, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    lead_agency = models.ForeignKey(
        Agency, verbose_name=_("lead agency"), on_delete=models.PROTECT, related_name="services"
    )
    agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("participating agencies"),
        related_name="participating_services",
        blank=True,
        help_text=_("Set from the procedure of the charter in force."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    def day_of_filing(self, now: dt.datetime | None = None) -> dt.date:
        """Today where the service is delivered (the lead agency's zone: WIB, WITA or WIT), or
        the local day of `now`: the day that field rules such as "not in the past" are
        counted from, and a standard's effective date is compared with."""
        return timezone.localtime(
            now or timezone.now(), ZoneInfo(self.lead_agency.time_zone)
        ).date()

    @property
    def display_name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def display_description(self) -> str:
        if get_language() == "en" and self.description_en:
            return self.description_en
        return self.description

    @property
    def accepts_online(self) -> bool:
        """Citizens may apply online (and through the API); otherwise only at a counter."""
        return self.Channel.ONLINE in self.channels

    def channel_labels(self) -> list[str]:
        labels = dict(self.Channel.choices)
        return [str(labels.get(c, c)) for c in self.channels]


class Charter(models.Model):
    """One version of a service standard (standar pelayanan) with its fourteen components.

    `content` holds the components in the normalised form of `charters.spec.read_charter`.
    A version is written while it is a draft or in consultation; once adopted it never
    changes again — enforced by database triggers (see migration 0002) as well as by the
    actions — and a change is a new version. At most one version per service is adopted.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONSULTATION = "consultation", _("In public consultation")
        # set (ditetapkan) with an effective date still to come; in force from that date
        SCHEDULED = "scheduled", _("Set, in force from its effective date")
        ADOPTED = "adopted", _("Adopted (in force)")
        SUPERSEDED = "superseded", _("Superseded")

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="charters"
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    content = models.JSONField(_("components"), default=dict)
    change_note = models.TextField(_("what changed"), blank=True)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adopted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        ordering = ["service", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="charters_version_unique"),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(status="adopted"),
                name="charters_one_adopted_per_service",
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(status="scheduled"),
                name="charters_one_scheduled_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} v{self.version} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.CONSULTATION)

    # Read access to the components, in the current language where they are text.

    def text(self, key: str) -> str:
        return text_in(self.content.get(key), get_language() or "id")

    @property
    def fee(self) -> int:
        """The fixed fee, 0 when free, the least it can be for a formula or an assessment
        (see `fee_spec` for the whole fee)."""
        return lowest_amount(self.fee_spec)

    @property
    def fee_spec(self) -> dict[str, Any]:
        return fee_of(self.content)

    @property
    def time_limit(self) -> dict[str, Any]:
        return dict(self.content.get("time_limit", {"amount": 0, "unit": "working_days"}))

    @property
    def stages(self) -> list[dict[str, Any]]:
        return list(self.content.get("procedure", {}).get("stages", []))

    @property
    def guarantee(self) -> dict[str, Any]:
        return dict(self.content.get("guarantee", {}))

    def step_spec(self, key: str) -> dict[str, Any]:
        """One step of the procedure, by key ({} if this version has no such step)."""
        for stage in self.stages:
            for step in stage["steps"]:
                if step["key"] == key:
                    return dict(step)
        return {}

    def agency_codes(self) -> list[str]:
        return participating_agencies(self.content)


# -- public consultation on a draft (UU 25/2009 Pasal 20(2), PP 96/2012 Pasal 23-33) ---------


def consultation_storage() -> Any:
    """The minutes live in the private storage of uploaded documents (cases.models), served
    by a view once the consultation is public; imported late, as cases builds on charters."""
    from layanan.cases.models import private_storage

    return private_storage()


def minutes_path(consultation: Consultation, filename: str) -> str:
    return f"consultations/{consultation.charter_id}/berita-acara-{consultation.minutes_sha256}.pdf"


class Consultation(models.Model):
    """The public consultation on one draft version of a charter.

    Prepared while the draft is written (the public forum: its date, who took part, the
    minutes), published to open the comment period, closed by the calendar, and adopted when
    every comment has its answer. Its status is derived from those instants (`status_at`).
    """

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Being prepared")
        OPEN = "open", _("Open for comments")
        CLOSED = "closed", _("Comment period ended")
        ADOPTED = "adopted", _("Set as the standard")

    # The composition of the public forum (PP 96/2012): service users, community figures,
    # academics, business, professional bodies, NGOs.
    PARTICIPANT_GROUPS: tuple[tuple[str, Any], ...] = (
        ("service_users", _("Service users")),
        ("community_figures", _("Community figures")),
        ("academics", _("Academics")),
        ("business", _("Business")),
        ("professional_bodies", _("Professional bodies")),
        ("ngos", _("Non-governmental organisations")),
    )

    charter = models.OneToOneField(
        Charter,
        verbose_name=_("draft version"),
        on_delete=models.PROTECT,
        related_name="consultation",
    )
    forum_date = models.DateField(_("date of the public forum"), null=True, blank=True)
    forum_place = models.CharField(_("place of the public forum"), max_length=200, blank=True)
    participants = models.JSONField(_("participants by group"), default=dict, blank=True)
    minutes = models.FileField(
        _("minutes (berita acara)"),
        storage=consultation_storage,
        upload_to=minutes_path,
        blank=True,
        max_length=200,
    )
    minutes_sha256 = models.CharField(max_length=64, blank=True)
    # why each component changes: {component key: {"id": ..., "en": ...}}
    reasons = models.JSONField(_("reasons for the changes"), default=dict, blank=True)
    publish_days = models.PositiveSmallIntegerField(
        _("publish within (working days after the minutes)"), default=5
    )
    comment_days = models.PositiveSmallIntegerField(_("comment period (working days)"), default=7)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closes_at = models.DateTimeField(_("comments close"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("set as the standard"), null=True, blank=True)
    # the draft as it was published: what the consultation then changed is told by comparing
    published_content = models.JSONField(default=dict, blank=True)
    # frozen at adoption: the public consultation report (see consultations.report_of)
    report = models.JSONField(_("consultation report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("public consultation")
        verbose_name_plural = _("public consultations")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["published_at"]), models.Index(fields=["closes_at"])]
        constraints = [
            # publication opens the period: a published consultation always has its end
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True, closes_at__isnull=True)
                | models.Q(published_at__isnull=False, closes_at__isnull=False),
                name="charters_consultation_published_with_period",
            )
        ]

    def __str__(self) -> str:
        return str(_("Consultation on %(charter)s") % {"charter": self.charter})

    def status_at(self, now: dt.datetime) -> str:
        if self.adopted_at is not None:
            return self.Status.ADOPTED
        if self.published_at is None or self.closes_at is None:
            return self.Status.PREPARING
        if now < self.closes_at:
            return self.Status.OPEN
        return self.Status.CLOSED

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def is_open(self, now: dt.datetime | None = None) -> bool:
        return self.status_at(now or timezone.now()) == self.Status.OPEN


class Comment(models.Model):
    """A citizen's comment on a component of a draft (or on one requirement or step)."""

    class Stance(models.TextChoices):
        SUPPORT = "support", _("Support")
        OPPOSE = "oppose", _("Oppose")

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PARTLY = "partly", _("Partly accepted")
        REJECTED = "rejected", _("Not accepted")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    target = models.CharField(_("about"), max_length=120)  # `fee`, `requirements.ktp`, …
    component = models.CharField(_("component"), max_length=40)
    text = models.TextField(_("comment"))
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hidden_reason = models.TextField(_("why hidden"), blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["consultation", "component"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.target}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class CommentReport(models.Model):
    """A reader's report that a comment breaks the rules (one per reader and comment)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report of a comment")
        verbose_name_plural = _("reports of comments")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="charters_comment_report_once"
            )
        ]

    def __str__(self) -> str:
        return f"report of comment #{self.comment_id}"


class Stance(models.Model):
    """A citizen's support for or opposition to one component of a draft; one per citizen and
    component, changeable while the comment period lasts."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="stances")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    component = models.CharField(_("component"), max_length=40)
    stance = models.CharField(_("stance"), max_length=10, choices=Comment.Stance.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stance")
        verbose_name_plural = _("stances")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "citizen", "component"], name="charters_stance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.component}: {self.stance}"


class ConsultationEvent(models.Model):
    """The audit trail of a consultation, read in id order by the notification planner."""

    class Kind(models.TextChoices):
        PREPARED = "prepared", _("Forum recorded")
        PUBLISHED = "published", _("Published for comments")
        COMMENTED = "commented", _("Comment written")
        STANCE = "stance", _("Stance taken")
        REPORTED = "reported", _("Comment reported")
        HIDDEN = "hidden", _("Comment hidden")
        ANSWERED = "answered", _("Comment answered")
        ADOPTED = "adopted", _("Set as the standard")

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("consultation event")
        verbose_name_plural = _("consultation events")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class Follow(models.Model):
    """A citizen follows a service: told when a consultation opens on it."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="followers")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_services"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follower of a service")
        verbose_name_plural = _("followers of services")
        constraints = [
            models.UniqueConstraint(fields=["service", "citizen"], name="charters_follow_once")
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} follows {self.service_id}"


# -- maklumat, yearly evaluation and three-yearly review (UU 25/2009 Pasal 22, PP 96/2012) -----


class Maklumat(models.Model):
    """One publication (or re-confirmation, when the text stays the same) of an agency's
    maklumat pelayanan: its public declaration that it serves to the standards it set. The
    agency's current text is `Agency.maklumat`; these rows are its history."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="maklumat_history"
    )
    text = models.TextField(_("maklumat pelayanan"))
    reconfirmed = models.BooleanField(_("re-confirmed unchanged"), default=False)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # the standards (set or in force, led by the agency) it declares to serve by
    standards = models.ManyToManyField(
        Charter, verbose_name=_("standards confirmed"), related_name="+", blank=True
    )

    class Meta:
        verbose_name = _("maklumat pelayanan")
        verbose_name_plural = _("maklumat pelayanan")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["agency", "-published_at"])]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.published_at:%Y-%m-%d}"


class Evaluation(models.Model):
    """A recorded evaluation of a service's standard: the yearly evaluation or the
    three-yearly review (PP 96/2012), with the agency's conclusions and the evidence as it
    stood when they were written (frozen; the page that shows it never recomputes)."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("Yearly evaluation")
        REVIEW = "review", _("Three-yearly review")

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="evaluations"
    )
    charter = models.ForeignKey(
        Charter, verbose_name=_("version evaluated"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))  # the last day counted
    conclusions = models.TextField(_("conclusions"))
    evidence = models.JSONField(_("evidence"), default=dict)
    evaluated_at = models.DateTimeField(_("recorded"))
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # the draft started from these conclusions, if any
    next_draft = models.ForeignKey(
        Charter,
        verbose_name=_("draft started from it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evaluation of a standard")
        verbose_name_plural = _("evaluations of standards")
        ordering = ["-evaluated_at", "-pk"]
        indexes = [models.Index(fields=["service", "-evaluated_at"])]

    def __str__(self) -> str:
        return f"{self.service.code} {self.kind} {self.evaluated_at:%Y-%m-%d}"


class Duty(models.Model):
    """Something the lead agency of a service owes by a date: publishing or re-confirming its
    maklumat after a standard is set, the yearly evaluation, the three-yearly review.

    Opened when the standard is set (or, for evaluations, when the last one is recorded),
    reminded once before the date, marked breached once when the date passed without it —
    the breach stays public even after the duty is done late — and closed when done or when
    a new standard replaces the one it was owed for (see `charters.duties`)."""

    class Kind(models.TextChoices):
        MAKLUMAT = "maklumat", _("Publish or re-confirm the maklumat")
        YEARLY = "yearly", _("Yearly evaluation")
        REVIEW = "review", _("Three-yearly review")

    class Closed(models.TextChoices):
        DONE = "done", _("Done")
        REPLACED = "replaced", _("Replaced by a newer standard")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="duties"
    )
    charter = models.ForeignKey(
        Charter, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="+"
    )
    basis_on = models.DateField(_("counted from"))
    due_on = models.DateField(_("due"))
    remind_on = models.DateField(_("reminder on"))
    opened_at = models.DateTimeField(_("opened"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    breached_at = models.DateTimeField(_("missed (recorded)"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_as = models.CharField(_("closed as"), max_length=10, choices=Closed.choices, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    maklumat = models.ForeignKey(
        Maklumat, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("duty of an agency")
        verbose_name_plural = _("duties of agencies")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["charter"],
                condition=models.Q(kind="maklumat"),
                name="charters_duty_maklumat_once",
            ),
            models.UniqueConstraint(
                fields=["service", "kind"],
                condition=models.Q(closed_at__isnull=True) & ~models.Q(kind="maklumat"),
                name="charters_duty_evaluation_open_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["remind_on"],
                condition=models.Q(reminded_at__isnull=True, closed_at__isnull=True),
                name="charters_duty_to_remind",
            ),
            models.Index(
                fields=["due_on"],
                condition=models.Q(breached_at__isnull=True, closed_at__isnull=True),
                name="charters_duty_to_breach",
            ),
            models.Index(fields=["agency", "kind", "closed_at"]),
            models.Index(fields=["service", "kind", "closed_at"]),
            models.Index(fields=["breached_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.service_id} due {self.due_on}"

    def is_overdue(self, today: dt.date) -> bool:
        return self.closed_at is None and today > self.due_on
