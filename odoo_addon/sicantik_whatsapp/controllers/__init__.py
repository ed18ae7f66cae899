from . import consent
from . import webhook
from . import preview
from . import evidence
