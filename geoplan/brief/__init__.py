"""招商 brief: a site-selection result as a PDF or Word document an officer hands to an investor.

``write_brief(result, path, lang="zh")`` writes the project, the top ranked parks with their reasons
and plan sentences, a location map, the land and 标准地 terms and the caveats, in Chinese or English.

Modules: ``content`` (the brief as plain data, both languages), ``figure`` (the map image, matplotlib,
offline), ``fonts`` (the embeddable CJK font), ``pdf`` (reportlab), ``word`` (python-docx), ``write``
(``write_brief``, atomic).
"""

from .content import brief_content
from .figure import map_png
from .fonts import find_cjk_font
from .write import FORMATS, brief_bytes, write_brief

__all__ = ["FORMATS", "brief_bytes", "brief_content", "find_cjk_font", "map_png", "write_brief"]
