"""Client satisfaction as the apps that survey clients report it, without projects importing them.

An app registers, in its AppConfig.ready(), a source: given project ids, it returns in one
query the answers it holds, {project_id: [answer, ...]} with the newest first, each answer a
dict of csat (1–5), nps (0–10), comment, occasion, by and answered_on.
"""

from collections.abc import Callable, Iterable

SOURCES: list[Callable] = []


def register_source(source: Callable) -> None:
    if source not in SOURCES:
        SOURCES.append(source)


def answers_by_project(project_ids: Iterable[int]) -> dict[int, list[dict]]:
    ids = list(project_ids)
    found: dict[int, list[dict]] = {}
    if not ids:
        return found
    for source in SOURCES:
        for project_id, answers in source(ids).items():
            found.setdefault(project_id, []).extend(answers)
    return found


def describe(answers: list[dict]) -> str:
    """The answers in one line each joined: "CSAT 4/5 · NPS 8 · “Good team.” (Dana, go-live,
    3 Mar 2026)"; "" when there is none."""
    lines = []
    for answer in answers:
        parts = [f"CSAT {answer['csat']}/5", f"NPS {answer['nps']}"]
        if answer["comment"]:
            parts.append(f"“{answer['comment']}”")
        day = answer["answered_on"]
        about = ", ".join(
            part for part in (answer["by"], answer["occasion"], f"{day.day} {day:%b %Y}") if part
        )
        lines.append(" · ".join(parts) + f" ({about})")
    return "; ".join(lines)


def summaries(project_ids: Iterable[int]) -> dict[int, str]:
    return {pk: describe(answers) for pk, answers in answers_by_project(project_ids).items()}
