"""Characters that XML 1.0 and HTML documents cannot carry."""

from __future__ import annotations

import re

# XML 1.0 and HTML forbid C0 controls (but tab and newlines), lone surrogates and
# U+FFFE/U+FFFF: they are stripped from all input so that no page or feed carries them.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def strip_forbidden(text: str) -> str:
    """Remove characters that XML and HTML documents cannot carry."""
    return FORBIDDEN.sub("", text)
