from . import sicantik_whatsapp_provider
from . import sicantik_whatsapp_template_master
from . import sicantik_whatsapp_message
from . import sicantik_whatsapp_attempt
from . import sicantik_whatsapp_consent
from . import sicantik_whatsapp_dispatcher
from . import res_partner
from . import res_config_settings
