"""The CJK font the PDF embeds: a TrueType-outline font (reportlab cannot embed OpenType/CFF fonts
such as Noto CJK), found in a short list of paths or named by ``GEOPLAN_CJK_FONT``.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ConfigError

ENV_VAR = "GEOPLAN_CJK_FONT"

# (path, subfont index of a .ttc collection); Debian/Ubuntu fonts-wqy-zenhei first
CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),  # Fedora/Arch
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),  # macOS
    ("C:/Windows/Fonts/simhei.ttf", 0),  # Windows
    ("C:/Windows/Fonts/msyh.ttc", 0),
)


def find_cjk_font() -> tuple[Path, int]:
    """The path of an embeddable Chinese TrueType font and its subfont index.

    ``GEOPLAN_CJK_FONT`` (a .ttf, or a .ttc optionally followed by ``:index``) wins over the list.

    Raises
    ------
    ConfigError
        When the variable names a missing file, or no font of the list is installed; the message
        names ``GEOPLAN_CJK_FONT`` and the Debian package fonts-wqy-zenhei.
    """
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        path, _, idx = env.rpartition(":") if env.rsplit(":", 1)[-1].isdigit() else (env, "", "0")
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"{ENV_VAR}={env!r}: no such font file; point it at a TrueType .ttf/.ttc "
                              "with Chinese glyphs", field=ENV_VAR)
        return p, int(idx)
    for cand, index in CANDIDATES:
        if Path(cand).is_file():
            return Path(cand), index
    raise ConfigError("the PDF brief needs a Chinese TrueType font and none was found: install the Debian "
                      f"package fonts-wqy-zenhei, or set the environment variable {ENV_VAR} to a .ttf/.ttc "
                      "file (OpenType/CFF fonts such as Noto CJK cannot be embedded)", field=ENV_VAR)
