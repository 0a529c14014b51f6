"""ORM models. Every schema change goes through an Alembic migration (api/migrations)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    DateTime,
    Dialect,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    TypeDecorator,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The kernel's enum, re-exported: leads.treatment_interest stores its names.
from clinic.lead import TreatmentInterest as TreatmentInterest


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite forgets the zone on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    pass


class LeadStatus(str, enum.Enum):
    new = "new"
    contacted = "contacted"
    scheduled = "scheduled"
    closed = "closed"
    not_a_fit = "not_a_fit"


class StaffRole(str, enum.Enum):
    staff = "staff"  # works leads
    admin = "admin"  # also manages staff accounts, exports, reads the audit log


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    role: Mapped[StaffRole] = mapped_column(
        Enum(StaffRole, native_enum=False, length=10), default=StaffRole.staff
    )

    @property
    def is_admin(self) -> bool:
        return self.role == StaffRole.admin


class StoredSession(Base):
    """A console session or an API token, stored so that it can be revoked (migration 0009):
    the cookie or token carries only its id. Ends at `expires_at` whatever the activity, or when
    revoked (logout, a password change or reset, deactivation)."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # "console" or "api"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[StaffUser] = relationship()


class LeadEvent(Base):
    """A status change or note on a lead: who, when, what (migration 0004)."""

    __tablename__ = "lead_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    staff_email: Mapped[str] = mapped_column(String(320))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(2000))


class UrgentNotification(Base):
    """An alert to staff about an urgent lead, kept until sent (migration 0007)."""

    __tablename__ = "urgent_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(10))  # webhook or email
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(100))  # the error's class, no content


class AuditEntry(Base):
    """Who looked at or changed what: logins, lead views, status changes, exports."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(320), index=True)  # staff email, or the login tried
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(String(500))


class Lead(Base):
    __tablename__ = "leads"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The action server's key for one submission: a replay returns this lead, stores nothing.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    email: Mapped[str | None] = mapped_column(String(320), index=True)  # normalised, lower-case
    zip_code: Mapped[str | None] = mapped_column(String(5))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))
    treatment_interest: Mapped[TreatmentInterest] = mapped_column(
        Enum(TreatmentInterest, native_enum=False, length=20)
    )
    contact_consent: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[LeadStatus] = mapped_column(
        Enum(LeadStatus, native_enum=False, length=20), default=LeadStatus.new, index=True
    )
    # What the visitor told the form (migration 0002).
    age_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    antidepressants_tried: Mapped[str | None] = mapped_column(String(10))
    preferred_contact_time: Mapped[str | None] = mapped_column(String(100))
    payment_method: Mapped[str | None] = mapped_column(String(20))
    # The consent record: which text the visitor agreed to, when, and for which channels.
    consent_text_version: Mapped[str | None] = mapped_column(String(20))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_call: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_text: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_email: Mapped[bool] = mapped_column(Boolean, default=False)
    # Triage computed by the action server from the clinic profile.
    in_service_area: Mapped[bool | None] = mapped_column(Boolean)
    distance_miles: Mapped[float | None] = mapped_column(Float)
    nearest_clinic: Mapped[str | None] = mapped_column(String(100))
    qualified: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    suggested_consult: Mapped[str | None] = mapped_column(String(300))
    # The crisis reply the conversation drew (migration 0005): "crisis" or "check_in", the
    # detector's category of the visitor message that drew it ("follow_up" when the dialogue
    # alone decided), and that message's number. None when there was none.
    crisis_tier: Mapped[str | None] = mapped_column(String(10))
    crisis_category: Mapped[str | None] = mapped_column(String(32))
    crisis_turn: Mapped[int | None] = mapped_column(Integer)
    # Campaign source passed by the website widget.
    utm_source: Mapped[str | None] = mapped_column(String(100))
    utm_medium: Mapped[str | None] = mapped_column(String(100))
    utm_campaign: Mapped[str | None] = mapped_column(String(100))
    # Which fields this API refused and the lead was delivered without (migration 0006).
    delivery_note: Mapped[str | None] = mapped_column(String(500))
    # A likely repeat (migration 0008): the latest earlier lead of the last 30 days with the
    # same phone or email. Only linked, never merged: two people may share a phone, and staff
    # judge before calling.
    repeat_of_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("leads.id", ondelete="SET NULL", name="fk_leads_repeat_of_id"), index=True
    )

    # Submissions merged into this lead before repeats became leads of their own (0008).
    contacts: Mapped[list[LeadContact]] = relationship(
        back_populates="lead", cascade="all, delete-orphan", order_by="LeadContact.created_at"
    )
    repeat_of: Mapped[Lead | None] = relationship(
        remote_side="Lead.id", foreign_keys=[repeat_of_id], back_populates="repeats"
    )
    repeats: Mapped[list[Lead]] = relationship(
        back_populates="repeat_of",
        foreign_keys=[repeat_of_id],
        order_by="Lead.created_at",
        lazy="selectin",  # the list's items name their repeats: one query, not one per lead
    )
    events: Mapped[list[LeadEvent]] = relationship(
        cascade="all, delete-orphan", order_by=LeadEvent.created_at
    )
    notifications: Mapped[list[UrgentNotification]] = relationship(
        cascade="all, delete-orphan", order_by=UrgentNotification.id
    )

    @property
    def repeat_contacts(self) -> int:
        return len(self.contacts)

    @property
    def repeat_ids(self) -> list[uuid.UUID]:
        return [lead.id for lead in self.repeats]


class LeadContact(Base):
    """A returning visitor's later submission, kept on the lead it belongs to."""

    __tablename__ = "lead_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(200))
    treatment_interest: Mapped[str] = mapped_column(String(20))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)

    lead: Mapped[Lead] = relationship(back_populates="contacts")
