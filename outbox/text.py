"""Text that goes into an email header."""

import unicodedata

# Control characters and the Unicode line and paragraph separators: any of them in a header
# breaks it (a newline in a client's name would end the Subject and start a header of its own).
_BREAKING = {"Cc", "Zl", "Zp"}


def one_line(text: str, limit: int = 200) -> str:
    """`text` as one line of plain spaces, fit for a Subject built from names people typed."""
    spaced = "".join(" " if unicodedata.category(ch) in _BREAKING else ch for ch in str(text))
    line = " ".join(spaced.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
