from . import sicantik_whatsapp_test_wizard
from . import sicantik_whatsapp_replay_wizard
from . import sicantik_whatsapp_free_text_wizard
from . import sicantik_whatsapp_provider_error_wizard
from . import sicantik_whatsapp_composer
