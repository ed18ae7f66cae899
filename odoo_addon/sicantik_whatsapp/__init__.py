# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from . import controllers
from . import log_filter
from . import models
from . import wizards

log_filter.install()

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    """Say at install time whether the engine can be loaded (it is only needed to send)."""
    from .engine.host import EngineUnavailable, get_engine

    try:
        engine = get_engine()
    except EngineUnavailable as e:
        _logger.warning("sicantik_whatsapp installed, but it cannot send yet: %s", e)
    else:
        _logger.info("sicantik_whatsapp: engine %s ready", engine.version())
