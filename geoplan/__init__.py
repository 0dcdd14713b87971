"""geoplan: Chongqing industrial-park planning layers and analyses.

The library never imports Streamlit; ``app.py`` is the only UI entry point.
"""

__version__ = "0.1.0"
