"""Demo data for Golive: a realistic base set that can be loaded again and again, and a bulk
loader that adds copies of it for benchmarks.

The base set is keyed on natural keys (usernames, product, client and project names, milestone
and task names within a project…) and reconciled: a row is created when missing and saved only
when a value differs, so a second run on the same day changes nothing. Dates are relative to
today, so a run on a later day moves the plan along with the calendar.

`seed_scaled` adds numbered copies of the base amount of clients and projects each time it is
asked, with bulk inserts.

Both write rows directly rather than through the services: a demo or benchmark loader has to
put projects into states that the services only reach over weeks (past phase changes, completed
and signed-off milestones, hours already burned), and it must not send mail or enqueue jobs.
"""

import functools
import random
import re
import time as clock
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import models, transaction
from django.utils import timezone

from clients.models import Client, Contact, Product, SalesHandoff
from clients.roles import Role
from projects.health import refresh_health
from projects.models import (
    Baseline,
    Comment,
    HandoffReport,
    Health,
    ImplementationProject,
    Issue,
    Milestone,
    Phase,
    PhaseChange,
    ProjectMembership,
    Risk,
    RoleRate,
    Task,
    TimeEntry,
)
from projects.scheduling import (
    business_days_between,
    company_holidays,
    is_business_day,
    previous_business_day,
    subtract_business_days,
)

DEMO_PASSWORD = "golive-demo"  # noqa: S105 — the documented password of the demo logins
SEED = "golive-demo"
BULK_BATCH_SIZE = 2000
UNITS_PER_TRANSACTION = 10

Status = ImplementationProject.Status
TeamRole = ProjectMembership.TeamRole
ContactRole = Contact.ContactRole
PHASES = Phase.ordered()


# ---------------------------------------------------------------------------------------------
# People, products and accounts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    role: Role | None  # None: the superuser
    title: str
    can_log_in: bool = True
    team_role: str = ""

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@golive.example".lower()


DEMO_USERS = (
    UserSpec("pm", "Priya", "Shah", Role.PM, "Implementation PM"),
    UserSpec("pm2", "Marcus", "Reed", Role.PM, "Implementation PM"),
    UserSpec("manager", "Elena", "Novak", Role.MANAGER, "Implementation manager"),
    UserSpec("sales", "Jordan", "Blake", Role.SALES, "Sales rep"),
    UserSpec("sales2", "Aisha", "Karim", Role.SALES, "Sales rep"),
    UserSpec("support", "Tom", "Becker", Role.SUPPORT, "Support"),
    UserSpec("admin", "Alex", "Morgan", None, "Admin"),
)
# The implementation team that works on the projects; they do not log in to the demo.
TEAM_USERS = (
    UserSpec(
        "dchen", "Daniel", "Chen", Role.PM, "Solution architect", False, TeamRole.SOLUTION_ARCHITECT
    ),
    UserSpec("mlopez", "Maria", "Lopez", Role.PM, "Consultant", False, TeamRole.CONSULTANT),
    UserSpec("rpatel", "Ravi", "Patel", Role.PM, "Consultant", False, TeamRole.CONSULTANT),
    UserSpec("aberg", "Anna", "Berg", Role.PM, "Data conversion", False, TeamRole.DATA_CONVERSION),
    UserSpec("tokafor", "Tunde", "Okafor", Role.PM, "Integrations", False, TeamRole.INTEGRATION),
    UserSpec("jkim", "Jae", "Kim", Role.PM, "Trainer", False, TeamRole.TRAINER),
)

PAYROLL = "Payroll"
TIME = "Time & Attendance"
HR = "HR Core"
BENEFITS = "Benefits Administration"
RECRUITING = "Recruiting"
PRODUCTS = (
    (PAYROLL, "Gross-to-net payroll, tax filing and payments."),
    (TIME, "Clocks, schedules, timesheets and pay rules."),
    (HR, "Employee records, org structure, jobs and self-service."),
    (BENEFITS, "Benefit plans, eligibility, enrolment and carrier feeds."),
    (RECRUITING, "Requisitions, applicant tracking and offers."),
)

SMB = Client.Segment.SMB
MID = Client.Segment.MID_MARKET
ENT = Client.Segment.ENTERPRISE
AS = Client.AccountStatus


@dataclass(frozen=True)
class ClientSpec:
    name: str
    industry: str
    segment: str
    employees: int
    time_zone: str
    sales_rep: str
    status: str
    products: tuple[str, ...]
    contract_value: int
    notes: str = ""


# fmt: off
CLIENTS = tuple(ClientSpec(*row) for row in (
    ("Northwind Foods", "Manufacturing", MID, 850, "America/Chicago", "sales", AS.ONBOARDING,
     (PAYROLL, TIME, BENEFITS), 186_000,
     "Three plants, three shifts. Benefits add-on signed after the payroll deal."),
    ("Riverside Health Partners", "Healthcare", ENT, 4200, "America/New_York", "sales",
     AS.AT_RISK, (PAYROLL, HR, TIME), 540_000,
     "Two hospitals and eleven clinics. The CFO watches the go-live date closely."),
    ("Brightline Retail Group", "Retail", ENT, 6800, "America/Los_Angeles", "sales2",
     AS.ONBOARDING, (TIME, PAYROLL), 610_000,
     "140 stores; the payroll phase follows once time-keeping is live."),
    ("Harbor View Hotels", "Hospitality", MID, 1300, "America/New_York", "sales2",
     AS.ONBOARDING, (PAYROLL, TIME), 210_000,
     "Six hotels on the east coast; tip pooling and seasonal staff."),
    ("Swift Freight Logistics", "Logistics", MID, 950, "America/Denver", "sales", AS.LIVE,
     (PAYROLL, TIME, HR), 240_000,
     "Drivers in six states; multi-state tax was the main reason to switch."),
    ("Maple Grove School District", "Education", MID, 2100, "America/Toronto", "sales",
     AS.ONBOARDING, (HR, BENEFITS), 175_000,
     "Board approval needed for any change to the go-live date."),
    ("Open Hands Foundation", "Non-profit", SMB, 140, "America/Chicago", "sales2", AS.LIVE,
     (PAYROLL, HR), 38_000, "Grant-funded salaries are split across programmes."),
    ("Keystone Builders", "Construction", MID, 620, "America/Phoenix", "sales", AS.ONBOARDING,
     (PAYROLL, TIME), 132_000, "Certified payroll for public works; crews clock in on site."),
    ("Ledger & Vale Financial", "Financial services", ENT, 3100, "Europe/London", "sales2",
     AS.ONBOARDING, (HR, PAYROLL, RECRUITING), 720_000,
     "UK and US entities; audit wants every configuration change logged."),
    ("Cobalt Software", "Software", SMB, 180, "Europe/Berlin", "sales", AS.LIVE,
     (PAYROLL, BENEFITS, RECRUITING), 64_000, "Remote team in four countries; hiring fast."),
    ("Sunnybrook Senior Living", "Healthcare", MID, 900, "America/New_York", "sales2",
     AS.AT_RISK, (TIME, PAYROLL), 158_000, "Nine care homes; weekend and on-call differentials."),
    ("Pinecrest Manufacturing", "Manufacturing", ENT, 5400, "America/Detroit", "sales",
     AS.ONBOARDING, (PAYROLL, BENEFITS, HR), 480_000,
     "Payroll went live last year; benefits administration now."),
    ("Urban Plate Restaurants", "Hospitality", SMB, 320, "America/Los_Angeles", "sales2",
     AS.ONBOARDING, (TIME, PAYROLL), 52_000, "Twelve restaurants; schedules change weekly."),
    ("Bluewater Credit Union", "Financial services", MID, 450, "America/New_York", "sales",
     AS.ONBOARDING, (PAYROLL, HR), 118_000,
     "Merging with another credit union; project paused until the merger closes."),
    ("Summit Outdoor Gear", "Retail", SMB, 210, "America/Denver", "sales2", AS.CHURNED, (TIME,),
     27_000, "Cancelled after the acquisition by a competitor that runs its own time-keeping."),
    ("Greenfield Academy Trust", "Education", SMB, 260, "Europe/London", "sales", AS.PROSPECT,
     (HR,), 45_000, "Demo done; waiting for the trust board in September."),
    ("Crescent Dental Group", "Healthcare", SMB, 95, "America/Chicago", "sales2", AS.PROSPECT,
     (PAYROLL,), 24_000, "Referred by Open Hands Foundation."),
))
# fmt: on

INDUSTRY_CONTEXT = {
    "Manufacturing": (
        "Timesheets keyed in by hand from paper; union overtime rules live in a spreadsheet.",
        "Shift differentials and union overtime rules configured before go-live.",
        "Implementation fee fixed; travel to plants billed at cost.",
    ),
    "Healthcare": (
        "Weekend, night and on-call differentials calculated by hand each pay period.",
        "Go-live before open enrolment; no change to pay dates for nurses.",
        "Two parallel payroll runs included in the price.",
    ),
    "Retail": (
        "Store managers approve time on paper; late approvals delay payroll.",
        "Mobile clock-in available in every store on day one.",
        "Store roll-out in three waves at no extra cost.",
    ),
    "Hospitality": (
        "Tip pooling and seasonal staff handled outside the payroll system.",
        "Tip pooling rules live before the summer season.",
        "Seasonal employees not counted in the per-employee fee.",
    ),
    "Logistics": (
        "Drivers in six states; multi-state withholding done manually.",
        "Multi-state tax set up and tested in the parallel run.",
        "Driver mobile app included for two years.",
    ),
    "Education": (
        "Substitute pay and grant-funded positions tracked in spreadsheets.",
        "Benefits live for the new school year.",
        "Board approval required for any change order.",
    ),
    "Non-profit": (
        "Salaries split across grants by hand; a two-person HR team.",
        "Grant allocation report available from the first payroll.",
        "Non-profit discount of 20% on subscription.",
    ),
    "Construction": (
        "Certified payroll reports prepared by hand for public projects.",
        "Certified payroll report and job costing on day one.",
        "On-site clock hardware leased, not bought.",
    ),
    "Financial services": (
        "Audit findings on manual payroll changes; no single sign-on.",
        "Full audit trail and single sign-on at go-live.",
        "Data residency in the UK for UK employees.",
    ),
    "Software": (
        "Employees in four countries on four payroll providers.",
        "One login for employees in every country.",
        "Quarterly true-up for new hires.",
    ),
}

# fmt: off
FIRST_NAMES = (
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas",
    "Mia", "James", "Charlotte", "Benjamin", "Amelia", "Henry", "Harper", "Samuel", "Evelyn",
    "David", "Grace", "Omar", "Fatima", "Wei", "Mei", "Carlos", "Lucia", "Kwame", "Ama", "Anika",
    "Jonas", "Freya", "Mateo", "Sofia", "Hannah", "Nadia", "Patrick", "Chloe", "Tariq",
)
LAST_NAMES = (
    "Anderson", "Brooks", "Carter", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito",
    "Johnson", "Kowalski", "Lambert", "Murphy", "Nguyen", "Quinn", "Rossi", "Schmidt", "Turner",
    "Usman", "Vargas", "Walsh", "Xu", "Young", "Zimmerman", "Bennett", "Coleman", "Dubois",
    "Ferreira", "Haddad", "Jensen", "Kaur", "Lindqvist", "Mensah",
)
# fmt: on


# ---------------------------------------------------------------------------------------------
# Projects: who, what, where in the lifecycle, and what kind of trouble they are in
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Override:
    health: str
    reason: str
    days: int
    by: str


@dataclass(frozen=True)
class ProjectSpec:
    client: str
    title: str
    products: tuple[str, ...]
    pm: str | None
    phase: Phase
    shape: str  # a key of SHAPES
    position: float = 0.5  # where today falls within the current phase, 0 to 1
    status: str = Status.ACTIVE
    acknowledged: bool = True
    override: Override | None = None
    # Why the plan was re-baselined once it was under way ("": the kick-off baseline stands).
    rebaseline: str = ""

    @property
    def name(self) -> str:
        return f"{self.client} — {self.title}"

    @property
    def expected_health(self) -> Health:
        """The shape's colour; a project on hold or cancelled shows its state instead."""
        if self.status != Status.ACTIVE:
            return Health(self.status)
        return SHAPES[self.shape]


# The health each shape is built to produce with the configured thresholds.
SHAPES = {
    "green": Health.GREEN,
    "amber_slip": Health.AMBER,
    "amber_risk": Health.AMBER,
    "amber_budget": Health.AMBER,
    "red_issue": Health.RED,
    "red_stuck": Health.RED,
}

# fmt: off
PROJECTS = (
    ProjectSpec(
        "Northwind Foods", "Payroll & Time rollout", (PAYROLL, TIME), "pm", Phase.CONFIGURATION,
        "green", 0.55,
        rebaseline="Discovery found a third plant on its own union overtime rules; the sponsor "
        "agreed a week more for configuration and testing at the discovery sign-off.",
    ),
    ProjectSpec(
        "Riverside Health Partners", "Payroll, HR & Time", (PAYROLL, HR, TIME), "pm",
        Phase.DATA_CONVERSION, "red_stuck",
    ),
    ProjectSpec(
        "Brightline Retail Group", "Time & Attendance for 140 stores", (TIME,), "pm",
        Phase.TESTING, "amber_slip", 0.4,
        override=Override(
            Health.GREEN,
            "New go-live date agreed with the client's COO to avoid the holiday trading "
            "freeze; the steering committee approves the new baseline next week.",
            10,
            "pm",
        ),
    ),
    ProjectSpec(
        "Harbor View Hotels", "Payroll migration", (PAYROLL, TIME), "pm", Phase.KICKOFF, "green",
    ),
    ProjectSpec(
        "Swift Freight Logistics", "Payroll, Time & HR", (PAYROLL, TIME, HR), "pm", Phase.GO_LIVE,
        "green",
        rebaseline="Multi-state tax setup for drivers in two more states added to the scope by "
        "change request; steering committee approved the new dates.",
    ),
    ProjectSpec(
        "Maple Grove School District", "HR Core & Benefits", (HR, BENEFITS), "pm",
        Phase.DISCOVERY, "amber_risk", 0.7,
    ),
    ProjectSpec(
        "Open Hands Foundation", "Payroll", (PAYROLL,), "pm", Phase.HYPERCARE, "green", 0.4,
    ),
    ProjectSpec(
        "Keystone Builders", "Payroll & Time", (PAYROLL, TIME), "pm", Phase.SALES_HANDOFF,
        "green",
    ),
    ProjectSpec(
        "Ledger & Vale Financial", "Global HR Core", (HR, PAYROLL, RECRUITING), "pm2",
        Phase.CONFIGURATION, "red_issue", 0.6,
        override=Override(
            Health.AMBER,
            "The critical tax-entity issue has a fix agreed with the client's tax adviser and "
            "a revised go-live is with the sponsor for approval.",
            14,
            "pm2",
        ),
    ),
    ProjectSpec(
        "Cobalt Software", "Payroll & Benefits", (PAYROLL, BENEFITS), "pm2", Phase.HANDED_OFF,
        "green",
    ),
    ProjectSpec(
        "Sunnybrook Senior Living", "Time & Attendance", (TIME, PAYROLL), "pm2", Phase.TESTING,
        "red_stuck",
    ),
    ProjectSpec(
        "Pinecrest Manufacturing", "Benefits Administration", (BENEFITS, HR), "pm2",
        Phase.DATA_CONVERSION, "green", 0.45,
    ),
    ProjectSpec(
        "Urban Plate Restaurants", "Time & Attendance", (TIME,), "pm2", Phase.KICKOFF,
        "amber_budget", 0.7,
    ),
    ProjectSpec(
        "Bluewater Credit Union", "Payroll & HR Core", (PAYROLL, HR), "pm2", Phase.DISCOVERY,
        "amber_slip", 0.5, status=Status.ON_HOLD,
    ),
    ProjectSpec(
        "Summit Outdoor Gear", "Time & Attendance", (TIME,), "pm2", Phase.CONFIGURATION, "green",
        0.3, status=Status.CANCELLED,
    ),
    ProjectSpec(
        "Northwind Foods", "Benefits Administration add-on", (BENEFITS,), None,
        Phase.SALES_HANDOFF, "green", acknowledged=False,
    ),
    ProjectSpec(
        "Cobalt Software", "Recruiting", (RECRUITING,), "pm2", Phase.HYPERCARE, "amber_risk",
        0.5,
    ),
    ProjectSpec(
        "Brightline Retail Group", "Payroll phase 2", (PAYROLL,), "pm2", Phase.SALES_HANDOFF,
        "green", acknowledged=False,
    ),
)
# fmt: on


@dataclass(frozen=True)
class Trouble:
    """What a project's data is built to show, in the terms health is computed from."""

    slip: int = 0
    overdue_tasks: int = 0
    stuck: bool = False  # today is past the end of the current phase and it is not done
    budget_over: float = 0.0  # share of the budget burned beyond the share of work done
    burn_factor: float = 0.9
    critical_issue: bool = False
    unmitigated_risk: bool = False


def trouble_for(shape: str, thresholds: dict, rng: random.Random) -> Trouble:
    slip_amber, slip_red = thresholds["SLIP_AMBER_DAYS"], thresholds["SLIP_RED_DAYS"]
    tasks_amber, tasks_red = thresholds["OVERDUE_TASKS_AMBER"], thresholds["OVERDUE_TASKS_RED"]
    over_amber, over_red = thresholds["BUDGET_OVERRUN_AMBER"], thresholds["BUDGET_OVERRUN_RED"]
    if shape == "green":
        return Trouble(
            slip=rng.randint(0, min(3, slip_amber - 1)),
            overdue_tasks=rng.randint(0, max(0, min(2, tasks_amber - 1))),
            burn_factor=rng.uniform(0.82, 0.96),
        )
    if shape == "amber_slip":
        return Trouble(slip=min(slip_amber + 3, slip_red - 1), overdue_tasks=1)
    if shape == "amber_risk":
        return Trouble(overdue_tasks=min(tasks_amber, tasks_red - 1), unmitigated_risk=True)
    if shape == "amber_budget":
        return Trouble(budget_over=(over_amber + over_red) / 2, burn_factor=1.0, overdue_tasks=1)
    if shape == "red_issue":
        return Trouble(slip=slip_red + 4, overdue_tasks=2, critical_issue=True)
    if shape == "red_stuck":
        return Trouble(
            slip=slip_red + 9,
            overdue_tasks=tasks_red + 1,
            stuck=True,
            critical_issue=True,
            unmitigated_risk=True,
            burn_factor=1.0,
        )
    raise ValueError(f"Unknown project shape {shape!r}")


# ---------------------------------------------------------------------------------------------
# The plan template: milestones and their tasks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskTemplate:
    title: str
    owner: str  # "pm", a team role, or "client:<contact role>"
    hours: float
    client_visible: bool = False
    products: tuple[str, ...] = ()  # only for projects implementing one of these
    description: str = ""


@dataclass(frozen=True)
class MilestoneTemplate:
    name: str
    phase: Phase  # the phase whose work it completes
    frac: float | None  # share of kick-off → go-live; None: end of hypercare
    key: bool
    critical: bool
    max_tasks: int
    tasks: tuple[TaskTemplate, ...]
    applies: Callable[[str, tuple[str, ...]], bool] = lambda segment, products: True


T = TaskTemplate
CLIENT_LEAD = f"client:{ContactRole.PROJECT_LEAD}"
CLIENT_SPONSOR = f"client:{ContactRole.EXECUTIVE_SPONSOR}"
CLIENT_PAYROLL = f"client:{ContactRole.PAYROLL_ADMIN}"
CLIENT_IT = f"client:{ContactRole.IT}"
CLIENT_FINANCE = f"client:{ContactRole.FINANCE}"

# fmt: off
MILESTONES = (
    MilestoneTemplate(
        "Kick-off complete", Phase.KICKOFF, 0.06, True, False, 4,
        (
            T("Review sales handoff and contract", "pm", 2),
            T(
                "Confirm project team and stakeholders", CLIENT_LEAD, 1, True,
                description="Name the project lead, sponsor, payroll and HR admins and IT.",
            ),
            T("Prepare kick-off deck and project charter", "pm", 4),
            T("Hold kick-off meeting", "pm", 3, True),
        ),
    ),
    MilestoneTemplate(
        "Discovery sign-off", Phase.DISCOVERY, 0.22, True, False, 6,
        (
            T("Run payroll discovery workshop", TeamRole.CONSULTANT, 6, True, (PAYROLL,)),
            T("Run time-keeping and pay rules workshop", TeamRole.CONSULTANT, 6, True, (TIME,)),
            T("Run HR and org structure workshop", TeamRole.CONSULTANT, 5, True, (HR,)),
            T("Run benefits plan review", TeamRole.CONSULTANT, 5, True, (BENEFITS,)),
            T("Run recruiting workflow workshop", TeamRole.CONSULTANT, 4, True, (RECRUITING,)),
            T(
                "Send employee census file", CLIENT_PAYROLL, 2, True,
                description="Active and terminated employees for this year, in our template.",
            ),
            T("Provide prior-year payroll registers", CLIENT_PAYROLL, 2, True, (PAYROLL,)),
            T("Document current-state processes and gaps", TeamRole.SOLUTION_ARCHITECT, 8),
            T("Agree project plan and go-live date", "pm", 3, True),
            T("Sign off discovery document", CLIENT_SPONSOR, 1, True),
        ),
    ),
    MilestoneTemplate(
        "Configuration complete", Phase.CONFIGURATION, 0.5, True, True, 5,
        (
            T("Configure company, legal entities and tax IDs", TeamRole.SOLUTION_ARCHITECT, 10),
            T("Build earning and deduction codes", TeamRole.CONSULTANT, 12, False, (PAYROLL,)),
            T("Configure pay rules, schedules and clocks", TeamRole.CONSULTANT, 12, False, (TIME,)),
            T("Set up org structure, jobs and positions", TeamRole.CONSULTANT, 10, False, (HR,)),
            T(
                "Configure benefit plans and eligibility rules", TeamRole.CONSULTANT, 12, False,
                (BENEFITS,),
            ),
            T(
                "Configure requisition and offer workflows", TeamRole.CONSULTANT, 8, False,
                (RECRUITING,),
            ),
            T("Confirm pay calendar and bank details", CLIENT_PAYROLL, 2, True, (PAYROLL,)),
            T("Review configuration workbook with client", "pm", 3, True),
            T("Sign off configuration workbook", CLIENT_LEAD, 1, True),
        ),
    ),
    MilestoneTemplate(
        "Data conversion pass 1", Phase.DATA_CONVERSION, 0.6, False, False, 4,
        (
            T("Map legacy data fields", TeamRole.DATA_CONVERSION, 8),
            T(
                "Extract employee and year-to-date data from the legacy system", CLIENT_IT, 4,
                True,
            ),
            T("Load conversion pass 1", TeamRole.DATA_CONVERSION, 6),
            T("Reconcile pass 1 results with the client", TeamRole.DATA_CONVERSION, 5, True),
        ),
    ),
    MilestoneTemplate(
        "Integrations tested", Phase.DATA_CONVERSION, 0.68, False, True, 4,
        (
            T("Set up SFTP access for interface files", CLIENT_IT, 3, True),
            T("Build general ledger export", TeamRole.INTEGRATION, 10),
            T("Test benefits carrier feeds", TeamRole.INTEGRATION, 8, False, (BENEFITS,)),
            T("Test single sign-on with the client's identity provider", TeamRole.INTEGRATION, 6),
            T("Sign off integration test results", CLIENT_IT, 1, True),
        ),
        applies=lambda segment, products: segment == ENT,
    ),
    MilestoneTemplate(
        "Data conversion pass 2", Phase.DATA_CONVERSION, 0.74, True, True, 3,
        (
            T("Fix pass 1 conversion defects", TeamRole.DATA_CONVERSION, 6),
            T("Load conversion pass 2", TeamRole.DATA_CONVERSION, 6),
            T("Validate converted balances", CLIENT_FINANCE, 4, True),
        ),
        applies=lambda segment, products: segment != SMB,
    ),
    MilestoneTemplate(
        "Parallel payroll run", Phase.TESTING, 0.82, False, True, 3,
        (
            T("Run parallel payroll", TeamRole.CONSULTANT, 10),
            T("Compare parallel results with legacy payroll", CLIENT_PAYROLL, 4, True),
            T("Resolve parallel run variances", TeamRole.CONSULTANT, 6),
        ),
        applies=lambda segment, products: PAYROLL in products and segment != ENT,
    ),
    MilestoneTemplate(
        "UAT sign-off", Phase.TESTING, 0.92, True, True, 5,
        (
            T("Write UAT test scripts", TeamRole.CONSULTANT, 6),
            T("Train client testers", TeamRole.TRAINER, 4, True),
            T("Execute UAT test scripts", CLIENT_LEAD, 12, True),
            T("Triage and fix UAT defects", TeamRole.CONSULTANT, 8),
            T("Sign off UAT", CLIENT_SPONSOR, 1, True),
        ),
    ),
    MilestoneTemplate(
        "Go-live", Phase.TESTING, 1.0, True, False, 4,
        (
            T("Deliver end-user training", TeamRole.TRAINER, 8, True),
            T("Complete cutover and final data load", TeamRole.DATA_CONVERSION, 6),
            T("Hold go/no-go meeting", "pm", 2, True),
            T("Approve go-live checklist", CLIENT_SPONSOR, 1, True),
        ),
    ),
    MilestoneTemplate(
        "Hypercare exit", Phase.HYPERCARE, None, True, False, 4,
        (
            T("Support the first live pay period", TeamRole.CONSULTANT, 8, True),
            T("Hold daily hypercare check-ins", "pm", 5, True),
            T("Prepare handoff report for support", "pm", 3),
            T("Hand over open items to support", TeamRole.SUPPORT, 2),
        ),
    ),
)
# fmt: on

GO_LIVE_PHASE_DAYS = 6
HOURLY_RATE = {SMB: Decimal(150), MID: Decimal(175), ENT: Decimal(195)}
SEGMENT_EFFORT = {SMB: 0.7, MID: 1.0, ENT: 1.5}
CONTACT_FALLBACKS = {
    ContactRole.FINANCE: (ContactRole.FINANCE, ContactRole.PAYROLL_ADMIN, ContactRole.HR_ADMIN),
    ContactRole.PAYROLL_ADMIN: (ContactRole.PAYROLL_ADMIN, ContactRole.HR_ADMIN),
    ContactRole.IT: (ContactRole.IT,),
    ContactRole.EXECUTIVE_SPONSOR: (ContactRole.EXECUTIVE_SPONSOR,),
}


@dataclass(frozen=True)
class RiskTemplate:
    title: str
    description: str
    probability: int
    impact: int
    mitigation: str
    products: tuple[str, ...] = ()
    occurs_as: str = ""  # the issue it raises when it occurs


# fmt: off
RISKS = (
    RiskTemplate(
        "Legacy data quality is poor",
        "Hire dates, addresses and tax forms are incomplete in the legacy system.", 4, 4,
        "Data-cleansing sprint before pass 2; the payroll admin reviews exceptions weekly.",
        occurs_as="Converted employee records missing hire dates"),
    RiskTemplate(
        "Client IT has no capacity for interfaces",
        "The client's two-person IT team is also moving offices this quarter.", 3, 4,
        "IT time booked in the plan now; our integration engineer sets up the SFTP with them.",
        occurs_as="SFTP access not ready for interface testing"),
    RiskTemplate(
        "Testers not released from their day jobs for UAT",
        "Payroll and HR staff are needed for month-end during the UAT window.", 4, 4,
        "Sponsor releases four testers for two weeks; scripts ready a week early."),
    RiskTemplate(
        "Year-end close overlaps the go-live window",
        "The first live payroll falls in the client's year-end close.", 4, 3,
        "Go-live moved to the first pay period after the year-end close.", (PAYROLL,)),
    RiskTemplate(
        "Union overtime rules are undocumented",
        "Overtime rules differ by union and only the payroll supervisor knows them.", 3, 4,
        "Workshop with the union representative; rules signed off in the workbook.", (TIME,)),
    RiskTemplate(
        "Benefits carrier feed certification takes longer than planned",
        "Two carriers need six weeks to certify a new feed.", 3, 5,
        "Certification started during configuration; weekly call with each carrier.",
        (BENEFITS,)),
    RiskTemplate(
        "Key client stakeholder may leave during the project",
        "The HR director has been approached by another employer.", 2, 5,
        "A second project lead is named and invited to every workshop."),
    RiskTemplate(
        "Multi-state tax setup is more complex than sold",
        "Employees live and work in different states.", 3, 3, "", (PAYROLL,)),
    RiskTemplate(
        "Scope creep from additional legal entities",
        "The client is acquiring a small company and wants it included.", 3, 4,
        "Change request process agreed with the sponsor; new entity only after go-live."),
)
# fmt: on
UNMITIGATED_RISK = RiskTemplate(
    "Client payroll admin resigning before the parallel run",
    "Only one person knows the current payroll, and she has handed in her notice.",
    4,
    4,
    "",
)


@dataclass(frozen=True)
class IssueTemplate:
    title: str
    severity: str
    description: str
    resolution: str
    products: tuple[str, ...] = ()


SEV = Issue.Severity
# fmt: off
ISSUES = (
    IssueTemplate(
        "Census file is missing terminated employees", SEV.MEDIUM,
        "Employees who left this year are needed for year-to-date balances and W-2s.",
        "The client sent a new census with terminations included."),
    IssueTemplate(
        "Overtime rule pays double time a day early", SEV.HIGH,
        "The seventh-consecutive-day rule triggers on the sixth day.",
        "Rule corrected and retested with the client's test cases.", (TIME,)),
    IssueTemplate(
        "General ledger export rejected by the client's ERP", SEV.HIGH,
        "The ERP expects a six-digit cost-centre segment.",
        "Cost-centre segment padded to six digits; the ERP accepted the test file."),
    IssueTemplate(
        "Bank rejected the test direct-deposit file", SEV.HIGH,
        "The originator ID in the file header is wrong.",
        "Originator ID corrected with the bank; the test file was accepted.", (PAYROLL,)),
    IssueTemplate(
        "Managers cannot log in with single sign-on", SEV.HIGH,
        "Users outside the head office group get an access-denied page.",
        "The client added the app to every manager group in their identity provider."),
    IssueTemplate(
        "Client testers unavailable this week", SEV.MEDIUM,
        "Month-end close took priority over test execution.",
        "Testing moved to the following week; plan updated."),
    IssueTemplate(
        "Pay statements show the old company logo", SEV.LOW,
        "The logo uploaded during configuration is from before the rebrand.",
        "New logo uploaded."),
)
# fmt: on

CRITICAL_ISSUES = {
    Phase.CONFIGURATION: IssueTemplate(
        "Tax registrations missing for the new legal entity",
        SEV.CRITICAL,
        "Without the state and federal registrations the entity cannot be set up or paid.",
        "",
    ),
    Phase.DATA_CONVERSION: IssueTemplate(
        "Converted year-to-date balances off by $12,400",
        SEV.CRITICAL,
        "Pass 2 reconciliation shows differences for 212 employees.",
        "",
    ),
    Phase.TESTING: IssueTemplate(
        "Parallel run net pay variance above tolerance",
        SEV.CRITICAL,
        "Net pay differs by more than $5 for 87 employees; the on-call rule is the suspect.",
        "",
    ),
}


# ---------------------------------------------------------------------------------------------
# Plans: plain data the writers turn into rows
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class ContactPlan:
    name: str
    role: str
    email: str
    phone: str
    receives_status_reports: bool
    is_primary: bool
    obj: Any = None


@dataclass(eq=False)
class ClientPlan:
    spec: ClientSpec
    name: str
    contacts: list[ContactPlan]
    obj: Any = None

    def contact(self, role: str) -> ContactPlan:
        for wanted in CONTACT_FALLBACKS.get(role, (role,)) + (ContactRole.PROJECT_LEAD,):
            for contact in self.contacts:
                if contact.role == wanted:
                    return contact
        return self.contacts[0]


@dataclass(eq=False)
class MilestonePlan:
    name: str
    order: int
    baseline_date: date
    due_date: date
    completed_on: date | None
    is_key: bool
    is_golive_critical: bool
    phase: Phase
    signed_off_by: ContactPlan | None = None
    signed_off_at: datetime | None = None
    first_baseline: date | None = None  # in the kick-off baseline, when re-baselined since
    obj: Any = None


@dataclass(eq=False)
class TaskPlan:
    title: str
    description: str
    milestone: MilestonePlan
    owner: str  # template owner kind
    owner_user: str | None
    owner_contact: ContactPlan | None
    priority: str
    start_date: date
    due_date: date
    estimate_hours: Decimal
    visible_to_client: bool
    seq: int
    baseline: tuple[date, date]  # start and due in the current baseline
    depends_on: list["TaskPlan"] = field(default_factory=list)
    first_baseline: tuple[date, date] | None = None
    status: str = Task.Status.NOT_STARTED
    completed_at: datetime | None = None
    obj: Any = None


@dataclass(eq=False)
class RiskPlan:
    title: str
    description: str
    probability: int
    impact: int
    owner: str | None
    mitigation_plan: str
    status: str
    raised_at: datetime
    closed_at: datetime | None
    obj: Any = None


@dataclass(eq=False)
class IssuePlan:
    title: str
    description: str
    severity: str
    owner: str | None
    status: str
    raised_at: datetime
    resolved_at: datetime | None
    resolution: str
    escalation_level: int
    from_risk: RiskPlan | None = None
    obj: Any = None


@dataclass(eq=False)
class TimeEntryPlan:
    user: str
    task: TaskPlan | None
    spent_on: date
    hours: Decimal
    billable: bool
    note: str


@dataclass(eq=False)
class CommentPlan:
    author: str
    body: str
    created_at: datetime
    task: TaskPlan | None = None
    risk: RiskPlan | None = None
    issue: IssuePlan | None = None


@dataclass(eq=False)
class ProjectPlan:
    spec: ProjectSpec
    name: str
    client: ClientPlan
    expected_health: str
    fields: dict[str, Any]  # plain project fields
    pm: str | None
    override_by: str | None
    uat_signed_off_by: ContactPlan | None
    handoff: dict[str, Any]
    handoff_submitted_at: datetime
    handoff_submitted_by: str | None
    handoff_acknowledged_by: str | None
    team: list[tuple[str, str]]
    milestones: list[MilestonePlan]
    tasks: list[TaskPlan]
    risks: list[RiskPlan]
    issues: list[IssuePlan]
    time_entries: list[TimeEntryPlan]
    comments: list[CommentPlan]
    phase_changes: list[tuple[str, str, datetime, str]]  # from, to, when, note
    handoff_report: dict[str, Any] | None
    report_sent_by: str | None
    report_decided_by: str | None
    templates: tuple[int, ...] = ()  # the templates (pks) its plan was made from
    baselines: list["BaselinePlan"] = field(default_factory=list)  # oldest first
    obj: Any = None
    handoff_obj: Any = None


@dataclass(eq=False)
class BaselinePlan:
    taken_at: datetime
    taken_by: str | None
    reason: str
    current: (
        bool  # the latest: the plan's baseline dates; else the kick-off one, re-baselined since
    )


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """An aware datetime on `day` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _hours(value: float, per_hour: int = 4) -> Decimal:
    """Round to a quarter hour (or another fraction of an hour)."""
    return Decimal(round(value * per_hour)) / per_hour


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


def _phone(time_zone: str, n: int) -> str:
    if time_zone == "Europe/London":
        return f"+44 20 7946 0{n:03d}"
    if time_zone == "Europe/Berlin":
        return f"+49 30 5550 {n:04d}"
    area = {"America/Chicago": 312, "America/New_York": 212, "America/Los_Angeles": 213}
    return f"+1 {area.get(time_zone, 303)} 555 01{n % 100:02d}"


def build_client_plan(spec: ClientSpec, name: str) -> ClientPlan:
    """The account with its 3–5 contacts; one primary, the lead and sponsor get reports."""
    rng = random.Random(f"{SEED}:client:{name}")
    roles = [ContactRole.PROJECT_LEAD, ContactRole.EXECUTIVE_SPONSOR]
    roles.append(ContactRole.PAYROLL_ADMIN if PAYROLL in spec.products else ContactRole.HR_ADMIN)
    if spec.segment != SMB:
        roles.append(ContactRole.IT)
    if rng.random() < 0.5:
        roles.append(ContactRole.FINANCE)
    firsts = rng.sample(FIRST_NAMES, len(roles))
    lasts = rng.sample(LAST_NAMES, len(roles))
    domain = f"{_slug(spec.name)}.example"
    contacts = [
        ContactPlan(
            name=f"{first} {last}",
            role=role,
            email=f"{first}.{last}@{domain}".lower(),
            phone=_phone(spec.time_zone, rng.randint(0, 99)),
            receives_status_reports=index < 2 or rng.random() < 0.3,
            is_primary=index == 0,
        )
        for index, (role, first, last) in enumerate(zip(roles, firsts, lasts, strict=True))
    ]
    return ClientPlan(spec=spec, name=name, contacts=contacts)


def _team(spec: ProjectSpec, segment: str, rng: random.Random) -> list[tuple[str, str]]:
    if spec.pm is None:
        return []
    consultant = rng.choice(["mlopez", "rpatel"])
    team = [(consultant, TeamRole.CONSULTANT)]
    if segment != SMB:
        team += [("aberg", TeamRole.DATA_CONVERSION), ("jkim", TeamRole.TRAINER)]
    if segment == ENT:
        team += [("dchen", TeamRole.SOLUTION_ARCHITECT), ("tokafor", TeamRole.INTEGRATION)]
    if spec.phase.index >= Phase.GO_LIVE.index:
        team.append(("support", TeamRole.SUPPORT))
    return team


def _owner_user(owner: str, pm: str | None, team: list[tuple[str, str]]) -> str | None:
    by_role = {role: username for username, role in team}
    if owner == "pm":
        return pm
    for role in (owner, TeamRole.CONSULTANT):
        if role in by_role:
            return by_role[role]
    return pm


# ---------------------------------------------------------------------------------------------
# Plan skeletons: what the templates make, in business-day indices from kick-off
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkeletonMilestone:
    name: str
    end: int  # its due day, in business days after kick-off
    key: bool
    critical: bool
    phase: Phase


@dataclass(frozen=True)
class SkeletonTask:
    title: str
    milestone: str
    start: int
    end: int
    owner: str  # as TaskTemplate.owner: "pm", a team role, or "client:<contact role>"
    hours: Decimal
    client_visible: bool
    description: str
    waits_on: tuple[int, ...]  # indices of earlier tasks in PlanSkeleton.tasks


@dataclass(frozen=True)
class PlanSkeleton:
    """A plan stitched from templates and scheduled from a kick-off on day 0; the demo dates it.

    It is made once per combination of products (playbooks.demo.plan_skeletons) and shared by
    every project implementing that combination, so a scaled load stitches a handful of plans.
    """

    templates: tuple[int, ...]
    milestones: tuple[SkeletonMilestone, ...]
    tasks: tuple[SkeletonTask, ...]  # predecessors first
    holidays: frozenset[date] = frozenset()

    @property
    def go_live_index(self) -> int:
        return next(m.end for m in self.milestones if m.name == "Go-live")

    @property
    def length(self) -> int:
        return max(x.end for x in (*self.milestones, *self.tasks))


# A project's days, by business-day index from its kick-off: projects share kick-offs.
@functools.lru_cache(maxsize=4096)
def _business_days(kickoff: date, count: int, holidays: frozenset[date]) -> tuple[date, ...]:
    days = [kickoff]
    day = kickoff
    while len(days) < count:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            days.append(day)
    return tuple(days)


REBASELINE_DAYS = 5


def _rebaseline_shift(spec: ProjectSpec, skeleton: PlanSkeleton) -> Callable[[int], int]:
    """Where the kick-off baseline had each day, for a plan re-baselined after discovery.

    Discovery found more work than sold: what came after it was agreed a week later than the
    kick-off baseline said, the extra week spread over the work up to go-live.
    """
    cut = max(m.end for m in skeleton.milestones if m.phase.index <= Phase.DISCOVERY.index)
    go_live = skeleton.go_live_index
    span = max(go_live - cut, REBASELINE_DAYS + 1)

    def earlier(index: int) -> int:
        if index <= cut:
            return index
        return index - round(REBASELINE_DAYS * min(1.0, (index - cut) / span))

    return earlier


def rebaselined_on(skeleton: PlanSkeleton, kickoff_days: tuple[date, ...]) -> date:
    """The day after discovery's last milestone: when the re-baseline was agreed."""
    cut = max(m.end for m in skeleton.milestones if m.phase.index <= Phase.DISCOVERY.index)
    return kickoff_days[cut] + timedelta(days=1)


def build_project_plan(
    spec: ProjectSpec,
    client: ClientPlan,
    today: date,
    thresholds: dict,
    *,
    rng: random.Random,
    skeleton: PlanSkeleton,
    name: str | None = None,
) -> ProjectPlan:
    """Everything one project holds, consistent with its phase and built for its health."""
    name = name or f"{client.name} — {spec.title}"
    segment = client.spec.segment
    trouble = trouble_for(spec.shape, thresholds, rng)
    phase_index = spec.phase.index
    team = _team(spec, segment, rng)
    pm = spec.pm

    # The plan: the project's templates stitched into one (playbooks), in business days from
    # kick-off. The baseline is that plan; the forecast stretches it by the slip the project's
    # shape needs, spread over the work up to go-live and carried in full after it.
    holidays = skeleton.holidays
    go_live_index = skeleton.go_live_index
    slip = round(trouble.slip * 5 / 7)

    def forecast(index: int) -> int:
        if index >= go_live_index:
            return index + slip
        return index + round(slip * index / go_live_index)

    def phase_end(phase: Phase) -> int:
        ends = [forecast(m.end) for m in skeleton.milestones if m.phase == phase]
        return max(ends) if ends else 0

    # Where today falls: inside the current phase's window, or just past it when stuck.
    go_live_offset = forecast(go_live_index)
    if spec.phase == Phase.SALES_HANDOFF:
        today_offset = -(5 + round(spec.position * 15))
    elif spec.phase == Phase.KICKOFF:
        today_offset = _inside(0, phase_end(Phase.KICKOFF), spec.position, trouble.stuck)
    elif spec.phase == Phase.GO_LIVE:
        today_offset = go_live_offset + 1 + round(spec.position * 2)
    elif spec.phase == Phase.HYPERCARE:
        today_offset = _inside(
            go_live_offset + 5, phase_end(Phase.HYPERCARE), spec.position, trouble.stuck
        )
    elif spec.phase == Phase.HANDED_OFF:
        today_offset = phase_end(Phase.HYPERCARE) + 10 + round(spec.position * 43)
    else:
        start = phase_end(PHASES[phase_index - 1])
        today_offset = _inside(start, phase_end(spec.phase), spec.position, trouble.stuck)
    kickoff = subtract_business_days(previous_business_day(today, holidays), today_offset, holidays)
    day = _business_days(kickoff, skeleton.length + slip + 1, holidays)
    rebaseline = _rebaseline_shift(spec, skeleton) if spec.rebaseline else None

    # Milestones: done for the phases behind, and for the current one when their date passed.
    milestones: list[MilestonePlan] = []
    lead = client.contact(ContactRole.PROJECT_LEAD)
    sponsor = client.contact(ContactRole.EXECUTIVE_SPONSOR)
    for order, template in enumerate(skeleton.milestones, start=1):
        due = day[forecast(template.end)]
        if template.phase.index < phase_index:
            done = True
        elif template.phase == spec.phase:
            done = due < today and not trouble.stuck
        else:
            done = False
        milestone = MilestonePlan(
            name=template.name,
            order=order,
            baseline_date=day[template.end],
            due_date=due,
            completed_on=due if done else None,
            is_key=template.key,
            is_golive_critical=template.critical,
            phase=template.phase,
        )
        if rebaseline:
            milestone.first_baseline = day[rebaseline(template.end)]
        if done and (template.key or template.critical):
            signer = sponsor if template.name in ("UAT sign-off", "Go-live") else lead
            milestone.signed_off_by = signer
            signed_on = min(due + timedelta(days=1), today)
            milestone.signed_off_at = at(signed_on, 11, 30)
        milestones.append(milestone)

    # Tasks: the template's, with their finish-to-start links; owners from the team.
    tasks: list[TaskPlan] = []
    effort = SEGMENT_EFFORT[segment]
    by_name = {m.name: m for m in milestones}
    last_of_milestone = {t.milestone: t.title for t in skeleton.tasks}
    for template in skeleton.tasks:
        owner_contact = None
        owner_user = None
        if template.owner.startswith("client:"):
            owner_contact = client.contact(template.owner.removeprefix("client:"))
        else:
            owner_user = _owner_user(template.owner, pm, team)
        milestone = by_name[template.milestone]
        critical_last = milestone.is_golive_critical and last_of_milestone[template.milestone] == (
            template.title
        )
        task = TaskPlan(
            title=template.title,
            description=template.description,
            milestone=milestone,
            owner=template.owner,
            owner_user=owner_user,
            owner_contact=owner_contact,
            priority=(
                Task.Priority.HIGH
                if critical_last
                else rng.choice([Task.Priority.NORMAL] * 3 + [Task.Priority.LOW])
            ),
            start_date=day[forecast(template.start)],
            due_date=day[forecast(template.end)],
            estimate_hours=_hours(float(template.hours) * effort, per_hour=2),
            visible_to_client=template.client_visible,
            seq=len(tasks),
            baseline=(day[template.start], day[template.end]),
        )
        if rebaseline:
            task.first_baseline = (day[rebaseline(template.start)], day[rebaseline(template.end)])
        task.depends_on = [tasks[i] for i in template.waits_on]
        tasks.append(task)
    _set_task_statuses(tasks, today, trouble, rng)
    _assign_pm_work_this_week(tasks, today, pm)

    # Health override, UAT sign-off, go-live.
    go_live = next(m for m in milestones if m.name == "Go-live")
    went_live = phase_index >= Phase.GO_LIVE.index
    uat = next(m for m in milestones if m.name == "UAT sign-off")
    user_hours = sum((t.estimate_hours for t in tasks if t.owner_contact is None), start=Decimal(0))
    weeks_total = (milestones[-1].due_date - kickoff).days // 7
    budget_hours = Decimal(round(float(user_hours) * 1.12 + weeks_total, -1) or 10)
    override = spec.override
    fields = {
        "name": name,
        "phase": spec.phase.value,
        "status": spec.status,
        "kickoff_date": kickoff,
        "baseline_go_live": go_live.baseline_date,
        "forecast_go_live": go_live.due_date,
        "actual_go_live": go_live.due_date if went_live else None,
        "business_days_to_go_live": (
            business_days_between(kickoff, go_live.due_date, holidays) if went_live else None
        ),
        # Hypercare runs to the plan's last milestone, its exit.
        "hypercare_ends_on": milestones[-1].due_date if went_live else None,
        "budget_hours": budget_hours,
        # A project built to overrun its hours keeps an hours budget only: with a money budget
        # its health would follow the forecast at completion instead, which this data does not
        # aim at.
        "budget_amount": None if trouble.budget_over else budget_hours * HOURLY_RATE[segment],
        "uat_signed_off_at": uat.signed_off_at if phase_index > Phase.TESTING.index else None,
        "health_override": override.health if override else "",
        "health_override_reason": override.reason if override else "",
        "health_override_until": today + timedelta(days=override.days) if override else None,
        "last_activity_at": at(
            today - timedelta(days=21 if spec.status == Status.ON_HOLD else rng.randint(0, 2)),
            rng.randint(9, 16),
            rng.choice([0, 15, 30, 45]),
        ),
    }

    # Deal context from sales.
    signed = kickoff - timedelta(days=rng.randint(14, 35))
    if spec.phase == Phase.SALES_HANDOFF:
        signed = today - timedelta(days=rng.randint(3, 9))
    pains, commitments, terms = INDUSTRY_CONTEXT.get(
        client.spec.industry, INDUSTRY_CONTEXT["Software"]
    )
    submitted_at = at(signed + timedelta(days=2), 10, 15)
    acknowledged = spec.acknowledged and pm is not None
    handoff = {
        "contract_signed_on": signed,
        "target_go_live": (go_live.first_baseline or go_live.baseline_date),
        "commitments": commitments,
        "special_terms": terms,
        "pain_points": pains,
        "stakeholders": "; ".join(
            f"{c.name} ({ContactRole(c.role).label})" for c in client.contacts
        ),
        "acknowledged_at": at(signed + timedelta(days=3), 14, 0) if acknowledged else None,
    }

    risks, issues = _risks_and_issues(spec, tasks, kickoff, today, trouble, pm, team, rng)
    plan = ProjectPlan(
        spec=spec,
        name=name,
        client=client,
        expected_health=spec.expected_health,
        fields=fields,
        pm=pm,
        override_by=override.by if override else None,
        uat_signed_off_by=uat.signed_off_by if phase_index > Phase.TESTING.index else None,
        handoff=handoff,
        handoff_submitted_at=submitted_at,
        handoff_submitted_by=client.spec.sales_rep,
        handoff_acknowledged_by=pm if acknowledged else None,
        team=team,
        milestones=milestones,
        tasks=tasks,
        risks=risks,
        issues=issues,
        time_entries=[],
        comments=[],
        phase_changes=_phase_changes(spec, kickoff, milestones, go_live),
        handoff_report=None,
        report_sent_by=None,
        report_decided_by=None,
    )
    plan.time_entries = _time_entries(plan, today, trouble, rng)
    plan.comments = _comments(plan, today, rng)
    _handoff_report(plan, go_live, milestones[-1])
    plan.templates = skeleton.templates
    # A baseline is taken when a project moves to kick-off; re-baselined once when asked.
    if phase_index >= Phase.KICKOFF.index:
        if rebaseline and rebaselined_on(skeleton, day) < today:
            plan.baselines = [
                BaselinePlan(at(kickoff, 10, 0), pm, "", current=False),
                BaselinePlan(
                    at(rebaselined_on(skeleton, day), 15, 30), pm, spec.rebaseline, current=True
                ),
            ]
        else:
            for m in milestones:
                m.first_baseline = None
            for t in tasks:
                t.first_baseline = None
            plan.baselines = [BaselinePlan(at(kickoff, 10, 0), pm, "", current=True)]
    return plan


def _inside(start: int, end: int, position: float, stuck: bool) -> int:
    """A day offset within [start, end), or a few days past `end` for a stuck project."""
    if stuck:
        return end + 4
    if end - start < 2:
        return start + 1
    return min(max(start + 1, start + round(position * (end - start))), end - 1)


def _set_task_statuses(
    tasks: list[TaskPlan], today: date, trouble: Trouble, rng: random.Random
) -> None:
    """Done behind today, open ahead, and the wanted number overdue — dependencies first."""
    past_due_open = [t for t in tasks if t.milestone.completed_on is None and t.due_date < today]
    overdue = set(
        sorted(past_due_open, key=lambda t: (t.due_date, t.seq))[::-1][: trouble.overdue_tasks]
    )
    done = Task.Status.DONE
    for task in sorted(tasks, key=lambda t: (t.due_date, t.seq)):
        deps_done = all(d.status == done for d in task.depends_on)
        if task.milestone.completed_on is not None or (
            task.due_date < today and task not in overdue and deps_done
        ):
            task.status = done
            finished = min(task.due_date - timedelta(days=rng.randint(0, 1)), today)
            finished = max(finished, task.start_date)
            task.completed_at = at(finished, rng.randint(10, 17), rng.choice([0, 20, 40]))
        elif task.start_date <= today and deps_done:
            task.status = Task.Status.IN_PROGRESS
        else:
            task.status = Task.Status.NOT_STARTED
    open_now = [t for t in tasks if t.status == Task.Status.IN_PROGRESS]
    blocked = min(2 if trouble.stuck else 1, len(open_now) // 2)
    for task in open_now[len(open_now) - blocked :]:
        task.status = Task.Status.BLOCKED
        waiting = (
            f"Blocked: waiting for {task.owner_contact.name} at the client."
            if task.owner_contact
            else "Blocked: waiting for the client to confirm the rules in writing."
        )
        task.description = f"{task.description}\n\n{waiting}".strip()
    for task in tasks:
        if task.status != done and task.due_date < today:
            task.priority = Task.Priority.URGENT if trouble.stuck else Task.Priority.HIGH


def _assign_pm_work_this_week(tasks: list[TaskPlan], today: date, pm: str | None) -> None:
    """Besides their own tasks, the PM picks up one late task and one due this week."""
    if pm is None:
        return
    week_end = today + timedelta(days=6)
    vendor_open = [t for t in tasks if t.owner_contact is None and t.status != Task.Status.DONE]
    for wanted in (
        lambda t: t.due_date < today,
        lambda t: today <= t.due_date <= week_end,
    ):
        mine = [t for t in vendor_open if wanted(t)]
        if mine and not any(t.owner_user == pm for t in mine):
            mine[0].owner_user = pm


def _risks_and_issues(
    spec: ProjectSpec,
    tasks: list[TaskPlan],
    kickoff: date,
    today: date,
    trouble: Trouble,
    pm: str | None,
    team: list[tuple[str, str]],
    rng: random.Random,
) -> tuple[list[RiskPlan], list[IssuePlan]]:
    phase_index = spec.phase.index
    owners = [pm, *(username for username, _ in team)] if pm else [None]
    started = min(kickoff, today - timedelta(days=2))
    elapsed = (today - started).days

    def moment(share: float) -> datetime:
        return at(started + timedelta(days=int(elapsed * share)), rng.randint(9, 16), 0)

    candidates = [r for r in RISKS if not r.products or set(r.products) & set(spec.products)]
    count = 2 if phase_index <= Phase.KICKOFF.index else rng.randint(3, 5)
    chosen = rng.sample(candidates, min(count, len(candidates)))
    if trouble.unmitigated_risk:
        chosen.append(UNMITIGATED_RISK)
    risks: list[RiskPlan] = []
    issues: list[IssuePlan] = []
    finished = spec.phase == Phase.HANDED_OFF
    for index, template in enumerate(chosen):
        raised = moment(0.1 + 0.5 * index / max(len(chosen), 1))
        occurred = (
            template.occurs_as
            and phase_index >= Phase.CONFIGURATION.index
            and not any(r.status == Risk.Status.OCCURRED for r in risks)
        )
        if occurred:
            status = Risk.Status.OCCURRED
        elif template is UNMITIGATED_RISK:
            status = Risk.Status.OPEN
        elif finished or (phase_index >= Phase.TESTING.index and index % 2 == 0):
            status = Risk.Status.CLOSED
        elif template.mitigation:
            status = Risk.Status.MITIGATING
        else:
            status = Risk.Status.OPEN
        closed = status in (Risk.Status.CLOSED, Risk.Status.OCCURRED)
        risk = RiskPlan(
            title=template.title,
            description=template.description,
            probability=template.probability,
            impact=template.impact,
            owner=owners[index % len(owners)],
            mitigation_plan=template.mitigation,
            status=status,
            raised_at=raised,
            closed_at=moment(0.7 + 0.05 * index) if closed else None,
        )
        risks.append(risk)
        if occurred:
            resolved = phase_index >= Phase.TESTING.index
            issues.append(
                IssuePlan(
                    title=template.occurs_as,
                    description=f"Raised when the risk “{template.title}” occurred.",
                    severity=SEV.HIGH,
                    owner=pm,
                    status=Issue.Status.RESOLVED if resolved else Issue.Status.IN_PROGRESS,
                    raised_at=risk.closed_at,
                    resolved_at=moment(0.85) if resolved else None,
                    resolution="Worked around with the client; plan updated." if resolved else "",
                    escalation_level=0,
                    from_risk=risk,
                )
            )

    if phase_index >= Phase.KICKOFF.index:
        candidates = [i for i in ISSUES if not i.products or set(i.products) & set(spec.products)]
        count = 1 if phase_index <= Phase.DISCOVERY.index else rng.randint(2, 3)
        for index, template in enumerate(rng.sample(candidates, count)):
            still_open = not finished and index == 0 and phase_index < Phase.HANDED_OFF.index
            if still_open:
                status = rng.choice([Issue.Status.OPEN, Issue.Status.IN_PROGRESS])
            else:
                status = rng.choice([Issue.Status.RESOLVED, Issue.Status.CLOSED])
            issues.append(
                IssuePlan(
                    title=template.title,
                    description=template.description,
                    severity=template.severity,
                    owner=owners[(index + 1) % len(owners)],
                    status=status,
                    raised_at=moment(0.2 + 0.2 * index),
                    resolved_at=None if still_open else moment(0.5 + 0.2 * index),
                    resolution="" if still_open else template.resolution,
                    escalation_level=0,
                )
            )
    if trouble.critical_issue:
        template = CRITICAL_ISSUES.get(spec.phase, CRITICAL_ISSUES[Phase.CONFIGURATION])
        issues.append(
            IssuePlan(
                title=template.title,
                description=template.description,
                severity=SEV.CRITICAL,
                owner=pm,
                status=Issue.Status.IN_PROGRESS,
                raised_at=at(today - timedelta(days=9), 8, 45),
                resolved_at=None,
                resolution="",
                escalation_level=2 if trouble.stuck else 1,
            )
        )
    return risks, issues


def _phase_changes(
    spec: ProjectSpec, kickoff: date, milestones: list[MilestonePlan], go_live: MilestonePlan
) -> list[tuple[str, str, datetime, str]]:
    """One row per phase passed, dated when the work that closes the phase before it ended."""
    ends: dict[Phase, date] = {}
    for milestone in milestones:
        ends[milestone.phase] = max(
            ends.get(milestone.phase, milestone.due_date), milestone.due_date
        )
    entered = {
        Phase.KICKOFF: kickoff,
        Phase.DISCOVERY: ends[Phase.KICKOFF],
        Phase.CONFIGURATION: ends[Phase.DISCOVERY],
        Phase.DATA_CONVERSION: ends[Phase.CONFIGURATION],
        Phase.TESTING: ends[Phase.DATA_CONVERSION],
        Phase.GO_LIVE: go_live.due_date,
        Phase.HYPERCARE: go_live.due_date + timedelta(days=GO_LIVE_PHASE_DAYS),
        Phase.HANDED_OFF: ends[Phase.HYPERCARE] + timedelta(days=1),
    }
    notes = {
        Phase.KICKOFF: "Sales handoff acknowledged; kick-off held with the client.",
        Phase.DISCOVERY: "Kick-off complete; discovery workshops booked.",
        Phase.CONFIGURATION: "Discovery document signed off by the sponsor.",
        Phase.DATA_CONVERSION: "Configuration workbook signed off.",
        Phase.TESTING: "Conversion reconciled; UAT starts Monday.",
        Phase.GO_LIVE: "Go decision at the go/no-go meeting.",
        Phase.HYPERCARE: "First payroll paid on time; hypercare started.",
        Phase.HANDED_OFF: "Support accepted the handoff report.",
    }
    return [
        (PHASES[i - 1].value, PHASES[i].value, at(entered[PHASES[i]], 16, 0), notes[PHASES[i]])
        for i in range(1, spec.phase.index + 1)
    ]


def _time_entries(
    plan: ProjectPlan, today: date, trouble: Trouble, rng: random.Random
) -> list[TimeEntryPlan]:
    """Hours that burn the budget in step with the work done, or ahead of it when wanted."""
    if plan.pm is None or plan.spec.phase == Phase.SALES_HANDOFF:
        return []
    budget = float(plan.fields["budget_hours"])
    done_share = sum(t.status == Task.Status.DONE for t in plan.tasks) / len(plan.tasks)
    target = budget * (done_share * trouble.burn_factor + trouble.budget_over)
    entries: list[TimeEntryPlan] = []
    kickoff = plan.fields["kickoff_date"]
    last_day = today - timedelta(days=1)
    weeks = max(0, (last_day - kickoff).days // 7)
    calls = min(weeks, int(target * 0.2))
    for week in range(calls):
        entries.append(
            TimeEntryPlan(
                user=plan.pm,
                task=None,
                spent_on=kickoff + timedelta(days=7 * week + 2),
                hours=Decimal(1),
                billable=True,
                note=f"Weekly status call, week {week + 1}",
            )
        )
    remaining = target - calls
    worked = [
        t
        for t in plan.tasks
        if t.owner_user and t.status != Task.Status.NOT_STARTED and t.start_date <= last_day
    ]
    weights = [
        float(t.estimate_hours) * (1 if t.status == Task.Status.DONE else 0.5) for t in worked
    ]
    total_weight = sum(weights)
    if remaining <= 0 or not total_weight:
        return entries
    notes = ("Preparation", "Working session", "Follow-up", "Wrap-up", "Rework", "Review")
    for task, weight in zip(worked, weights, strict=True):
        share = remaining * weight / total_weight
        pieces = max(1, min(len(notes), round(share / 5)))
        end = min(task.due_date, last_day)
        span = max((end - task.start_date).days, 0)
        left = share
        for piece in range(pieces):
            hours = _hours(left if piece == pieces - 1 else share / pieces)
            left -= float(hours)
            if hours < Decimal("0.25"):
                continue
            entries.append(
                TimeEntryPlan(
                    user=task.owner_user,
                    task=task,
                    spent_on=task.start_date + timedelta(days=span * piece // pieces),
                    hours=min(hours, Decimal(24)),
                    billable=rng.random() < 0.9,
                    note=notes[piece],
                )
            )
    return entries


COMMENTS = (
    "Steering committee confirmed the plan; the sponsor wants a one-page update every Friday.",
    "Client asked for two more pay groups — raised as a change request, not in scope.",
    "Weekly call moved to Tuesdays at 10:00 client time from next week.",
)


def _comments(plan: ProjectPlan, today: date, rng: random.Random) -> list[CommentPlan]:
    if plan.pm is None:
        return []
    comments = [
        CommentPlan(
            author=plan.pm,
            body=rng.choice(COMMENTS),
            created_at=at(today - timedelta(days=rng.randint(2, 12)), 15, 10),
        )
    ]
    stuck = [t for t in plan.tasks if t.status == Task.Status.BLOCKED] or [
        t for t in plan.tasks if t.status != Task.Status.DONE and t.due_date < today
    ]
    if stuck:
        task = stuck[0]
        who = task.owner_contact.name if task.owner_contact else "the client"
        comments.append(
            CommentPlan(
                author=plan.pm,
                body=f"Chased {who} again today; promised by Friday.",
                created_at=at(today - timedelta(days=1), 11, 5),
                task=task,
            )
        )
    open_issues = [i for i in plan.issues if i.status in (Issue.Status.OPEN, "in_progress")]
    if open_issues:
        issue = open_issues[-1]
        comments.append(
            CommentPlan(
                author="manager" if issue.severity == SEV.CRITICAL else plan.pm,
                body=(
                    "Escalated to the client's CFO; I have asked for a fix date by Thursday."
                    if issue.severity == SEV.CRITICAL
                    else "Workaround agreed with the client; fix planned for the next build."
                ),
                created_at=at(max(issue.raised_at.date(), today - timedelta(days=3)), 17, 20),
                issue=issue,
            )
        )
    open_risks = [r for r in plan.risks if r.status in (Risk.Status.OPEN, Risk.Status.MITIGATING)]
    if open_risks:
        comments.append(
            CommentPlan(
                author=plan.pm,
                body="Reviewed at the weekly status call; keeping it open until the next load.",
                created_at=at(today - timedelta(days=rng.randint(3, 8)), 10, 40),
                risk=open_risks[0],
            )
        )
    return comments


def _handoff_report(plan: ProjectPlan, go_live: MilestonePlan, hypercare: MilestonePlan) -> None:
    phase = plan.spec.phase
    if phase.index < Phase.HYPERCARE.index:
        return
    products = ", ".join(plan.spec.products)
    open_items = [i.title for i in plan.issues if i.status in ("open", "in_progress")]
    report = {
        "configuration_summary": (
            f"{products} configured for {plan.client.spec.employees} employees: legal entities, "
            "pay groups, earnings and deductions, approval workflows and interfaces."
        ),
        "decisions": "Bi-weekly pay cycle for all groups; managers approve time by Monday 10:00.",
        "training": "Two admin sessions and recorded end-user training; quick guides sent.",
        "open_items": "; ".join(open_items) or "No open issues at handoff.",
        "status": HandoffReport.Status.SENT,
        "sent_at": at(go_live.due_date + timedelta(days=3), 12, 0),
        "decided_at": None,
        "support_comment": "",
    }
    plan.report_sent_by = plan.pm
    if phase == Phase.HANDED_OFF:
        report["status"] = HandoffReport.Status.ACCEPTED
        report["decided_at"] = at(hypercare.due_date + timedelta(days=1), 9, 30)
        report["support_comment"] = "Accepted. Client added to the weekly support review."
        plan.report_decided_by = "support"
    plan.handoff_report = report


def build_base_plans(
    today: date, skeletons: Callable[[tuple[str, ...]], PlanSkeleton]
) -> tuple[list[ClientPlan], list[ProjectPlan]]:
    thresholds = settings.GOLIVE_HEALTH
    clients = {spec.name: build_client_plan(spec, spec.name) for spec in CLIENTS}
    projects = [
        build_project_plan(
            spec,
            clients[spec.client],
            today,
            thresholds,
            rng=random.Random(f"{SEED}:project:{spec.name}"),
            skeleton=skeletons(spec.products),
        )
        for spec in PROJECTS
    ]
    return list(clients.values()), projects


def plan_skeletons(today: date) -> Callable[[tuple[str, ...]], PlanSkeleton]:
    """Plans made from the demo templates, one per combination of products.

    The templates live in playbooks, an app built on this one: the demo loader is the one place
    here that asks it for something, so the import waits until the loader runs.
    """
    from playbooks.demo import plan_skeletons as from_templates

    holidays = company_holidays(today - timedelta(days=3 * 366), today + timedelta(days=3 * 366))
    return from_templates(holidays)


# ---------------------------------------------------------------------------------------------
# The base set: reconciled row by row
# ---------------------------------------------------------------------------------------------


@dataclass
class SeedResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    project_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0
    batches: list[int] = field(default_factory=list)


class _Reconciler:
    """Create a row when missing, save only the fields that differ, count both."""

    def __init__(self, result: SeedResult):
        self.result = result

    def upsert(self, model: type[models.Model], existing: dict, key: Any, values: dict):
        obj = existing.get(key)
        label = model._meta.verbose_name_plural
        if obj is None:
            obj = model(**values)
            obj.save()
            existing[key] = obj
            self.result.created[label] += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            self.result.updated[label] += 1
        return obj

    def pairs(
        self,
        through: type[models.Model],
        left: str,
        right: str,
        wanted: dict[int, Iterable[int]],
        label: str,
    ) -> None:
        """Make the many-to-many rows of the `wanted` left ids exactly these."""
        if not wanted:
            return
        desired = {(a, b) for a, bs in wanted.items() for b in bs}
        current = set(
            through.objects.filter(**{f"{left}__in": list(wanted)}).values_list(left, right)
        )
        missing = sorted(desired - current)
        if missing:
            through.objects.bulk_create([through(**{left: a, right: b}) for a, b in missing])
            self.result.created[label] += len(missing)
        for a, b in sorted(current - desired):
            through.objects.filter(**{left: a, right: b}).delete()
            self.result.deleted[label] += 1


def seed_base(today: date | None = None) -> SeedResult:
    """Load the demo set, or bring it back to its canonical state for today."""
    started = clock.perf_counter()
    today = today or timezone.localdate()
    result = SeedResult()
    rec = _Reconciler(result)
    with transaction.atomic():
        users = _sync_users(rec)
        products = _sync_products(rec)
        _sync_role_rates()
        client_plans, project_plans = build_base_plans(today, plan_skeletons(today))
        _sync_clients(rec, client_plans, project_plans, users, products)
        for plan in project_plans:
            _sync_project(rec, plan, users, products)
    result.project_ids = [plan.obj.pk for plan in project_plans]
    refresh_health(project_ids=result.project_ids, today=today)
    result.seconds = clock.perf_counter() - started
    return result


# What an hour of each team role costs the vendor (below the rates clients are billed, in
# HOURLY_RATE), so that the demo projects show their budget in money. An admin's own rates stay.
DEMO_ROLE_RATES = {
    RoleRate.PM: Decimal(110),
    ProjectMembership.TeamRole.CONSULTANT: Decimal(95),
    ProjectMembership.TeamRole.SOLUTION_ARCHITECT: Decimal(125),
    ProjectMembership.TeamRole.DATA_CONVERSION: Decimal(90),
    ProjectMembership.TeamRole.INTEGRATION: Decimal(115),
    ProjectMembership.TeamRole.TRAINER: Decimal(80),
    ProjectMembership.TeamRole.SUPPORT: Decimal(70),
}


def _sync_role_rates() -> None:
    for role, rate in DEMO_ROLE_RATES.items():
        RoleRate.objects.get_or_create(role=role, defaults={"hourly_rate": rate})


def _sync_users(rec: _Reconciler) -> dict[str, User]:
    specs = DEMO_USERS + TEAM_USERS
    existing = {
        u.username: u for u in User.objects.filter(username__in=[s.username for s in specs])
    }
    groups = {g.name: g.pk for g in Group.objects.filter(name__in=[r.value for r in Role])}
    missing = [r.value for r in Role if r.value not in groups]
    if missing:
        raise RuntimeError(f"Role groups missing ({', '.join(missing)}); run migrate first.")
    users = {}
    for spec in specs:
        superuser = spec.role is None
        values = {
            "username": spec.username,
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": spec.email,
            "is_active": True,
            "is_staff": superuser,
            "is_superuser": superuser,
        }
        new = spec.username not in existing
        if new:
            # A password hash is set before the first save so no row holds an empty one.
            values["password"] = make_password(DEMO_PASSWORD if spec.can_log_in else None)
        user = rec.upsert(User, existing, spec.username, values)
        # A demo login whose password was changed gets the documented one back.
        if spec.can_log_in and not new and not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            rec.result.updated["users"] += 1
        users[spec.username] = user
    rec.pairs(
        User.groups.through,
        "user_id",
        "group_id",
        {users[s.username].pk: [groups[s.role.value]] if s.role else [] for s in specs},
        "group memberships",
    )
    return users


def _sync_products(rec: _Reconciler) -> dict[str, Product]:
    existing = {p.name: p for p in Product.objects.filter(name__in=[n for n, _ in PRODUCTS])}
    return {
        name: rec.upsert(
            Product, existing, name, {"name": name, "description": text, "is_active": True}
        )
        for name, text in PRODUCTS
    }


def _client_values(plan: ClientPlan, users: dict[str, User]) -> dict[str, Any]:
    spec = plan.spec
    return {
        "name": plan.name,
        "industry": spec.industry,
        "employee_count": spec.employees,
        "segment": spec.segment,
        "time_zone": spec.time_zone,
        "sales_rep_id": users[spec.sales_rep].pk,
        "account_status": spec.status,
        "contract_value": Decimal(spec.contract_value),
        "notes": spec.notes,
    }


def _contact_values(contact: ContactPlan, client_id: int) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "name": contact.name,
        "role": contact.role,
        "email": contact.email,
        "phone": contact.phone,
        "receives_status_reports": contact.receives_status_reports,
        "is_primary": contact.is_primary,
    }


def _sync_clients(
    rec: _Reconciler,
    client_plans: list[ClientPlan],
    project_plans: list[ProjectPlan],
    users: dict[str, User],
    products: dict[str, Product],
) -> None:
    existing = {c.name: c for c in Client.objects.filter(name__in=[p.name for p in client_plans])}
    for plan in client_plans:
        plan.obj = rec.upsert(Client, existing, plan.name, _client_values(plan, users))
    contacts = {
        (c.client_id, c.email): c
        for c in Contact.objects.filter(client__in=[p.obj for p in client_plans])
    }
    for plan in client_plans:
        for contact in plan.contacts:
            key = (plan.obj.pk, contact.email)
            contact.obj = rec.upsert(Contact, contacts, key, _contact_values(contact, plan.obj.pk))
    bought: dict[int, set[int]] = {
        plan.obj.pk: {products[name].pk for name in plan.spec.products} for plan in client_plans
    }
    for project in project_plans:
        bought[project.client.obj.pk] |= {products[name].pk for name in project.spec.products}
    rec.pairs(Client.products.through, "client_id", "product_id", bought, "client products")


def _uid(users: dict[str, User], username: str | None) -> int | None:
    return users[username].pk if username else None


def _project_values(plan: ProjectPlan, users: dict[str, User], handoff_id: int) -> dict:
    return {
        **plan.fields,
        "client_id": plan.client.obj.pk,
        "sales_handoff_id": handoff_id,
        "pm_id": _uid(users, plan.pm),
        "health_override_by_id": _uid(users, plan.override_by),
        "uat_signed_off_by_id": plan.uat_signed_off_by.obj.pk if plan.uat_signed_off_by else None,
    }


def _milestone_values(m: MilestonePlan, project_id: int) -> dict:
    return {
        "project_id": project_id,
        "name": m.name,
        "order": m.order,
        "baseline_date": m.baseline_date,
        "due_date": m.due_date,
        "completed_on": m.completed_on,
        "phase": m.phase.value,
        "is_key": m.is_key,
        "is_golive_critical": m.is_golive_critical,
        # The client follows the milestones that gate the project.
        "visible_to_client": m.is_key or m.is_golive_critical,
        "signed_off_by_id": m.signed_off_by.obj.pk if m.signed_off_by else None,
        "signed_off_at": m.signed_off_at,
    }


def _task_values(t: TaskPlan, project_id: int, users: dict[str, User]) -> dict:
    return {
        "project_id": project_id,
        "milestone_id": t.milestone.obj.pk,
        "title": t.title,
        "description": t.description,
        "owner_user_id": _uid(users, t.owner_user),
        "owner_contact_id": t.owner_contact.obj.pk if t.owner_contact else None,
        "status": t.status,
        "priority": t.priority,
        "start_date": t.start_date,
        "due_date": t.due_date,
        "estimate_hours": t.estimate_hours,
        "completed_at": t.completed_at,
        "visible_to_client": t.visible_to_client,
    }


def _baseline_values(
    b: BaselinePlan, plan: ProjectPlan, project_id: int, users: dict[str, User]
) -> dict:
    def iso(day: date | None) -> str | None:
        return day.isoformat() if day else None

    go_live = next(m for m in plan.milestones if m.name == "Go-live")
    if b.current:
        milestones = {m.obj.pk: m.baseline_date for m in plan.milestones}
        tasks = {t.obj.pk: t.baseline for t in plan.tasks}
    else:
        milestones = {m.obj.pk: m.first_baseline for m in plan.milestones}
        tasks = {t.obj.pk: t.first_baseline for t in plan.tasks}
    return {
        "project_id": project_id,
        "taken_at": b.taken_at,
        "taken_by_id": _uid(users, b.taken_by),
        "reason": b.reason,
        "go_live": milestones[go_live.obj.pk],
        "milestone_dates": {str(pk): iso(day) for pk, day in milestones.items()},
        "task_dates": {str(pk): [iso(a), iso(z)] for pk, (a, z) in tasks.items()},
    }


# Risks and issues the team shares with the client (the client version of status reports
# lists them); the others, such as a stakeholder who may leave, stay internal.
SHARED_WITH_CLIENT = {
    "Legacy data quality is poor",
    "Year-end close overlaps the go-live window",
    "Benefits carrier feed certification takes longer than planned",
    "Census file is missing terminated employees",
    "General ledger export rejected by the client's ERP",
    "Bank rejected the test direct-deposit file",
    "Managers cannot log in with single sign-on",
}


def _risk_values(r: RiskPlan, project_id: int, users: dict[str, User]) -> dict:
    return {
        "project_id": project_id,
        "title": r.title,
        "description": r.description,
        "probability": r.probability,
        "impact": r.impact,
        "owner_id": _uid(users, r.owner),
        "mitigation_plan": r.mitigation_plan,
        "status": r.status,
        "visible_to_client": r.title in SHARED_WITH_CLIENT,
        "raised_at": r.raised_at,
        "closed_at": r.closed_at,
    }


def _issue_values(i: IssuePlan, project_id: int, users: dict[str, User]) -> dict:
    return {
        "project_id": project_id,
        "title": i.title,
        "description": i.description,
        "severity": i.severity,
        "owner_id": _uid(users, i.owner),
        "status": i.status,
        "raised_at": i.raised_at,
        "resolved_at": i.resolved_at,
        "resolution": i.resolution,
        "escalation_level": i.escalation_level,
        "visible_to_client": i.title in SHARED_WITH_CLIENT,
        "from_risk_id": i.from_risk.obj.pk if i.from_risk else None,
    }


def _entry_values(e: TimeEntryPlan, project_id: int, users: dict[str, User]) -> dict:
    return {
        "project_id": project_id,
        "task_id": e.task.obj.pk if e.task else None,
        "user_id": users[e.user].pk,
        "spent_on": e.spent_on,
        "hours": e.hours,
        "billable": e.billable,
        "note": e.note,
    }


def _comment_values(c: CommentPlan, project_id: int, users: dict[str, User]) -> dict:
    return {
        "project_id": project_id,
        "task_id": c.task.obj.pk if c.task else None,
        "risk_id": c.risk.obj.pk if c.risk else None,
        "issue_id": c.issue.obj.pk if c.issue else None,
        "author_id": users[c.author].pk,
        "body": c.body,
        "created_at": c.created_at,
    }


def _report_values(plan: ProjectPlan, project_id: int, users: dict[str, User]) -> dict:
    return {
        **plan.handoff_report,
        "project_id": project_id,
        "sent_by_id": _uid(users, plan.report_sent_by),
        "decided_by_id": _uid(users, plan.report_decided_by),
    }


def _by(queryset, key: Callable[[Any], Any]) -> dict:
    return {key(obj): obj for obj in queryset}


def _sync_project(
    rec: _Reconciler, plan: ProjectPlan, users: dict[str, User], products: dict[str, Product]
) -> None:
    found = ImplementationProject.objects.filter(name=plan.name).order_by("pk").first()
    # The sales handoff has no name of its own: it is found through its project.
    handoffs = {}
    if found and found.sales_handoff_id:
        handoffs[plan.name] = SalesHandoff.objects.get(pk=found.sales_handoff_id)
    handoff = rec.upsert(
        SalesHandoff,
        handoffs,
        plan.name,
        {
            **plan.handoff,
            "client_id": plan.client.obj.pk,
            "submitted_by_id": _uid(users, plan.handoff_submitted_by),
            "acknowledged_by_id": _uid(users, plan.handoff_acknowledged_by),
        },
    )
    if handoff.submitted_at != plan.handoff_submitted_at:
        # submitted_at is auto_now_add, so only an update can date it when sales sent it.
        SalesHandoff.objects.filter(pk=handoff.pk).update(submitted_at=plan.handoff_submitted_at)
        handoff.submitted_at = plan.handoff_submitted_at
    rec.pairs(
        SalesHandoff.products.through,
        "saleshandoff_id",
        "product_id",
        {handoff.pk: [products[n].pk for n in plan.spec.products]},
        "sales handoff products",
    )

    projects = {plan.name: found} if found else {}
    project = rec.upsert(
        ImplementationProject, projects, plan.name, _project_values(plan, users, handoff.pk)
    )
    plan.obj = project
    pid = project.pk
    rec.pairs(
        ImplementationProject.products.through,
        "implementationproject_id",
        "product_id",
        {pid: [products[n].pk for n in plan.spec.products]},
        "project products",
    )

    def existing(model, key):
        return _by(model.objects.filter(project_id=pid), key) if found else {}

    members = existing(ProjectMembership, lambda m: m.user_id)
    for username, role in plan.team:
        uid = users[username].pk
        rec.upsert(
            ProjectMembership, members, uid, {"project_id": pid, "user_id": uid, "role": role}
        )

    changes = existing(PhaseChange, lambda c: c.to_phase)
    for from_phase, to_phase, when, note in plan.phase_changes:
        values = {
            "project_id": pid,
            "from_phase": from_phase,
            "to_phase": to_phase,
            "changed_by_id": _uid(users, plan.pm),
            "changed_at": when,
            "note": note,
        }
        rec.upsert(PhaseChange, changes, to_phase, values)

    milestones = existing(Milestone, lambda m: m.name)
    for m in plan.milestones:
        m.obj = rec.upsert(Milestone, milestones, m.name, _milestone_values(m, pid))
    tasks = existing(Task, lambda t: t.title)
    for t in plan.tasks:
        t.obj = rec.upsert(Task, tasks, t.title, _task_values(t, pid, users))
    rec.pairs(
        Task.depends_on.through,
        "from_task_id",
        "to_task_id",
        {t.obj.pk: [d.obj.pk for d in t.depends_on] for t in plan.tasks},
        "task dependencies",
    )
    kept = existing(Baseline, lambda b: b.taken_at)
    for b in plan.baselines:
        rec.upsert(Baseline, kept, b.taken_at, _baseline_values(b, plan, pid, users))
    risks = existing(Risk, lambda r: r.title)
    for r in plan.risks:
        r.obj = rec.upsert(Risk, risks, r.title, _risk_values(r, pid, users))
    issues = existing(Issue, lambda i: i.title)
    for i in plan.issues:
        i.obj = rec.upsert(Issue, issues, i.title, _issue_values(i, pid, users))
    entries = existing(TimeEntry, lambda e: (e.task_id, e.user_id, e.note))
    for e in plan.time_entries:
        key = (e.task.obj.pk if e.task else None, users[e.user].pk, e.note)
        rec.upsert(TimeEntry, entries, key, _entry_values(e, pid, users))
    comments = existing(Comment, lambda c: (c.author_id, c.body))
    for c in plan.comments:
        key = (users[c.author].pk, c.body)
        rec.upsert(Comment, comments, key, _comment_values(c, pid, users))
    if plan.handoff_report:
        reports = existing(HandoffReport, lambda r: r.project_id)
        rec.upsert(HandoffReport, reports, pid, _report_values(plan, pid, users))


# ---------------------------------------------------------------------------------------------
# Scaled copies for benchmarks: bulk inserts, numbered names, added on every run
# ---------------------------------------------------------------------------------------------

BATCH_SUFFIX = re.compile(r" #(\d+)$")


def next_batch_number() -> int:
    names = Client.objects.filter(name__regex=r" #[0-9]+$").values_list("name", flat=True)
    numbers = [int(m.group(1)) for m in map(BATCH_SUFFIX.search, names) if m]
    return max(numbers, default=0) + 1


def seed_scaled(
    scale: int, today: date | None = None, progress: Callable[[str], None] | None = None
) -> SeedResult:
    """Add `scale` numbered copies of the base clients and projects, with bulk inserts."""
    started = clock.perf_counter()
    today = today or timezone.localdate()
    result = SeedResult()
    first = next_batch_number()
    result.batches = list(range(first, first + scale))
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[s.username for s in DEMO_USERS + TEAM_USERS])
    }
    products = {p.name: p for p in Product.objects.all()}
    pm_group = Group.objects.get(name=Role.PM.value)
    skeletons = plan_skeletons(today)
    for start in range(0, scale, UNITS_PER_TRANSACTION):
        batches = result.batches[start : start + UNITS_PER_TRANSACTION]
        with transaction.atomic():
            _bulk_units(batches, today, users, products, pm_group, skeletons, result)
        if progress:
            progress(f"  batches {batches[0]}–{batches[-1]} written")
    refresh_health(project_ids=result.project_ids, today=today)
    result.seconds = clock.perf_counter() - started
    return result


def _bulk(model: type[models.Model], rows: list, result: SeedResult, label: str = "") -> list:
    if rows:
        model.objects.bulk_create(rows, batch_size=BULK_BATCH_SIZE)
        result.created[label or model._meta.verbose_name_plural] += len(rows)
    return rows


def _bulk_units(
    batches: list[int],
    today: date,
    base_users: dict[str, User],
    products: dict[str, Product],
    pm_group: Group,
    skeletons: Callable[[tuple[str, ...]], PlanSkeleton],
    result: SeedResult,
) -> None:
    # Straight bulk_create on each table, through tables included, bypassing the services and
    # simple_history: this is a benchmark loader, and per-row services would take hours.
    from playbooks.models import ProjectTemplateUse  # built on this app: see plan_skeletons

    thresholds = settings.GOLIVE_HEALTH
    users = dict(base_users)

    # Two project managers per batch keep each PM's load near the base set's.
    new_users = []
    for batch in batches:
        for index in (1, 2):
            username = f"bench-pm-{batch}-{index}"
            users[username] = User(
                username=username,
                first_name=FIRST_NAMES[(2 * batch + index) % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(3 * batch + index) % len(LAST_NAMES)],
                email=f"{username}@golive.example",
                password=make_password(None),
            )
            new_users.append(users[username])
    _bulk(User, new_users, result)
    _bulk(
        User.groups.through,
        [User.groups.through(user_id=u.pk, group_id=pm_group.pk) for u in new_users],
        result,
        "group memberships",
    )

    client_plans: list[ClientPlan] = []
    project_plans: list[ProjectPlan] = []
    for batch in batches:
        clients = {spec.name: build_client_plan(spec, f"{spec.name} #{batch}") for spec in CLIENTS}
        client_plans += clients.values()
        pms = {"pm": f"bench-pm-{batch}-1", "pm2": f"bench-pm-{batch}-2"}
        for index, spec in enumerate(PROJECTS):
            rng = random.Random(f"{SEED}:scale:{batch}:{index}")
            scaled = replace(
                spec,
                pm=pms.get(spec.pm or ""),
                position=spec.position if spec.shape == "red_stuck" else rng.uniform(0.2, 0.8),
                override=None,
            )
            client = clients[spec.client]
            project_plans.append(
                build_project_plan(
                    scaled,
                    client,
                    today,
                    thresholds,
                    rng=rng,
                    skeleton=skeletons(spec.products),
                    name=f"{client.name} — {spec.title}",
                )
            )

    for plan in client_plans:
        plan.obj = Client(**_client_values(plan, users))
    _bulk(Client, [p.obj for p in client_plans], result)
    bought = defaultdict(set)
    for plan in client_plans:
        bought[plan.obj.pk] |= {products[n].pk for n in plan.spec.products}
    for plan in project_plans:
        bought[plan.client.obj.pk] |= {products[n].pk for n in plan.spec.products}
    through = Client.products.through
    _bulk(
        through,
        [through(client_id=c, product_id=p) for c, ps in bought.items() for p in sorted(ps)],
        result,
        "client products",
    )
    contacts = []
    for plan in client_plans:
        for contact in plan.contacts:
            contact.obj = Contact(**_contact_values(contact, plan.obj.pk))
            contacts.append(contact.obj)
    _bulk(Contact, contacts, result)

    handoffs = []
    for plan in project_plans:
        plan.handoff_obj = SalesHandoff(
            **plan.handoff,
            client_id=plan.client.obj.pk,
            submitted_by_id=_uid(users, plan.handoff_submitted_by),
            acknowledged_by_id=_uid(users, plan.handoff_acknowledged_by),
        )
        handoffs.append(plan.handoff_obj)
    _bulk(SalesHandoff, handoffs, result)
    through = SalesHandoff.products.through
    _bulk(
        through,
        [
            through(saleshandoff_id=plan.handoff_obj.pk, product_id=products[n].pk)
            for plan in project_plans
            for n in plan.spec.products
        ],
        result,
        "sales handoff products",
    )

    for plan in project_plans:
        plan.obj = ImplementationProject(**_project_values(plan, users, plan.handoff_obj.pk))
    _bulk(ImplementationProject, [p.obj for p in project_plans], result)
    result.project_ids += [p.obj.pk for p in project_plans]
    through = ImplementationProject.products.through
    _bulk(
        through,
        [
            through(implementationproject_id=plan.obj.pk, product_id=products[n].pk)
            for plan in project_plans
            for n in plan.spec.products
        ],
        result,
        "project products",
    )
    team = []
    for plan in project_plans:
        team += [
            ProjectMembership(project_id=plan.obj.pk, user_id=users[u].pk, role=role)
            for u, role in plan.team
        ]
    _bulk(ProjectMembership, team, result)
    changes = []
    for plan in project_plans:
        changes += [
            PhaseChange(
                project_id=plan.obj.pk,
                from_phase=a,
                to_phase=b,
                changed_at=when,
                note=note,
                changed_by_id=_uid(users, plan.pm),
            )
            for a, b, when, note in plan.phase_changes
        ]
    _bulk(PhaseChange, changes, result)

    def rows(attr: str, make: Callable[[Any, int], models.Model], model) -> None:
        objs = []
        for plan in project_plans:
            for item in getattr(plan, attr):
                item.obj = make(item, plan.obj.pk)
                objs.append(item.obj)
        _bulk(model, objs, result)

    rows("milestones", lambda m, pid: Milestone(**_milestone_values(m, pid)), Milestone)
    rows("tasks", lambda t, pid: Task(**_task_values(t, pid, users)), Task)
    through = Task.depends_on.through
    _bulk(
        through,
        [
            through(from_task_id=t.obj.pk, to_task_id=d.obj.pk)
            for plan in project_plans
            for t in plan.tasks
            for d in t.depends_on
        ],
        result,
        "task dependencies",
    )
    _bulk(
        Baseline,
        [
            Baseline(**_baseline_values(b, plan, plan.obj.pk, users))
            for plan in project_plans
            for b in plan.baselines
        ],
        result,
    )
    _bulk(
        ProjectTemplateUse,
        [
            ProjectTemplateUse(
                project_id=plan.obj.pk, template_id=t, applied_by_id=_uid(users, plan.pm)
            )
            for plan in project_plans
            for t in plan.templates
        ],
        result,
    )
    rows("risks", lambda r, pid: Risk(**_risk_values(r, pid, users)), Risk)
    rows("issues", lambda i, pid: Issue(**_issue_values(i, pid, users)), Issue)
    entries = [
        TimeEntry(**_entry_values(e, plan.obj.pk, users))
        for plan in project_plans
        for e in plan.time_entries
    ]
    _bulk(TimeEntry, entries, result)
    comments = [
        Comment(**_comment_values(c, plan.obj.pk, users))
        for plan in project_plans
        for c in plan.comments
    ]
    _bulk(Comment, comments, result)
    reports = [
        HandoffReport(**_report_values(plan, plan.obj.pk, users))
        for plan in project_plans
        if plan.handoff_report
    ]
    _bulk(HandoffReport, reports, result)
