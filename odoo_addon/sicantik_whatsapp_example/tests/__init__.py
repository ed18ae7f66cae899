# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_permit_send
from . import test_composer
from . import test_composer_rights
from . import test_composer_automation
from . import test_composer_tour
