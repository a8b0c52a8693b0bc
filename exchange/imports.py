"""Reading a CRM's CSV export: its columns, and each row checked into what it would write.

One row per deal (or per account, without the deal's columns): the account, one contact at it,
and the deal that becomes a sales handoff and a project. docs/imports.md documents the columns;
COLUMNS below is what the import page shows, so the two cannot drift apart.
"""

import csv
import datetime
import io
import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q

from clients.models import Client, Contact, Product
from clients.roles import Role
from common.parsing import CONTROL_CHARACTERS, CONTROL_CHARACTERS_BUT_LINE_BREAKS
from projects.models import ImplementationProject


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    example: str
    required: str = ""  # when it must be filled in, in words; empty when never


ACCOUNT = "account"
CONTACT = "contact"
DEAL = "deal"

COLUMNS: dict[str, tuple[Column, ...]] = {
    ACCOUNT: (
        Column(
            "account_id",
            "The account's id in the CRM; finds it again on the next import.",
            "0013000000AbCdE",
            "always",
        ),
        Column(
            "account_name", "The account's name (unique in Golive).", "Acme Payroll Ltd", "always"
        ),
        Column("industry", "Industry.", "Manufacturing"),
        Column("employee_count", "Number of employees, a whole number.", "250"),
        Column(
            "segment",
            "smb, mid_market or enterprise (or Small business, Mid-market, Enterprise).",
            "mid_market",
        ),
        Column("time_zone", "The account's time zone; UTC when empty.", "Europe/London"),
        Column("sales_rep", "The sales rep's Golive username or email.", "sales"),
        Column("contract_value", "Contract value, a number without currency sign.", "48000.00"),
    ),
    CONTACT: (
        Column("contact_id", "The person's id in the CRM.", "0033000000XyZ"),
        Column("contact_name", "Full name.", "Dana Reyes", "with a contact"),
        Column(
            "contact_email",
            "Email address (one per person at an account).",
            "dana@acme.example",
            "with a contact",
        ),
        Column("contact_phone", "Phone.", "+44 20 7946 0000"),
        Column(
            "contact_role",
            "executive_sponsor, project_lead, payroll_admin, hr_admin, it, "
            "finance or other (or their names).",
            "project_lead",
        ),
        Column("contact_primary", "yes or no: the account's primary contact.", "yes"),
        Column("contact_receives_reports", "yes or no: receives status reports.", "yes"),
    ),
    DEAL: (
        Column(
            "deal_id",
            "The deal's id in the CRM; the project made from it keeps it.",
            "0063000000Deal1",
            "with a deal",
        ),
        Column("project_name", "The project's name.", "Acme Payroll onboarding", "with a deal"),
        Column(
            "products",
            "Products sold, by their Golive names, separated by semicolons.",
            "Payroll; Time",
            "with a deal",
        ),
        Column(
            "contract_signed_on",
            "Date the contract was signed, YYYY-MM-DD.",
            "2026-11-02",
            "with a deal",
        ),
        Column(
            "target_go_live",
            "Promised go-live, YYYY-MM-DD; the project's baseline.",
            "2027-03-01",
            "with a deal",
        ),
        Column("kickoff_date", "Planned kick-off, YYYY-MM-DD.", "2026-12-01"),
        Column("pm", "The implementation PM's Golive username or email.", "pm"),
        Column("budget_hours", "Budget in hours.", "320"),
        Column("budget_amount", "Budget in money.", "36000"),
        Column("commitments", "Commitments made by sales.", "Parallel run in February"),
        Column("special_terms", "Special terms.", ""),
        Column("pain_points", "Known pain points.", "Manual overtime import"),
        Column("stakeholders", "Stakeholders.", "CFO, Head of HR"),
    ),
}
ALL_COLUMNS = {column.name: column for group in COLUMNS.values() for column in group}
REQUIRED_HEADERS = ("account_id", "account_name")
CONTACT_COLUMNS = [column.name for column in COLUMNS[CONTACT]]
DEAL_COLUMNS = [column.name for column in COLUMNS[DEAL]]

# Lengths of the model fields the columns fill.
LIMITS = {
    "account_id": 100,
    "account_name": 200,
    "industry": 100,
    "time_zone": 64,
    "contact_id": 100,
    "contact_name": 200,
    "contact_email": 254,
    "contact_phone": 40,
    "deal_id": 100,
    "project_name": 200,
}
# Columns of several lines of text; every other one is one line.
LONG_TEXT = {"commitments", "special_terms", "pain_points", "stakeholders"}
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}


class ImportFileError(ValidationError):
    """The file as a whole cannot be read: not CSV, not UTF-8, no header, too big."""


# Reading the file


def check_size(size: int) -> None:
    limit = settings.GOLIVE_IMPORTS["MAX_BYTES"]
    if size > limit:
        raise ImportFileError(
            f"The file is {size / 1_000_000:.1f} MB; an import takes files up to "
            f"{limit / 1_000_000:.0f} MB. Split it in two and import each part."
        )


def decode(raw: bytes) -> str:
    """The file's text, or why it cannot be read, in words a person can act on."""
    check_size(len(raw))
    if not raw.strip():
        raise ImportFileError("The file is empty.")
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "This is an Excel workbook, not a CSV file. In Excel choose File › Save as › "
            "“CSV UTF-8 (comma delimited)” and import that file."
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            "The file is in UTF-16. Save it as “CSV UTF-8 (comma delimited)” and import it again."
        )
    if b"\x00" in raw:
        raise ImportFileError("This is not a CSV file: it holds binary data.")
    try:
        # utf-8-sig drops the byte-order mark Excel writes at the start of a “CSV UTF-8” file.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not UTF-8 text (line {line} holds a character in another encoding). "
            "In Excel choose File › Save as › “CSV UTF-8 (comma delimited)”."
        ) from error


def _header_name(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.strip().lower())


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, cell by column name)
    ignored: list[str]


def read_table(text: str) -> Table:
    """The header and the non-empty rows; ImportFileError when the file is not such a table."""
    first_line = text.split("\n", 1)[0]
    # Excel writes semicolons where a comma is the decimal mark.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_header_name(cell) for cell in next(reader, [])]
        known = [name for name in header if name in ALL_COLUMNS]
        missing = [name for name in REQUIRED_HEADERS if name not in header]
        if missing:
            raise ImportFileError(
                "The first row must name the columns, and "
                + " and ".join(missing)
                + (" is" if len(missing) == 1 else " are")
                + " not among them. The import page lists the columns; start from the sample "
                "file."
            )
        twice = sorted({name for name in known if known.count(name) > 1})
        if twice:
            raise ImportFileError(f"The header names {', '.join(twice)} more than once.")
        rows = []
        limit = settings.GOLIVE_IMPORTS["MAX_ROWS"]
        ended = reader.line_num
        for cells in reader:
            # A quoted cell may run over several lines: a row is named by its first.
            line, ended = ended + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= limit:
                raise ImportFileError(
                    f"The file has more than {limit:,} rows; split it and import each part."
                )
            row = dict.fromkeys(known, "")
            for name, cell in zip(header, cells, strict=False):
                if name in ALL_COLUMNS:
                    row[name] = cell.strip()
            if len(cells) > len(header):
                row["_extra_cells"] = str(len(cells) - len(header))
            rows.append((line, row))
    except csv.Error as error:
        raise ImportFileError(f"Line {reader.line_num} cannot be read as CSV: {error}.") from error
    ignored = [name for name in header if name and name not in ALL_COLUMNS]
    return Table(header=header, rows=rows, ignored=ignored)


# What each row would write


@dataclass
class AccountValues:
    external_id: str
    name: str
    industry: str = ""
    employee_count: int | None = None
    segment: str = ""
    time_zone: str = ""
    sales_rep: User | None = None
    contract_value: Decimal | None = None


@dataclass
class ContactValues:
    external_id: str
    name: str
    email: str
    phone: str = ""
    role: str = ""
    is_primary: bool = False
    receives_status_reports: bool = False


@dataclass
class DealValues:
    external_id: str
    name: str
    products: list[Product]
    contract_signed_on: datetime.date
    target_go_live: datetime.date
    kickoff_date: datetime.date | None = None
    pm: User | None = None
    budget_hours: Decimal | None = None
    budget_amount: Decimal | None = None
    commitments: str = ""
    special_terms: str = ""
    pain_points: str = ""
    stakeholders: str = ""


@dataclass
class Row:
    line: int
    account: AccountValues
    contact: ContactValues | None
    deal: DealValues | None


@dataclass
class Problem:
    line: int
    account: str
    problems: list[str]

    def as_dict(self) -> dict:
        return {"row": self.line, "account": self.account, "problems": self.problems}


@dataclass
class Checked:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    ignored: list[str] = field(default_factory=list)


def _choice(value: str, choices, what: str, errors: list[str]) -> str:
    if not value:
        return ""
    wanted = _header_name(value)
    for stored, label in choices:
        if wanted in (stored, _header_name(str(label))):
            return stored
    names = ", ".join(stored for stored, _ in choices)
    errors.append(f"{what} “{value}” is not one of {names}.")
    return ""


def _date(value: str, what: str, errors: list[str]) -> datetime.date | None:
    if not value:
        return None
    try:
        # Some CRMs write a time after the date; the date is what counts.
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        errors.append(f"{what} “{value}” is not a date written YYYY-MM-DD.")
        return None


def _decimal(value: str, what: str, errors: list[str], places: int = 2) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0 or number >= 10**9:
        errors.append(f"{what} “{value}” is not a number of 0 or more.")
        return None
    return round(number, places)


def _whole(value: str, what: str, errors: list[str]) -> int | None:
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        errors.append(f"{what} “{value}” is not a whole number.")
        return None
    return int(value)


def _flag(value: str, what: str, errors: list[str]) -> bool:
    if value.lower() in YES:
        return True
    if value.lower() not in NO:
        errors.append(f"{what} “{value}” is neither yes nor no.")
    return False


@dataclass
class Known:
    """What the rows refer to, read once for the whole file."""

    people: dict[str, dict[str, User]]  # role → username or email (lower case) → user
    products: dict[str, Product]  # lower-case name → product
    clients_by_id: dict[str, Client]
    clients_by_name: dict[str, Client]
    contacts_by_id: dict[str, Contact]
    contacts_by_email: dict[tuple[int, str], Contact]
    primaries: dict[int, Contact]  # client pk → its primary contact
    projects_by_id: dict[str, ImplementationProject]
    time_zones: frozenset[str]


def _chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _people() -> dict[str, dict[str, User]]:
    """Active sales reps and PMs by username and by email: what the sales_rep and pm columns
    name."""
    found: dict[str, dict[str, User]] = {Role.SALES: {}, Role.PM: {}}
    for role, people in found.items():
        for user in User.objects.filter(is_active=True, groups__name=role).only(
            "username", "email", "first_name", "last_name"
        ):
            people[user.username.lower()] = user
            if user.email:
                people.setdefault(user.email.lower(), user)
    return found


def known_for(table: Table) -> Known:
    """Read, in a fixed number of queries per 500 rows, what the file's rows name."""
    rows = [cells for _, cells in table.rows]
    account_ids = sorted({r["account_id"] for r in rows if r.get("account_id")})
    names = sorted({r["account_name"].lower() for r in rows if r.get("account_name")})
    contact_ids = sorted({r["contact_id"] for r in rows if r.get("contact_id")})
    deal_ids = sorted({r["deal_id"] for r in rows if r.get("deal_id")})
    clients_by_id, clients_by_name = {}, {}
    for chunk in _chunks(account_ids):
        for client in Client.objects.filter(external_id__in=chunk).prefetch_related("products"):
            clients_by_id[client.external_id] = client
    for chunk in _chunks(names):
        matching = Q()
        for name in chunk:
            matching |= Q(name__iexact=name)
        for client in Client.objects.filter(matching).prefetch_related("products"):
            clients_by_name[client.name.lower()] = client
    contacts_by_id = {}
    for chunk in _chunks(contact_ids):
        for contact in Contact.objects.filter(external_id__in=chunk):
            contacts_by_id[contact.external_id] = contact
    client_pks = sorted({c.pk for c in [*clients_by_id.values(), *clients_by_name.values()]})
    contacts_by_email = {}
    for chunk in _chunks(client_pks):
        for contact in Contact.objects.filter(client_id__in=chunk):
            contacts_by_email[(contact.client_id, contact.email.lower())] = contact
    projects_by_id = {}
    for chunk in _chunks(deal_ids):
        for project in ImplementationProject.objects.filter(external_id__in=chunk).only(
            "external_id", "client_id", "name"
        ):
            projects_by_id[project.external_id] = project
    return Known(
        people=_people(),
        products={p.name.lower(): p for p in Product.objects.filter(is_active=True)},
        clients_by_id=clients_by_id,
        clients_by_name=clients_by_name,
        contacts_by_id=contacts_by_id,
        contacts_by_email=contacts_by_email,
        primaries={c.client_id: c for c in contacts_by_email.values() if c.is_primary},
        projects_by_id=projects_by_id,
        time_zones=frozenset(zoneinfo.available_timezones()),
    )


PEOPLE = {Role.SALES: "a sales rep", Role.PM: "an implementation PM"}


def _person(value: str, role: str, what: str, known: Known, errors: list[str]) -> User | None:
    if not value:
        return None
    user = known.people[role].get(value.lower())
    if user is None:
        errors.append(
            f"{what} “{value}” is not {PEOPLE[role]} in Golive (give a username or email)."
        )
    return user


def _required(cells: dict[str, str], names: Iterable[str], when: str, errors: list[str]) -> None:
    missing = [name for name in names if not cells.get(name)]
    if missing:
        errors.append(f"{', '.join(missing)} must be filled in{when}.")


def _row_values(cells: dict[str, str], known: Known) -> tuple[Row | None, list[str]]:
    """The values of one row, or what is wrong with it."""
    errors: list[str] = []
    if "_extra_cells" in cells:
        errors.append(f"The row has {cells['_extra_cells']} more cells than the header has names.")
    _required(cells, REQUIRED_HEADERS, "", errors)
    for name, limit in LIMITS.items():
        if len(cells.get(name, "")) > limit:
            errors.append(f"{name} is longer than {limit} characters.")
    for name, value in cells.items():
        control = CONTROL_CHARACTERS_BUT_LINE_BREAKS if name in LONG_TEXT else CONTROL_CHARACTERS
        if name in ALL_COLUMNS and control.search(value):
            errors.append(f"{name} holds a line break or another control character.")
    time_zone = cells.get("time_zone", "")
    if time_zone and time_zone not in known.time_zones:
        errors.append(f"Time zone “{time_zone}” is not known (write it like Europe/London).")
    account = AccountValues(
        external_id=cells.get("account_id", ""),
        name=cells.get("account_name", ""),
        industry=cells.get("industry", ""),
        employee_count=_whole(cells.get("employee_count", ""), "Employee count", errors),
        segment=_choice(cells.get("segment", ""), Client.Segment.choices, "Segment", errors),
        time_zone=time_zone,
        sales_rep=_person(cells.get("sales_rep", ""), Role.SALES, "Sales rep", known, errors),
        contract_value=_decimal(cells.get("contract_value", ""), "Contract value", errors),
    )
    contact = None
    if any(cells.get(name) for name in CONTACT_COLUMNS):
        _required(cells, ("contact_name", "contact_email"), " for a contact", errors)
        email = cells.get("contact_email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(f"Contact email “{email}” is not an email address.")
        contact = ContactValues(
            external_id=cells.get("contact_id", ""),
            name=cells.get("contact_name", ""),
            email=email,
            phone=cells.get("contact_phone", ""),
            role=_choice(
                cells.get("contact_role", ""), Contact.ContactRole.choices, "Contact role", errors
            ),
            is_primary=_flag(cells.get("contact_primary", ""), "Contact primary", errors),
            receives_status_reports=_flag(
                cells.get("contact_receives_reports", ""), "Contact receives reports", errors
            ),
        )
    deal = None
    if any(cells.get(name) for name in DEAL_COLUMNS):
        _required(
            cells,
            ("deal_id", "project_name", "products", "contract_signed_on", "target_go_live"),
            " for a deal",
            errors,
        )
        products = []
        for name in filter(None, (part.strip() for part in cells.get("products", "").split(";"))):
            product = known.products.get(name.lower())
            if product is None:
                errors.append(f"Product “{name}” is not one Golive knows.")
            elif product not in products:
                products.append(product)
        signed = _date(cells.get("contract_signed_on", ""), "Contract signed on", errors)
        go_live = _date(cells.get("target_go_live", ""), "Target go-live", errors)
        if signed and go_live and go_live < signed:
            errors.append("The target go-live is before the contract was signed.")
        deal = DealValues(
            external_id=cells.get("deal_id", ""),
            name=cells.get("project_name", ""),
            products=products,
            contract_signed_on=signed,
            target_go_live=go_live,
            kickoff_date=_date(cells.get("kickoff_date", ""), "Kick-off date", errors),
            pm=_person(cells.get("pm", ""), Role.PM, "PM", known, errors),
            budget_hours=_decimal(cells.get("budget_hours", ""), "Budget hours", errors, 1),
            budget_amount=_decimal(cells.get("budget_amount", ""), "Budget amount", errors),
            commitments=cells.get("commitments", ""),
            special_terms=cells.get("special_terms", ""),
            pain_points=cells.get("pain_points", ""),
            stakeholders=cells.get("stakeholders", ""),
        )
    if errors:
        return None, errors
    return Row(line=0, account=account, contact=contact, deal=deal), []


ACCOUNT_FIELDS = ("name", "industry", "employee_count", "segment", "time_zone", "sales_rep",
                  "contract_value")  # fmt: skip


class _FileState:
    """What earlier rows of the file said, to find duplicates and contradictions."""

    def __init__(self) -> None:
        self.accounts: dict[str, tuple[int, AccountValues]] = {}
        self.account_names: dict[str, tuple[int, str]] = {}
        self.contacts: dict[str, tuple[int, ContactValues, str]] = {}
        self.emails: dict[tuple[str, str], tuple[int, str]] = {}
        self.primaries: dict[str, tuple[int, str]] = {}

    def problems(self, line: int, row: Row) -> list[str]:
        said = []
        account = row.account
        earlier = self.accounts.get(account.external_id)
        if earlier:
            first_line, first = earlier
            for name in ACCOUNT_FIELDS:
                mine, theirs = getattr(account, name), getattr(first, name)
                if mine not in (None, "") and theirs not in (None, "") and mine != theirs:
                    said.append(
                        f"Account {account.external_id} has {name} “{_shown(theirs)}” on row "
                        f"{first_line} and “{_shown(mine)}” here."
                    )
        named = self.account_names.get(account.name.lower())
        if named and named[1] != account.external_id:
            said.append(
                f"Row {named[0]} gives the name “{account.name}” to another account ({named[1]})."
            )
        contact = row.contact
        if contact:
            if contact.external_id:
                seen = self.contacts.get(contact.external_id)
                if seen and (seen[1] != contact or seen[2] != account.external_id):
                    said.append(
                        f"Contact {contact.external_id} is also on row {seen[0]} with other "
                        "details."
                    )
            email_key = (account.external_id, contact.email.lower())
            same_email = self.emails.get(email_key)
            if same_email and same_email[1] != (contact.external_id or contact.name):
                said.append(
                    f"Row {same_email[0]} gives the email {contact.email} to another contact "
                    "of this account."
                )
            primary = self.primaries.get(account.external_id)
            if contact.is_primary and primary and primary[1] != contact.email.lower():
                said.append(
                    f"Row {primary[0]} already names another primary contact for this account."
                )
        return said

    def remember(self, line: int, row: Row) -> None:
        account = row.account
        self.accounts.setdefault(account.external_id, (line, account))
        self.account_names.setdefault(account.name.lower(), (line, account.external_id))
        if row.contact:
            contact = row.contact
            if contact.external_id:
                self.contacts.setdefault(contact.external_id, (line, contact, account.external_id))
            self.emails.setdefault(
                (account.external_id, contact.email.lower()),
                (line, contact.external_id or contact.name),
            )
            if contact.is_primary:
                self.primaries.setdefault(account.external_id, (line, contact.email.lower()))


def _shown(value) -> str:
    if isinstance(value, User):
        return value.username
    return str(value)


def _stored_conflicts(row: Row, known: Known) -> list[str]:
    """Where the row contradicts what Golive holds already."""
    said = []
    account = row.account
    client = known.clients_by_id.get(account.external_id)
    by_name = known.clients_by_name.get(account.name.lower())
    if by_name is not None and by_name != client and by_name.external_id:
        said.append(
            f"An account named “{by_name.name}” is already in Golive with another CRM id "
            f"({by_name.external_id})."
        )
    elif by_name is not None and client is not None and by_name != client:
        said.append(f"Another account in Golive is named “{by_name.name}”.")
    client = client or (by_name if by_name is not None and not by_name.external_id else None)
    contact = row.contact
    if contact:
        stored = known.contacts_by_id.get(contact.external_id) if contact.external_id else None
        if stored is not None and (client is None or stored.client_id != client.pk):
            said.append(f"Contact {contact.external_id} belongs to another account in Golive.")
        if client is not None:
            same_email = known.contacts_by_email.get((client.pk, contact.email.lower()))
            if (
                same_email is not None
                and contact.external_id
                and same_email.external_id
                and same_email.external_id != contact.external_id
            ):
                said.append(
                    f"{same_email.name} already uses {contact.email} at this account in Golive."
                )
            if contact.is_primary:
                me = stored or same_email
                primary = known.primaries.get(client.pk)
                if primary is not None and (me is None or primary.pk != me.pk):
                    said.append(
                        f"{primary.name} is already this account's primary contact in Golive."
                    )
    deal = row.deal
    if deal:
        project = known.projects_by_id.get(deal.external_id)
        if project is not None and (client is None or project.client_id != client.pk):
            said.append(f"Deal {deal.external_id} is already a project of another account.")
    return said


def check(
    table: Table, *, progress: Callable[[int], None] | None = None, every: int = 200
) -> Checked:
    """Every row's values, or why it cannot be imported: the dry run. Writes nothing."""
    known = known_for(table)
    state = _FileState()
    # A deal id twice is a duplicate whatever else is wrong with either row.
    deals: dict[str, int] = {}
    checked = Checked(total=len(table.rows), ignored=table.ignored)
    for done, (line, cells) in enumerate(table.rows, start=1):
        row, errors = _row_values(cells, known)
        if row is not None:
            row.line = line
            errors = state.problems(line, row) + _stored_conflicts(row, known)
        deal_id = cells.get("deal_id", "")
        if deal_id in deals:
            errors.append(f"Deal {deal_id} is also on row {deals[deal_id]}.")
        elif deal_id:
            deals[deal_id] = line
        if errors:
            label = cells.get("account_id") or cells.get("account_name") or ""
            checked.problems.append(Problem(line=line, account=label[:100], problems=errors))
        else:
            state.remember(line, row)
            checked.rows.append(row)
        if progress is not None and done % every == 0:
            progress(done)
    return checked
