from . import sicantik_whatsapp_test_wizard
