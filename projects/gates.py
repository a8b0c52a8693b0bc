"""Conditions that apps built on projects add to its gates, without projects importing them.

An app registers its checks in its AppConfig.ready(). A go-live check returns
(label, problems) for the readiness page; a UAT sign-off check returns problems in words.
"""

from collections.abc import Callable

GO_LIVE_CHECKS: list[Callable] = []
UAT_SIGNOFF_CHECKS: list[Callable] = []


def register_go_live_check(check: Callable) -> None:
    if check not in GO_LIVE_CHECKS:
        GO_LIVE_CHECKS.append(check)


def register_uat_signoff_check(check: Callable) -> None:
    if check not in UAT_SIGNOFF_CHECKS:
        UAT_SIGNOFF_CHECKS.append(check)
